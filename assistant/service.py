"""The assistant: one entry point, ``Assistant.ask``, for the CLI, the API and the chat."""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from assistant.answer import (
    Answer,
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
from assistant.conversation import resolve
from assistant.coverage import Vocabulary
from assistant.index import SearchIndex, load_index
from assistant.lang import detect_language
from assistant.llm import LLMWriter
from assistant.questions import clean_question
from assistant.retrieval import HybridRetriever, route
from assistant.rules.book import RuleBook
from assistant.rules.decision import Citation
from assistant.rules.extract import decide
from assistant.scope import INTERNALS, out_of_scope, without_internals

log = logging.getLogger(__name__)
Message = Mapping[str, str]


class Assistant:
    """Rules first, retrieved sentences otherwise, and an honest "not in the material"."""

    def __init__(self, settings: Settings | None = None, index: SearchIndex | None = None
                 ) -> None:
        self.settings = settings or get_settings()
        self.index = index or load_index(self.settings)
        self.book = RuleBook(self.index.documents, self.index.passages)
        self.book.validate()
        self.vocab = Vocabulary(d.text for d in self.index.documents.values())
        self.calibration = Calibration.load(self.settings.calibration_file or CALIBRATION_FILE)
        self.llm = LLMWriter(self.settings) if self.settings.llm_base_url else None
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
        resolved = resolve(text, history, self.book)
        timings["resolve_ms"] = _ms(started)

        # A request for the service's internals wrapped around a real question: the
        # request is dropped and the rest is answered (nothing left: out of scope).
        query, topic = resolved, out_of_scope(resolved)
        if topic == INTERNALS:
            query = without_internals(resolved) or resolved
            topic = out_of_scope(query)
        t = time.perf_counter()
        _, decisions = decide(self.book, query, as_of)
        timings["rules_ms"] = _ms(t)

        cites = Citations(self.index)
        abstained = False
        sentences: list[Sentence] = []
        signal = 0.0
        # Outside the material: a topic it does not cover, and no rule answers.
        outside = (not decisions and topic is not None
                   and not any(p.search(query) for p in self.book.source_aliases))
        if not decisions and not outside:  # the rules decide and cite on their own
            t = time.perf_counter()
            sentences, signal = self._sentences(query)
            timings["retrieval_ms"] = _ms(t)
        if decisions:
            answer, verdict = compose_rules(decisions, lang, cites, query)
        elif not outside and not_a_rule(query, sentences):
            answer, verdict = compose_not_a_rule(sentences, lang, cites), "no"
        elif not outside and self._answered(query, lang, sentences, signal):
            answer, verdict = compose_passages(sentences, lang, cites), "info"
        else:
            answer, verdict, abstained = compose_abstention(lang), "unknown", True
        # A rule that finds the material silent ("Det fremgår ikke af materialet", with
        # what it does say and where to ask) abstains too, with its sources.
        abstained = abstained or verdict == "unknown"
        result = Answer(
            id=str(uuid.uuid4()), answer=answer, verdict=verdict, abstained=abstained,
            citations=cites.items, rules=[d.to_dict(lang) for d in decisions],
            lang=lang, question=text, resolved_question=resolved, as_of=as_of,  # type: ignore[arg-type]
            timings=timings,
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


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
