"""The assistant: one entry point, ``Assistant.ask``, for the CLI, the API and the chat."""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from threadpoolctl import threadpool_limits

from assistant.answering.composition import (
    Answer,
    AnswerVerdict,
    Citations,
    compose_abstention,
    compose_documents,
    compose_not_a_rule,
    compose_overview,
    compose_rules,
    lacks_asked_figure,
    not_a_rule,
)
from assistant.answering.llm import LLMWriter
from assistant.answering.phrases import PART_UNANSWERED, WHERE_TO_ASK
from assistant.answering.selection import Selection, gather, load_or_train_scorer, query_for, select
from assistant.common.config import Settings, get_settings
from assistant.common.input_text import clean_question
from assistant.retrieval.calibration import CALIBRATION_FILE, Calibration, abstains
from assistant.retrieval.coverage import Vocabulary
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.index import SearchIndex, load_index
from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision
from assistant.rules.registry import run_rule
from assistant.understanding import Ask, QuestionReader, Understanding, load_reader
from assistant.understanding.bank import default_bank
from assistant.understanding.dispatch import calls_for, decide, premise_calls
from assistant.understanding.follow_up import is_elliptic, resolve
from assistant.understanding.language import detect_language
from assistant.understanding.scope import INTERNALS, out_of_scope, without_internals

log = logging.getLogger(__name__)
Message = Mapping[str, str]


