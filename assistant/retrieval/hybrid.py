"""Hybrid retrieval: BM25 and dense results fused by reciprocal rank fusion."""

from __future__ import annotations

import re
from typing import Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.common.input_text import clean_question
from assistant.corpus.passages import Passage
from assistant.retrieval.glossary import expand
from assistant.retrieval.index import SearchIndex

Mode = Literal["hybrid", "bm25", "dense"]


def fuse(rankings: list[list[int]], rrf_k: int,
         weights: list[float] | None = None) -> list[tuple[int, float]]:
    """Weighted reciprocal rank fusion of rankings of row numbers, best first.

    >>> fuse([[3, 1, 2], [1, 3]], rrf_k=60)[0][0] in (1, 3)
    True
    """
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, row in enumerate(ranking, start=1):
            scores[row] = scores.get(row, 0.0) + weight / (rrf_k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def _alias_pattern(alias: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(alias)}(?!\w)", re.IGNORECASE)


def named_sources(question: str, index: SearchIndex) -> set[str]:
    """The documents a question names by one of their aliases ("FOA", "faktaarket")."""
    return {doc_id for doc_id, doc in index.documents.items()
            if any(_alias_pattern(a).search(question) for a in doc.meta.aliases)}


def route(question: str, index: SearchIndex) -> tuple[set[str], str]:
    """The documents a question names by an alias (if none: the rules and official ones),
    and the question with those names taken out, so that a source's name ("FOA") does not
    pull up the passages that merely repeat it."""
    named = named_sources(question, index)
    content = without_names(question, named, index)
    if not named:
        named = {d for d, doc in index.documents.items()
                 if doc.meta.authority in ("rules", "official")}
    return named, content


def without_names(question: str, named: set[str], index: SearchIndex) -> str:
    """The question with the aliases of the ``named`` documents taken out (itself if
    little would be left)."""
    content = question
    for doc_id in named:
        for alias in index.documents[doc_id].meta.aliases:
            content = _alias_pattern(alias).sub(" ", content)
    content = " ".join(content.split())
    return content if len(content) >= 3 else question


class HybridRetriever(BaseRetriever):
    """A langchain retriever over a SearchIndex.

    ``mode``: "bm25" (stemmed words), "dense" (embeddings) or "hybrid" (both, plus BM25 over
    character 4-grams), fused by weighted reciprocal rank fusion.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: SearchIndex
    k: int = 5
    candidates: int = 20
    rrf_k: int = 60
    mode: Mode = "hybrid"
    max_question_chars: int = 2000
    # Added to the fused score of passages from the sources a question names (or, when
    # it names none, from the rules and official documents): about one top-rank vote.
    source_bonus: float = 1.0 / 61
    bm25_weight: float = 1.0
    dense_weight: float = 1.0

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        return [self.to_document(p, s) for p, s in self.search(query)]

    def search(self, query: str) -> list[tuple[Passage, dict[str, float]]]:
        """The top ``k`` passages with their scores (fused, bm25, dense, ranks)."""
        query = clean_question(query, self.max_question_chars)
        preferred, query = route(query, self.index)
        expanded = expand(query)
        sparse = self.index.bm25.search(expanded, self.candidates) if self.mode != "dense" else []
        # Character n-grams only in the hybrid: "bm25" stays plain BM25 for comparison.
        grams = self.index.ngrams.search(expanded, self.candidates) if self.mode == "hybrid" else []
        dense = self.index.dense_search(query, self.candidates) if self.mode != "bm25" else []
        rankings = [[r for r, _ in sparse], [r for r, _ in grams], [r for r, _ in dense]]
        weights = [self.bm25_weight, self.bm25_weight, self.dense_weight]
        sparse_by, dense_by = dict(sparse), dict(dense)
        sparse_rank = {r: i for i, (r, _) in enumerate(sparse, 1)}
        dense_rank = {r: i for i, (r, _) in enumerate(dense, 1)}
        bonus = self.source_bonus
        fused_rows = [
            (row, score + (bonus if self.index.passages[row].doc_id in preferred else 0.0))
            for row, score in fuse(rankings, self.rrf_k, weights)
        ]
        fused_rows.sort(key=lambda kv: (-kv[1], kv[0]))
        out = []
        for row, fused in fused_rows[: self.k]:
            scores = {"fused": fused}
            if row in sparse_by:
                scores |= {"bm25": sparse_by[row], "bm25_rank": sparse_rank[row]}
            if row in dense_by:
                scores |= {"dense": dense_by[row], "dense_rank": dense_rank[row]}
            out.append((self.index.passages[row], scores))
        return out

    def to_document(self, passage: Passage, scores: dict[str, float]) -> LCDocument:
        meta = self.index.documents[passage.doc_id].meta
        return LCDocument(
            page_content=passage.text,
            metadata={
                "passage_id": passage.id,
                "doc_id": passage.doc_id,
                "title": meta.title,
                "publisher": meta.publisher,
                "authority": meta.authority,
                "section": passage.section,
                "start": passage.start,
                "end": passage.end,
                **scores,
            },
        )
