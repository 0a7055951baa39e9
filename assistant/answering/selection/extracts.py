"""From scored sentences to extracts: runs of sentences, near-duplicates, groups."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answering.selection.candidates import Candidate, _candidate
from assistant.answering.selection.scoring import AUTHORITY_ORDER, CUES, _jaccard
from assistant.corpus.passages import ANSWERING_ROLES
from assistant.retrieval.index import SearchIndex
from assistant.rules.decision import Citation

# A sentence that continues the one before it: taken together, never alone.
_CONTINUES = re.compile(
    r"^(Heraf|Herved|Hermed|Derfor|Dermed|Det skyldes|Det betyder|Dette|Disse|Til gengæld|"
    r"Derudover|Desuden|Samt|Og|Men|Så)\b")
_RECOMMENDS = CUES["recommend"]
MAX_EXTRACTS = 3
WORD_BUDGET = 70  # quoted words per ask: two or three sentences
KEEP_MARGIN = 1.5  # a further extract scores at most this much (log-odds) below the best


@dataclass
class Extract:
    """A run of sentences of one passage, quoted together."""

    doc: str
    authority: str
    row: int
    start: int
    end: int
    score: float
    sentences: list[Candidate]

    def text(self, index: SearchIndex) -> str:
        return index.documents[self.doc].text[self.start:self.end]

    def citation(self, index: SearchIndex) -> Citation:
        passage = index.passages[self.row]
        return Citation(self.doc, passage.id, self.text(index), self.start, self.end)

    def words(self, index: SearchIndex) -> int:
        return len(self.text(index).split())

    def recommends(self) -> bool:
        return all(_RECOMMENDS.search(c.quote) for c in self.sentences
                   if c.role in ANSWERING_ROLES)


def expand(index: SearchIndex, cand: Candidate, by_pos: dict[int, Candidate]) -> list[Candidate]:
    """The run a sentence is quoted in: a lead-in with the items it introduces; an item
    with its lead-in and the other items when the list is short; a sentence with the one
    that continues it, or with the short answer ("Nej.") it gives the reason for."""
    positions = index.passage_positions(cand.row)
    units = [index.units[pos] for pos in positions]
    i = positions.index(cand.pos)

    def at(k: int) -> Candidate | None:
        """The passage's k-th sentence (one the search did not gather is made here)."""
        if not 0 <= k < len(positions):
            return None
        pos = positions[k]
        return by_pos.get(pos) or _candidate(index, pos, cand.row, cand.cosine,
                                             cand.passage_rank)

    run = [cand]
    if cand.role == "lead_in":
        k = i + 1
        while k < len(units) and units[k].role == "item" and k - i <= 6:
            nxt = at(k)
            if nxt:
                run.append(nxt)
            k += 1
        return run
    if cand.role == "item":
        lead = next((k for k in range(i - 1, -1, -1) if units[k].role != "item"), None)
        if lead is not None and units[lead].role == "lead_in":
            end = lead + 1
            while end < len(units) and units[end].role == "item":
                end += 1
            whole = [x for x in (at(k) for k in range(lead, end)) if x]
            if sum(len(x.quote.split()) for x in whole) <= WORD_BUDGET:
                return whole
            head = at(lead)
            return ([head] if head and len(head.quote.split()) <= 25 else []) + run
        return run
    if i > 0 and (units[i - 1].role == "fragment" or _CONTINUES.match(cand.quote)):
        prev = at(i - 1)
        if prev and prev.role in ("fragment", "statement"):
            run.insert(0, prev)
    if i + 1 < len(units) and units[i + 1].role == "statement":
        nxt = at(i + 1)
        if nxt and _CONTINUES.match(nxt.quote):
            run.append(nxt)
    return run


@dataclass
class Selection:
    """The extracts that answer an ask, and the sources that only repeat them."""

    extracts: list[Extract]
    repeated_by: list[Extract]  # near-duplicates in a lower-authority source


def select(index: SearchIndex, cands: Sequence[Candidate], scores: np.ndarray) -> Selection:
    """The best sentences as runs (see ``expand``), at most ``MAX_EXTRACTS`` and about
    ``WORD_BUDGET`` quoted words, near-duplicates folded into the higher authority."""
    by_pos = {c.pos: c for c in cands}
    order = [i for i in np.argsort(-scores, kind="stable")
             if cands[i].role in ANSWERING_ROLES or cands[i].role == "lead_in"]
    if not order:
        return Selection([], [])
    best = float(scores[order[0]])
    chosen: list[Extract] = []
    repeated: list[Extract] = []
    covered: set[int] = set()
    for i in order:
        c, score = cands[i], float(scores[i])
        if chosen and score < best - KEEP_MARGIN:
            break
        if c.pos in covered:
            continue
        run = expand(index, c, by_pos)
        if c.role == "lead_in" and len(run) == 1:
            continue  # a lead-in whose items are elsewhere says nothing alone
        ext = Extract(c.doc, c.authority, c.row, run[0].start, run[-1].end, score, run)
        quote = ext.text(index)
        twin = next((e for e in chosen if e.doc != ext.doc
                     and _jaccard(index, e.text(index), quote) >= 0.5), None)
        if twin is not None:
            if AUTHORITY_ORDER[ext.authority] < AUTHORITY_ORDER[twin.authority]:
                chosen[chosen.index(twin)] = ext
                repeated.append(twin)
            else:
                repeated.append(ext)
            covered |= {x.pos for x in run}
            continue
        used = sum(e.words(index) for e in chosen)
        if chosen and used + ext.words(index) > WORD_BUDGET:
            continue
        chosen.append(ext)
        covered |= {x.pos for x in run}
        if len(chosen) == MAX_EXTRACTS:
            break
    return Selection(chosen, repeated)


def grouped(index: SearchIndex, selection: Selection) -> list[list[Extract]]:
    """Extracts by source (one publisher with one authority: Copenhagen's two documents
    are one source), in document and reading order inside each; the rules first, then
    the rest by their best extract."""
    groups: dict[tuple[str, str], list[Extract]] = {}
    for e in selection.extracts:
        meta = index.documents[e.doc].meta
        groups.setdefault((meta.authority, meta.publisher), []).append(e)
    docs = list(index.documents)
    order = sorted(groups, key=lambda g: (0 if g[0] == "rules" else 1,
                                          -max(e.score for e in groups[g])))
    return [sorted(groups[g], key=lambda e: (docs.index(e.doc), e.start)) for g in order]
