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

from assistant.answer import (
    Answer,
    AnswerVerdict,
    Citations,
    Sentence,
    compose_abstention,
    compose_not_a_rule,
    compose_passages,
    compose_rules,
    lacks_asked_figure,
    not_a_rule,
)
from assistant.calibration import CALIBRATION_FILE, Calibration, abstains
from assistant.config import Settings, get_settings
from assistant.conversation import is_elliptic, resolve
from assistant.coverage import Vocabulary
from assistant.index import SearchIndex, load_index
from assistant.lang import detect_language
from assistant.llm import LLMWriter
from assistant.questions import clean_question
from assistant.retrieval import HybridRetriever, route
from assistant.rules.book import RuleBook
from assistant.rules.decision import Citation, Decision
from assistant.rules.registry import run_rule
from assistant.scope import INTERNALS, out_of_scope, without_internals
from assistant.understanding import Ask, QuestionReader, Understanding, load_reader
from assistant.understanding.dispatch import calls_for, decide, premise_calls

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
        parts = [self._answer_ask(ask, understanding, lang, cites, as_of, timings)
                 for ask in understanding.asks]
        answer = "\n\n".join(p.text for p in parts)
        # The verdict is the first part's (each part's answer opens with its own).
        verdict = parts[0].verdict
        decisions = [d for p in parts for d in p.decisions]
        # A rule that finds the material silent ("Det fremgår ikke af materialet", with
        # what it does say and where to ask) abstains too, with its sources; a message
        # abstains when no part of it is answered.
        abstained = all(p.verdict == "unknown" for p in parts)
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
        """The answer as events: ("delta", text) pieces, then ("answer", Answer).

        With an LLM the pieces come from the model, but only after its whole text has
        passed the checks; without one they are the deterministic answer's lines.
        """
        # The deterministic answer first (no shared state is touched: safe under
        # concurrent requests), then the model's checked text, if any.
        base = self._ask(question, history, as_of, lang, use_llm=False)
        if self.llm is not None and not base.abstained:
            for piece in self.llm.stream(base):
                yield "delta", piece
        else:
            for line in base.answer.splitlines(keepends=True):
                yield "delta", line
        yield "answer", base

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
                    as_of: dt.date, timings: dict[str, float]) -> Part:
        """One ask's answer: the rules its intent calls, else the documents' own sentences,
        else an honest "the material does not say"."""
        t = time.perf_counter()
        topic = understanding.scope_topic if len(understanding.asks) == 1 else out_of_scope(
            ask.text)
        named = any(p.search(ask.text) for p in self.book.source_aliases)
        decisions = decide(ask, self.book, as_of) if topic in (None, INTERNALS) else []
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
        outside = (ask.intent == "out_of_scope" and ask.confidence >= OUT_OF_SCOPE_CONFIDENCE
                   and not named) or (topic not in (None, INTERNALS) and not named)
        if outside:
            return Part(compose_abstention(lang), "unknown", [])
        t = time.perf_counter()
        sentences, signal = self._sentences(ask.text)
        timings["retrieval_ms"] = timings.get("retrieval_ms", 0.0) + _ms(t)
        if not_a_rule(ask.text, sentences):
            return Part(compose_not_a_rule(sentences, lang, cites), "no", [])
        if self._answered(ask.text, lang, sentences, signal):
            return Part(compose_passages(sentences, lang, cites), "info", [])
        return Part(compose_abstention(lang), "unknown", [])

    def _answered(self, question: str, lang: str, sentences: list[Sentence],
                  signal: float) -> bool:
        """Whether the retrieved sentences answer the question: there are some, they state
        a figure when one is asked for, and they match well enough (calibrated)."""
        if not sentences or lacks_asked_figure(question, sentences):
            return False
        # A question about what København or FOA does or thinks, answered from that
        # source's own sentences: the source was asked for and found.
        named = {d for d, patterns in self.book.aliases_by_source.items()
                 if any(p.search(question) for p in patterns)}
        if named and any(s.cite.doc in named for s in sentences):
            return True
        unknown_word = lang == "da" and bool(self.vocab.unknown(question))
        return not abstains(self.calibration, lang, signal, unknown_word)

    def _sentences(self, question: str) -> tuple[list[Sentence], float]:
        """The sentences that best answer the question, and how well the best one matched.

        Candidates are the nearest sentences (dense) inside the top passages of the hybrid
        search; they are ranked by similarity plus shared stemmed words, the sources the
        question names (else the rules) first.
        """
        preferred, content = route(question, self.index)
        top = {p.id for p, _ in self.retriever.search(question)}
        q_tokens = set(self.index.bm25.tokens(content))
        scored: list[Sentence] = []
        best_any = 0.0
        for row, cosine, start, end in self.index.dense_sentences(content, 24):
            passage = self.index.passages[row]
            best_any = max(best_any, cosine)
            if passage.id not in top:
                continue
            doc = self.index.documents[passage.doc_id]
            quote = doc.text[start:end].strip()
            quote = quote[2:] if quote.startswith("- ") else quote
            start = doc.text.find(quote, start)
            overlap = len(q_tokens & set(self.index.bm25.tokens(quote)))
            score = cosine + 0.01 * overlap + (0.02 if passage.doc_id in preferred else 0.0)
            scored.append(Sentence(Citation(passage.doc_id, passage.id, quote, start,
                                            start + len(quote)),
                                   doc.meta.authority, score))
        scored.sort(key=lambda s: -s.score)
        chosen: list[Sentence] = []
        for s in scored:
            if len(chosen) == 3 or (chosen and s.score < chosen[0].score - 0.025):
                break
            if all(s.cite.quote != c.cite.quote for c in chosen):
                chosen.append(s)
        return chosen, best_any


# The learned out-of-scope class, read first with at least this probability, abstains
# when no rule answers and no source is named; otherwise the retrieved sentences and the
# calibrated similarity threshold decide.
OUT_OF_SCOPE_CONFIDENCE = 0.25


@dataclass(frozen=True)
class Part:
    """The answer to one ask of a message."""

    text: str
    verdict: AnswerVerdict
    decisions: list[Decision]


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
