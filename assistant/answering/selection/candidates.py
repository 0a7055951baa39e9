"""Candidate sentences for an ask: where they are and how they matched."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from assistant.corpus.passages import SentenceUnit
from assistant.retrieval.index import SearchIndex

if TYPE_CHECKING:
    from assistant.retrieval.hybrid import HybridRetriever


@dataclass(frozen=True)
class Candidate:
    """A sentence that may answer: where it is and how it matched."""

    pos: int  # position in index.units
    unit: SentenceUnit
    row: int  # the passage's row
    doc: str
    authority: str
    quote: str
    start: int
    end: int
    cosine: float
    passage_rank: int  # rank in the hybrid search (0: not among its top passages)

    @property
    def role(self) -> str:
        return self.unit.role


@dataclass
class Query:
    """What selection needs to know about the ask."""

    text: str
    named: frozenset[str] = frozenset()  # documents the message names
    intended: frozenset[str] = frozenset()  # documents the ask's intent points to
    cosines: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def preferred(self) -> frozenset[str]:
        return self.named or self.intended

    @property
    def signal(self) -> float:
        """How well the best sentence matches (what the calibrated abstention reads)."""
        return float(self.cosines.max()) if len(self.cosines) else 0.0


def gather(index: SearchIndex, retriever: HybridRetriever, query: Query) -> list[Candidate]:
    """The candidate sentences for an ask (see the module docstring)."""
    cos = query.cosines
    ranked = [p.id for p, _ in retriever.search(query.text)]
    rank_of = {pid: i for i, pid in enumerate(ranked, 1)}
    rows = {index.rows[pid] for pid in ranked}
    order = np.argsort(-cos)
    rows |= {index.rows[index.units[i].passage_id] for i in order[:8]}
    for source in query.preferred:
        inside = [i for i in order if index.passages[
            index.rows[index.units[i].passage_id]].doc_id == source][:4]
        rows |= {index.rows[index.units[i].passage_id] for i in inside}
    return [_candidate(index, pos, row, float(cos[pos]),
                       rank_of.get(index.passages[row].id, 0))
            for row in sorted(rows) for pos in index.passage_positions(row)]


def _candidate(index: SearchIndex, pos: int, row: int, cosine: float, passage_rank: int
               ) -> Candidate:
    """The sentence at ``pos`` of ``units`` as a candidate: its quote without the list
    marker, with the quote's own offsets."""
    unit = index.units[pos]
    passage = index.passages[row]
    doc = index.documents[passage.doc_id]
    quote = doc.text[unit.start:unit.end].strip()
    start = unit.start
    if quote.startswith("- "):
        quote, start = quote[2:], start + 2
    return Candidate(pos, unit, row, passage.doc_id, doc.meta.authority, quote, start,
                     start + len(quote), cosine, passage_rank)


def query_for(index: SearchIndex, text: str, intended: Iterable[str] = ()) -> Query:
    from assistant.retrieval.hybrid import named_sources, without_names

    named = named_sources(text, index)  # once: the query keeps them, the search text not
    content = without_names(text, named, index)
    return Query(content, frozenset(named), frozenset(intended),
                 index.sentence_cosines(content))