class Assistant:
    """Rules first, retrieved sentences otherwise, and an honest "not in the material"."""

    def __init__(self, settings: Settings | None = None, index: SearchIndex | None = None
                 ) -> None:
        self.settings = settings or get_settings()
        # One BLAS/OpenMP thread: the work per question is small, and idle BLAS threads
        # spinning after a matrix product slow the e5 engine's own threads about fourfold.
        threadpool_limits(1)
        self.index = index or load_index(self.settings)
        self.book = RuleBook(self.index.documents, self.index.passages)
        self.book.validate()
        self.vocab = Vocabulary(d.text for d in self.index.documents.values())
        self.calibration = Calibration.load(self.settings.calibration_file or CALIBRATION_FILE)
        self.llm = LLMWriter(self.settings) if self.settings.llm_base_url else None
        self.reader: QuestionReader = load_reader(
            self.index, self.book, self.settings.understanding_cache())
        self.retriever = HybridRetriever(
            index=self.index, k=self.settings.top_k, candidates=self.settings.candidates,
            rrf_k=self.settings.rrf_k, max_question_chars=self.settings.max_question_chars,
            mode=self.settings.retrieval_mode,
        )
        self.intent_sources = {i.id: i.sources for i in default_bank().intents.values()}
        self.scorer = load_or_train_scorer(
            self.index, self.retriever, self.settings.understanding_cache(),
            intended=self.intended_sources, reader_key=self.reader.model.key)

    def ask(self, question: str, history: Sequence[Message] = (),
            as_of: dt.date | None = None, lang: str | None = None) -> Answer:
        """Answer one question (with the conversation so far) as of a given day."""
        return self._ask(question, history, as_of, lang, use_llm=True)

    def _ask(self, question: str, history: Sequence[Message], as_of: dt.date | None,
             lang: str | None, use_llm: bool) -> Answer:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        text = clean_question(question, self.settings.max_question_chars)
        history = [{"role": m.get("role", ""), "content": clean_question(
            m.get("content", ""), self.settings.max_question_chars)}
            for m in history if str(m.get("content", "")).strip()]
        as_of = as_of or dt.date.today()
        lang = lang if lang in ("da", "en") else detect_language(text)
        resolved = resolve(text, history, self.book, complete=self._complete)
        timings["resolve_ms"] = _ms(started)

        # A request for the service's internals wrapped around a real question: the
        # request is dropped and the rest is answered (nothing left: out of scope).
        t = time.perf_counter()
        understanding = self.reader.read(resolved, as_of)
        if understanding.scope_topic == INTERNALS:
            query = without_internals(resolved)
            if query:
                understanding = self.reader.read(query, as_of)
        previous = next((m["content"] for m in reversed(history) if m.get("role") == "user"),
                        "")
        if previous and resolved == text and is_elliptic(text):
            # "hvad med en diplom i ledelse så?" asks what the previous question asked.
            before = self.reader.read(previous, as_of).first
            first = replace(understanding.first, form=before.form, negated=before.negated)
            understanding = replace(understanding, asks=(first, *understanding.asks[1:]))
        timings["understand_ms"] = _ms(t)

        cites = Citations(self.index)
        parts: list[Part] = []
        named: frozenset[str] = frozenset()
        for ask in understanding.asks:
            # "Hvem står bag FOA's rapport, og hvornår er den fra?": a part that names no
            # source asks about the one the message named before it.
            part = self._answer_ask(ask, understanding, lang, cites, as_of, timings, named)
            named = part.named or named
            parts.append(part)
        if len(parts) > 1 and any(p.verdict == "unknown" for p in parts):
            # Each unanswered part says so in a line of its own; where to ask, once.
            parts = [replace(p, text=f"{PART_UNANSWERED.get(lang)} ({a.text.strip()})")
                     if p.verdict == "unknown" else p for p, a in zip(
                         parts, understanding.asks, strict=True)]
            parts.append(Part(WHERE_TO_ASK.get(lang), "unknown", []))
        answer = "\n\n".join(p.text for p in parts)
        # The verdict is the first part's (each part's answer opens with its own).
        verdict = parts[0].verdict
        decisions = [d for p in parts for d in p.decisions]
        # A rule that finds the material silent ("Det fremgår ikke af materialet", with
        # what it does say and where to ask) abstains too, with its sources; a message
        # abstains when no part of it is answered.
        abstained = all(p.verdict == "unknown" for p in parts)
        if abstained and len(parts) > 1:
            answer = compose_abstention(lang)
        result = Answer(
            id=str(uuid.uuid4()), answer=answer, verdict=verdict, abstained=abstained,
            citations=cites.items, rules=[d.to_dict(lang) for d in decisions],
            lang=lang, question=text, resolved_question=resolved, as_of=as_of,  # type: ignore[arg-type]
            timings=timings, understanding=understanding.to_dict(),
        )
        if use_llm and self.llm is not None and not abstained:
            t = time.perf_counter()
            result = self.llm.rewrite(result)
            result.timings["llm_ms"] = _ms(t)
        # The model holds its own copy of the timings: the total goes there.
        result.timings["total_ms"] = _ms(started)
        return result

    def stream(self, question: str, history: Sequence[Message] = (),
               as_of: dt.date | None = None, lang: str | None = None,
               ) -> Iterator[tuple[str, Any]]:
        """The answer as events, for the API's server-sent events.

        The deterministic answer is computed when this is called, so a question or a
        history that cannot be answered raises here, before any event. The events come as
        the returned iterator is read: ("delta", text) pieces, then ("answer", Answer).
        With an LLM the pieces are the model's tokens as they arrive, unchecked; if its
        whole text then fails the checks (or the model breaks off), ("replace", {"text":
        the deterministic answer, "reason": why}) comes before the answer. Without an LLM,
        or when the model fails before its first token, the pieces are the deterministic
        answer's words. Closing the iterator stops the model's stream.
        """
        base = self._ask(question, history, as_of, lang, use_llm=False)
        llm = self.llm if not base.abstained else None

        def words(text: str) -> Iterator[tuple[str, Any]]:
            parts = text.split(" ")  # " ".join(parts) == text: nothing is lost or added
            for i, word in enumerate(parts):
                piece = word if i == len(parts) - 1 else word + " "
                if piece:
                    yield "delta", piece

        def events() -> Iterator[tuple[str, Any]]:
            if llm is None:
                yield from words(base.answer)
                yield "answer", base
                return
            started, shown = time.perf_counter(), False
            for kind, value in llm.stream(base):
                if kind == "delta":
                    shown = True
                    yield "delta", value
                    continue
                final: Answer = value
                final.timings["llm_ms"] = _ms(started)
                if final.llm and not final.llm.get("used"):
                    if shown:
                        yield "replace", {"text": final.answer, "reason": final.llm["reason"]}
                    else:
                        yield from words(final.answer)
                yield "answer", final

        return events()

    def decisions(self, question: str, as_of: dt.date) -> list[Decision]:
        """The decisions of the rules a question calls (none: the documents answer it)."""
        return [d for ask in self.reader.read(question, as_of).asks
                for d in decide(ask, self.book, as_of)]

    def _complete(self, question: str) -> bool:
        """Whether a short follow-up is a whole question for the rules on its own ("what
        about the 2025 grant?"), so it is not rewritten against the previous one."""
        if is_elliptic(question):
            return False  # "og diplomuddannelser?": the previous question, about this
        ask = self.reader.read(question).first
        return ask.for_rules and ask.confidence >= 0.5 and bool(calls_for(ask, self.book))

    def _answer_ask(self, ask: Ask, understanding: Understanding, lang: str, cites: Citations,
                    as_of: dt.date, timings: dict[str, float],
                    named_before: frozenset[str] = frozenset()) -> Part:
        """One ask's answer: the rules its intent calls, else the documents' own sentences,
        else an honest "the material does not say"."""
        t = time.perf_counter()
        topic = understanding.scope_topic if len(understanding.asks) == 1 else out_of_scope(
            ask.text)
        named = any(p.search(ask.text) for p in self.book.source_aliases)
        decisions = decide(ask, self.book, as_of) if topic in (None, INTERNALS) else []
        if ask.intent in TIMING_INTENTS and ask.confidence < WEAK_READING and not (
                ask.values.dates or ask.values.start or ask.values.end or ask.values.years
                or ask.values.grant_year):
            # A timing rule on a weak reading of a question that names no date ("Can we
            # use the pool for a new playground?" read as about the opening window) would
            # answer what was not asked: the documents and the abstention decide instead.
            decisions = []
        timings["rules_ms"] = timings.get("rules_ms", 0.0) + _ms(t)
        if decisions and ask.form == "open" and lacks_asked_figure(
                ask.text, [d.explanation.da for d in decisions]):
            # "Hvor meget koster deltagerbetalingen?": the rule knows that it is covered,
            # not what it costs. The material does not give the figure asked for.
            decisions = []
        # A premise the rules contradict ("Da masteruddannelser nu er tilladt, hvordan
        # søger vi?"): the answer corrects it first, whatever the question then asks.
        refuted = [d for d in (run_rule(self.book, name, inputs, as_of)
                               for name, inputs in premise_calls(ask, self.book))
                   if d.verdict == "no" and not ask.negated]
        if refuted:
            text, verdict = compose_rules(refuted + decisions, lang, cites, "yn", False,
                                          premise_false=True)
            return Part(text, verdict, refuted + decisions)
        if decisions:
            text, verdict = compose_rules(decisions, lang, cites, ask.form, ask.negated)
            return Part(text, verdict, decisions)
        if self._overview(ask, named):
            return Part(compose_overview(self.book, lang, cites), "info", [])
        outside = (ask.intent == "out_of_scope" and ask.confidence >= OUT_OF_SCOPE_CONFIDENCE
                   and not named) or (topic not in (None, INTERNALS) and not named)
        if outside:
            return Part(compose_abstention(lang), "unknown", [])
        t = time.perf_counter()
        selection, signal, named_docs = self._select(ask, named_before)
        timings["retrieval_ms"] = timings.get("retrieval_ms", 0.0) + _ms(t)
        if ask.form in ("yn", "claim") and not_a_rule(ask.text, selection):
            return Part(compose_not_a_rule(selection, lang, cites), "no", [], named_docs)
        if self._answered(ask.text, lang, selection, signal, named_docs):
            return Part(compose_documents(selection, lang, cites), "info", [], named_docs)
        return Part(compose_abstention(lang), "unknown", [], named_docs)

    def _answered(self, question: str, lang: str, selection: Selection, signal: float,
                  named: frozenset[str]) -> bool:
        """Whether the selected sentences answer the question: there are some, they state
        a figure when one is asked for, and they match well enough (calibrated)."""
        quotes = [c.quote for e in selection.extracts for c in e.sentences]
        if not quotes or lacks_asked_figure(question, quotes):
            return False
        # A question about what København or FOA does or thinks, answered from that
        # source's own sentences: the source was asked for and found.
        if any(e.doc in named and e.authority in ("municipal", "opinion")
               for e in selection.extracts):
            return True
        unknown_word = lang == "da" and bool(self.vocab.unknown(question))
        return not abstains(self.calibration, lang, signal, unknown_word)

    @staticmethod
    def _overview(ask: Ask, named: bool) -> bool:
        """An ask for the whole picture: read as such, or read as about programmes or costs
        in general (no rule decided it, nothing named) with the overview close behind."""
        if named or ask.mentions:
            return False
        if ask.intent == "overview":
            return ask.confidence >= OVERVIEW_CONFIDENCE
        runner_up = dict((a.value, a.prob) for a in ask.alternatives[:2])
        return ask.intent in ("programme_funding", "cost_coverage") and ask.form == "open" \
            and runner_up.get("overview", 0.0) >= OVERVIEW_CONFIDENCE / 2

    def intended_sources(self, question: str) -> tuple[str, ...]:
        """The documents the question's intent points to (Copenhagen's for "copenhagen")."""
        return self._intended(self.reader.read(question).first)

    def _intended(self, ask: Ask) -> tuple[str, ...]:
        return self.intent_sources.get(ask.intent, ()) if ask.confidence >= 0.5 else ()

    def signal(self, question: str) -> float:
        """How well the question's best sentence matches (what the calibrated abstention
        reads)."""
        query = query_for(self.index, question)
        return float(query.cosines.max()) if len(query.cosines) else 0.0

    def _select(self, ask: Ask, named_before: frozenset[str]
                ) -> tuple[Selection, float, frozenset[str]]:
        """The extracts that answer the ask, how well the best sentence matched (for the
        calibrated abstention), and the sources the ask names (or inherits)."""
        query = query_for(self.index, ask.text, self._intended(ask))
        if not query.named and named_before:
            query.named = named_before
        cands = gather(self.index, self.retriever, query)
        scores = self.scorer.scores(self.index, query, cands)
        signal = float(query.cosines.max()) if len(query.cosines) else 0.0
        return select(self.index, cands, scores), signal, query.named


# The learned out-of-scope class, read first with at least this probability, abstains
# when no rule answers and no source is named; otherwise the retrieved sentences and the
# calibrated similarity threshold decide.
OUT_OF_SCOPE_CONFIDENCE = 0.25
# A reading below this is weak: a timing rule is not run on it unless the question names a
# date or a year.
WEAK_READING = 0.3
TIMING_INTENTS = frozenset({"activity_start", "first_round_open", "completion_deadline",
                            "spending_start", "grant_year_window"})
# The overview intent, read first with at least this probability, is answered from the
# catalogue and the parameters.
OVERVIEW_CONFIDENCE = 0.35


@dataclass(frozen=True)
class Part:
    """The answer to one ask of a message."""

    text: str
    verdict: AnswerVerdict
    decisions: list[Decision]
    named: frozenset[str] = frozenset()  # the sources this part asked about


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
