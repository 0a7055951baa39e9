"""The assistant: one entry point, ``Assistant.ask``, for the CLI, the API and the chat.

An answer is a run of named steps over one ``Turn`` (after GOV.UK chat's answer pipeline),
each reading what the steps before it wrote:

    clean → language → resolve → understand → decide → retrieve → select → compose → check

Each step is timed (``Answer.trace``, the /metrics step histogram). A step ends the run
early by setting ``Turn.stopped``: compose when the message abstains (``abstain``, or
``out_of_scope`` when every part is outside the material), so that check does not run;
clean ends it by raising ``InvalidQuestionError`` (the API's 422). What answers each ask is
an ordered list too, ``ROUTES``: a refuted premise, the rules, the overview, out of scope,
the documents (which selection settles as documents, not_a_rule or abstain). The API
keeps the answer (``Store.record_answer``); nothing is stored here.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from threadpoolctl import threadpool_limits

from assistant.answering.composition import (
    Answer,
    Citations,
    Route,
    Trace,
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
from assistant.answering.selection import (
    Query,
    Selection,
    gather,
    load_or_train_scorer,
    query_for,
    select,
)
from assistant.common.config import Settings, get_settings
from assistant.common.input_text import clean_question
from assistant.retrieval.calibration import CALIBRATION_FILE, Calibration, abstains
from assistant.retrieval.coverage import Vocabulary
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.index import SearchIndex, load_index
from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision
from assistant.rules.registry import run_rule
from assistant.turn import AskTurn, Message, Part, Turn, elapsed_ms, is_outside, is_overview
from assistant.understanding import Ask, QuestionReader, load_reader
from assistant.understanding.bank import default_bank
from assistant.understanding.dispatch import calls_for, decide, premise_calls
from assistant.understanding.follow_up import is_elliptic, resolve
from assistant.understanding.language import detect_language
from assistant.understanding.scope import INTERNALS, out_of_scope, without_internals

log = logging.getLogger(__name__)

# A reading below this is weak: a timing rule is not run on it unless the question names a
# date or a year.
WEAK_READING = 0.3
TIMING_INTENTS = frozenset({"activity_start", "first_round_open", "completion_deadline",
                            "spending_start", "grant_year_window"})


# What answers an ask, in this order: the first that applies. The documents' asks are
# settled by select: documents, not_a_rule ("is X a rule?" answered only by København or
# FOA) or abstain (nothing that answers well enough).
ROUTES: tuple[tuple[Route, Callable[[AskTurn], bool]], ...] = (
    # A premise the rules contradict ("Da masteruddannelser nu er tilladt, hvordan søger
    # vi?"): the answer corrects it first, whatever the question then asks.
    ("premise", lambda a: bool(a.refuted)),
    ("rules", lambda a: bool(a.decisions)),
    ("overview", is_overview),
    ("out_of_scope", is_outside),
    ("documents", lambda a: True),
)


def route_of(a: AskTurn) -> Route:
    """The first route in ``ROUTES`` that applies to the ask."""
    return next(route for route, applies in ROUTES if applies(a))


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
        return self._run(Turn(question, history, as_of or dt.date.today(), lang, use_llm=True))

    def _run(self, turn: Turn) -> Answer:
        """The answer's steps in order, each timed, until one ends the run."""
        steps: list[tuple[str, Callable[[Turn], None]]] = [
            ("clean", self._clean),            # the question and history, or invalid
            ("language", self._language),      # as asked, else detected
            ("resolve", self._resolve),        # a follow-up as it reads on its own
            ("understand", self._understand),  # the message's asks, read into frames
            ("decide", self._decide),          # each ask's rules, and its route (ROUTES)
            ("retrieve", self._retrieve),      # candidate sentences for the documents' asks
            ("select", self._select),          # the extracts, and whether they answer
            ("compose", self._compose),        # the cited answer; stops when it abstains
        ]
        if turn.use_llm and self.llm is not None:
            steps.append(("check", self._check))  # the LLM's prose, kept only if it checks
        for name, step in steps:
            t = time.perf_counter()
            step(turn)
            turn.steps[name] = elapsed_ms(t)
            if turn.stopped is not None:
                break
        answer = turn.answer
        assert answer is not None  # compose always runs: nothing before it stops the run
        answer.timings.update(turn.timings())
        answer.trace = Trace(steps=turn.steps, routes=[a.route for a in turn.asks],
                             stopped=turn.stopped or "answered")
        return answer

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
        base = self._run(Turn(question, history, as_of or dt.date.today(), lang,
                              use_llm=False))
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
                final.timings["llm_ms"] = elapsed_ms(started)
                if final.trace is not None:  # the check step, run as the model streams
                    final.trace.steps["check"] = final.timings["llm_ms"]
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

    # The steps, in the order they run.

    def _clean(self, turn: Turn) -> None:
        limit = self.settings.max_question_chars
        turn.text = clean_question(turn.question, limit)
        turn.history = [{"role": m.get("role", ""), "content": clean_question(
            m.get("content", ""), limit)} for m in turn.history
            if str(m.get("content", "")).strip()]

    def _language(self, turn: Turn) -> None:
        asked = turn.asked_lang
        turn.lang = asked if asked in ("da", "en") else detect_language(turn.text)

    def _resolve(self, turn: Turn) -> None:
        turn.resolved = resolve(turn.text, turn.history, self.book, complete=self._complete)

    def _complete(self, question: str) -> bool:
        """Whether a short follow-up is a whole question for the rules on its own ("what
        about the 2025 grant?"), so it is not rewritten against the previous one."""
        if is_elliptic(question):
            return False  # "og diplomuddannelser?": the previous question, about this
        ask = self.reader.read(question).first
        return ask.for_rules and ask.confidence >= 0.5 and bool(calls_for(ask, self.book))

    def _understand(self, turn: Turn) -> None:
        # A request for the service's internals wrapped around a real question: the
        # request is dropped and the rest is answered (nothing left: out of scope).
        understanding = self.reader.read(turn.resolved, turn.as_of)
        if understanding.scope_topic == INTERNALS:
            query = without_internals(turn.resolved)
            if query:
                understanding = self.reader.read(query, turn.as_of)
        previous = next((m["content"] for m in reversed(turn.history)
                         if m.get("role") == "user"), "")
        if previous and turn.resolved == turn.text and is_elliptic(turn.text):
            # "hvad med en diplom i ledelse så?" asks what the previous question asked.
            before = self.reader.read(previous, turn.as_of).first
            first = replace(understanding.first, form=before.form, negated=before.negated)
            understanding = replace(understanding, asks=(first, *understanding.asks[1:]))
        turn.understanding = understanding

    def _decide(self, turn: Turn) -> None:
        """Each ask's rule decisions and refuted premises, and so its route."""
        understanding = turn.understanding
        assert understanding is not None
        single = len(understanding.asks) == 1
        for ask in understanding.asks:
            a = AskTurn(ask, topic=understanding.scope_topic if single else out_of_scope(
                ask.text), names_source=any(p.search(ask.text)
                                            for p in self.book.source_aliases))
            a.decisions = self._rules(a, turn.as_of)
            a.refuted = [d for d in (run_rule(self.book, name, inputs, turn.as_of)
                                     for name, inputs in premise_calls(ask, self.book))
                         if d.verdict == "no" and not ask.negated]
            a.route = route_of(a)
            turn.asks.append(a)

    def _rules(self, a: AskTurn, as_of: dt.date) -> list[Decision]:
        """The decisions of the rules the ask calls, unless they would answer what was not
        asked."""
        ask = a.ask
        if a.topic not in (None, INTERNALS):
            return []
        decisions = decide(ask, self.book, as_of)
        if ask.intent in TIMING_INTENTS and ask.confidence < WEAK_READING and not (
                ask.values.dates or ask.values.start or ask.values.end or ask.values.years
                or ask.values.grant_year):
            # A timing rule on a weak reading of a question that names no date ("Can we
            # use the pool for a new playground?" read as about the opening window) would
            # answer what was not asked: the documents and the abstention decide instead.
            return []
        if decisions and ask.form == "open" and lacks_asked_figure(
                ask.text, [d.explanation.da for d in decisions]):
            # "Hvor meget koster deltagerbetalingen?": the rule knows that it is covered,
            # not what it costs. The material does not give the figure asked for.
            return []
        return decisions

    def _retrieve(self, turn: Turn) -> None:
        """The candidate sentences of each ask the documents answer, in the order asked."""
        # "Hvem står bag FOA's rapport, og hvornår er den fra?": a part that names no
        # source asks about the one the message named before it.
        named: frozenset[str] = frozenset()
        for a in turn.asks:
            if a.route != "documents":
                continue
            a.query = query_for(self.index, a.ask.text, self._intended(a.ask))
            if not a.query.named and named:
                a.query.named = named
            a.candidates = gather(self.index, self.retriever, a.query)
            named = a.query.named or named

    def _select(self, turn: Turn) -> None:
        """The extracts of each ask the documents answer, and whether they answer it."""
        for a in turn.asks:
            if a.route != "documents" or a.query is None:
                continue
            scores = self.scorer.scores(self.index, a.query, a.candidates)
            a.selection = select(self.index, a.candidates, scores)
            if a.ask.form in ("yn", "claim") and not_a_rule(a.ask.text, a.selection):
                a.route = "not_a_rule"
            elif not self._answered(a.ask.text, turn.lang, a.selection, a.query):
                a.route = "abstain"

    def _compose(self, turn: Turn) -> None:
        """The cited answer: each ask's part in the order asked, then the message."""
        understanding, lang = turn.understanding, turn.lang
        assert understanding is not None
        cites = turn.citations = Citations(self.index)
        parts = [self._part(a, lang, cites) for a in turn.asks]
        if len(parts) > 1 and any(p.verdict == "unknown" for p in parts):
            # Each unanswered part says so in a line of its own; where to ask, once.
            parts = [replace(p, text=f"{PART_UNANSWERED.get(lang)} ({a.text.strip()})")
                     if p.verdict == "unknown" else p for p, a in zip(
                         parts, understanding.asks, strict=True)]
            parts.append(Part(WHERE_TO_ASK.get(lang), "unknown", []))
        turn.parts = parts
        answer = "\n\n".join(p.text for p in parts)
        # A rule that finds the material silent ("Det fremgår ikke af materialet", with
        # what it does say and where to ask) abstains too, with its sources; a message
        # abstains when no part of it is answered.
        abstained = all(p.verdict == "unknown" for p in parts)
        if abstained and len(parts) > 1:
            answer = compose_abstention(lang)
        turn.answer = Answer(
            id=str(uuid.uuid4()), answer=answer,
            # The verdict is the first part's (each part's answer opens with its own).
            verdict=parts[0].verdict, abstained=abstained, citations=cites.items,
            rules=[d.to_dict(lang) for p in parts for d in p.decisions],
            lang=lang, question=turn.text, resolved_question=turn.resolved,  # type: ignore[arg-type]
            as_of=turn.as_of, understanding=understanding.to_dict(),
        )
        if abstained:  # an abstention is never rewritten
            turn.stopped = "out_of_scope" if all(
                a.route == "out_of_scope" for a in turn.asks) else "abstain"

    def _part(self, a: AskTurn, lang: str, cites: Citations) -> Part:
        """One ask's answer, as its route composes it."""
        ask = a.ask
        match a.route:
            case "premise":
                decisions = a.refuted + a.decisions
                text, verdict = compose_rules(decisions, lang, cites, "yn", False,
                                              premise_false=True)
                return Part(text, verdict, decisions)
            case "rules":
                text, verdict = compose_rules(a.decisions, lang, cites, ask.form, ask.negated)
                return Part(text, verdict, a.decisions)
            case "overview":
                return Part(compose_overview(self.book, lang, cites), "info", [])
            case "not_a_rule":
                return Part(compose_not_a_rule(a.selection, lang, cites), "no", [])
            case "documents":
                return Part(compose_documents(a.selection, lang, cites), "info", [])
        return Part(compose_abstention(lang), "unknown", [])  # out_of_scope, abstain

    def _check(self, turn: Turn) -> None:
        assert self.llm is not None and turn.answer is not None
        turn.answer = self.llm.rewrite(turn.answer)

    def _answered(self, question: str, lang: str, selection: Selection, query: Query) -> bool:
        """Whether the selected sentences answer the question: there are some, they state
        a figure when one is asked for, and they match well enough (calibrated)."""
        quotes = [c.quote for e in selection.extracts for c in e.sentences]
        if not quotes or lacks_asked_figure(question, quotes):
            return False
        # A question about what København or FOA does or thinks, answered from that
        # source's own sentences: the source was asked for and found.
        if any(e.doc in query.named and e.authority in ("municipal", "opinion")
               for e in selection.extracts):
            return True
        unknown_word = lang == "da" and bool(self.vocab.unknown(question))
        return not abstains(self.calibration, lang, query.signal, unknown_word)

    def intended_sources(self, question: str) -> tuple[str, ...]:
        """The documents the question's intent points to (Copenhagen's for "copenhagen")."""
        return self._intended(self.reader.read(question).first)

    def _intended(self, ask: Ask) -> tuple[str, ...]:
        return self.intent_sources.get(ask.intent, ()) if ask.confidence >= 0.5 else ()

    def signal(self, question: str) -> float:
        """How well the question's best sentence matches (what the calibrated abstention
        reads)."""
        return query_for(self.index, question).signal
