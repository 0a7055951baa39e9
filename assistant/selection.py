"""Choosing the sentences that answer an ask when no rule decides it.

candidates → score → extracts → groups:

1. **Candidates**: every sentence of the passages the hybrid search ranks highest, of the
   passages holding the nearest sentences, and of the nearest sentences inside the
   sources the question names (or its intent points to).
2. **Score**: a logistic regression over (question, sentence) features: the dense cosine
   and its margin to the best, shared stemmed words, the passage's rank, whether the
   sentence comes from the source asked about, what the sentence is (statement, list
   item, lead-in, quoted question, page furniture) and what the question asks for crossed
   with what the sentence holds (a *why* wants a reason, *how much* an amount, *when* a
   date, *what does FOA think* a recommendation …). It is learned from labelled
   (question, answering sentences) pairs written from the documents
   (``understanding/pairs/*.yaml``) and measured held out by writer against the ranking it
   replaced (``python -m evals.selection``).
3. **Extracts**: the best sentences, each with the neighbours that continue it (a lead-in
   and its items; "Nej." and its reason; a sentence and the "Heraf …" after it), never a
   quoted question or furniture alone, near-duplicates dropped (the fact sheet is kept
   over the press release, which is then said to agree).
4. **Groups**: by source, one truthful label each, the rules first, reading order inside.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import pickle
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression

from assistant.index import SearchIndex
from assistant.passages import ANSWERING_ROLES, SentenceUnit
from assistant.rules.decision import Citation

if TYPE_CHECKING:
    from assistant.retrieval import HybridRetriever

log = logging.getLogger(__name__)
PAIRS_DIR = Path(__file__).parent / "understanding" / "pairs"
SELECTOR_VERSION = "selector-1"
AUTHORITY_ORDER = {"rules": 0, "official": 1, "municipal": 2, "opinion": 3}

# What a question asks for (closed-class question words, Danish and English).
ASK_KINDS: dict[str, re.Pattern[str]] = {k: re.compile(v, re.IGNORECASE) for k, v in {
    "why": r"\b(hvorfor|hvad er (grunden|baggrunden|begrundelsen|årsagen)|begrund\w*|årsag\w*|"
           r"why|reason\w*|how come)\b",
    "amount": r"\b(hvor (meget|mange penge)|hvad koster|beløb\w*|how much|kroner|kr\.?|mio\.?|"
              r"budget\w*|money|funds?)\b",
    "count": r"\b(hvor mange|antal\w*|how many|number of)\b",
    "percent": r"\b(procent|pct|percent|andel\w*|share)\b|%",
    "when": r"\b(hvornår|hvilken dato|hvilket år|when|what date|which year|dato\w*|frist\w*|"
            r"deadline\w*|periode\w*|period)\b",
    "duration": r"\b(hvor længe|hvor lang|varighed|how long|duration)\b",
    "who": r"\b(hvem|hvilke (parter|organisationer|aktører)|who|which (organisations|parties))\b",
    "how": r"\b(hvordan|på hvilken måde|how (do|does|is|are|can|should|will|did)|process\w*|"
           r"proces\w*)\b",
    "opinion": r"\b(mener|anbefal\w*|synes|holdning\w*|foreslå\w*|forslag\w*|think|recommend\w*|"
               r"view|opinion|suggest\w*|propos\w*|want\w*|ønske\w*|vil have)\b",
    "what": r"\b(hvad|hvilke|hvilken|hvilket|what|which)\b",
}.items()}
# What a sentence holds.
CUES: dict[str, re.Pattern[str]] = {k: re.compile(v, re.IGNORECASE) for k, v in {
    "reason": r"\b(fordi|derfor|for at|skyldes|baggrund\w*|årsag\w*|begrund\w*|med henblik|mhp|"
              r"idet|da (?!\w+ )\w+|så\s+(?:de|det|der|vi|man)|because|therefore)\b",
    "money": r"\d[\d.,]*\s*(kr\.?|kroner|mio\.?|mia\.?|millioner)",
    "percent": r"\d[\d.,]*\s*(pct\.?|procent|%)",
    "number": r"\d|\b(to|tre|fire|fem|seks|syv|otte|ni|ti|halvanden|halvdelen)\b",
    "date": r"\b(januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|"
            r"december|forår\w*|efterår\w*|medio|ultimo|primo)\b|\b(19|20)\d\d\b",
    "duration": r"\b\d[\d,½]*\s*(år|måneder|måned|uger|uge|dage|dag|timer)\b|"
                r"\b(varer|forløb\w*)\b",
    "actor": r"\b[A-ZÆØÅ]{2,}\b|\b(kommune\w*|forvaltning\w*|ministeri\w*|professionshøjskole\w*|"
             r"journalist|professor|deltog|parter(ne)?|organisation\w*)\b",
    "recommend": r"\b(skal|bør|anbefal\w*|foreslå\w*|opfordr\w*|kan gøre|brug for|kræver|"
                 r"nødvendig\w*|må (ikke|gerne))\b",
    "process": r"\b(ansøg\w*|udbetal\w*|regnskab\w*|fordel\w*|indsend\w*|tildel\w*|søge\w*|"
               r"afrapport\w*|indberet\w*|udmønt\w*|bevilling\w*)\b",
    "describe": r"\b(består af|omfatter|indeholder|handler om|forstået som|er en|er et|dækker)\b",
}.items()}
ROLES = ("statement", "item", "lead_in", "question", "furniture", "fragment")
AUTHORITIES = tuple(AUTHORITY_ORDER)
# A sentence that continues the one before it: taken together, never alone.
_CONTINUES = re.compile(
    r"^(Heraf|Herved|Hermed|Derfor|Dermed|Det skyldes|Det betyder|Dette|Disse|Til gengæld|"
    r"Derudover|Desuden|Samt|Og|Men|Så)\b")
_RECOMMENDS = CUES["recommend"]
MAX_EXTRACTS = 3
WORD_BUDGET = 70  # quoted words per ask: two or three sentences
KEEP_MARGIN = 1.5  # a further extract scores at most this much (log-odds) below the best


@dataclass(frozen=True)
class Pair:
    """A question and the sentences of one document that answer it (training data)."""

    q: str
    lang: str
    doc: str
    answer: tuple[str, ...]
    writer: str


def load_pairs(directory: Path = PAIRS_DIR) -> list[Pair]:
    """Every labelled pair in ``directory``; a clear error names a broken item."""
    pairs = []
    for path in sorted(directory.glob("*.yaml")):
        for n, item in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or [], 1):
            try:
                answer = item["answer"]
                pairs.append(Pair(str(item["q"]), str(item["lang"]), str(item["doc"]),
                                  tuple(answer if isinstance(answer, list) else [answer]),
                                  str(item["writer"])))
            except (KeyError, TypeError) as exc:
                raise ValueError(f"{path.name} nr. {n}: mangler {exc}") from exc
    return pairs


def pairs_fingerprint(pairs: Sequence[Pair]) -> str:
    payload = json.dumps([[p.q, p.lang, p.doc, p.answer, p.writer] for p in pairs],
                         ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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


def _tokens(index: SearchIndex, text: str) -> set[str]:
    return set(index.bm25.tokens(text))


class Lexicon:
    """TF-IDF over the corpus's sentences, in stemmed words and in character n-grams: the
    lexical similarity of a question with each sentence (robust to Danish compounds and
    typos), fitted once per index."""

    def __init__(self, index: SearchIndex) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [index.documents[index.passages[index.rows[u.passage_id]].doc_id]
                 .text[u.start:u.end] for u in index.units]
        self.words = TfidfVectorizer(analyzer=index.bm25.tokens, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                     min_df=1)
        self.word_matrix = self.words.fit_transform(texts)
        self.char_matrix = self.chars.fit_transform(texts)
        self.section_matrix = self.chars.transform(
            [f"{p.section} {p.context}" for p in index.passages])
        # Each sentence's stemmed words, once: the shared-word features read them for
        # every candidate of every question.
        self.tokens = [set(index.bm25.tokens(t)) for t in texts]

    def section_similarities(self, query: str, rows: Sequence[int]) -> np.ndarray:
        return np.asarray((self.section_matrix[list(rows)] @ self.chars.transform([query]).T)
                          .toarray().ravel())

    def similarities(self, query: str, positions: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        rows = list(positions)
        w = (self.word_matrix[rows] @ self.words.transform([query]).T).toarray().ravel()
        c = (self.char_matrix[rows] @ self.chars.transform([query]).T).toarray().ravel()
        return w, c


def _near(cos: np.ndarray, pos: int) -> float:
    return float(cos[pos]) if 0 <= pos < len(cos) else -1.0


def lexicon(index: SearchIndex) -> Lexicon:
    found = index.__dict__.get("_lexicon")
    if found is None:
        found = index.__dict__["_lexicon"] = Lexicon(index)
    return found


def featurize(index: SearchIndex, query: Query, cands: Sequence[Candidate]) -> np.ndarray:
    """One row of features per candidate (see the module docstring)."""
    if not cands:
        return np.zeros((0, n_features()))
    q_tokens = _tokens(index, query.text)
    kinds = [bool(p.search(query.text)) for p in ASK_KINDS.values()]
    best = max(c.cosine for c in cands)
    lex = lexicon(index)
    word_sim, char_sim = lex.similarities(query.text, [c.pos for c in cands])
    best_word, best_char = float(word_sim.max()), float(char_sim.max())
    cos = query.cosines
    passage_best: dict[int, float] = {}
    for c in cands:
        passage_best[c.row] = max(passage_best.get(c.row, -1.0), c.cosine)
    section_sim = lex.section_similarities(query.text, [c.row for c in cands])
    by_cos = sorted(range(len(cands)), key=lambda i: -cands[i].cosine)
    dense_rank = {i: r for r, i in enumerate(by_cos, 1)}
    default = {d for d, doc in index.documents.items()
               if doc.meta.authority in ("rules", "official")}
    rows = []
    for i, c in enumerate(cands):
        shared = len(q_tokens & lex.tokens[c.pos])
        cues = [bool(p.search(c.quote)) for p in CUES.values()]
        base = [
            c.cosine, c.cosine - best, 1.0 / dense_rank[i],
            float(c.passage_rank > 0), 1.0 / c.passage_rank if c.passage_rank else 0.0,
            shared / (len(q_tokens) or 1), min(shared, 5) / 5,
            float(c.doc in query.named), float(c.doc in query.intended),
            float(not query.preferred and c.doc in default),
            float(bool(query.preferred) and c.doc not in query.preferred),
            float(c.unit.id.endswith(":s1")), math.log1p(len(c.quote)) / 6,
            float(word_sim[i]), float(word_sim[i]) - best_word,
            float(char_sim[i]), float(char_sim[i]) - best_char,
            passage_best[c.row] - best, max(_near(cos, c.pos - 1), _near(cos, c.pos + 1)) - best,
            float(section_sim[i]),
        ]
        role = [float(c.role == r) for r in ROLES]
        authority = [float(c.authority == a) for a in AUTHORITIES]
        cross = [float(k and cue) for k in kinds for cue in cues]
        rows.append(base + role + authority + cues + cross)
    return np.asarray(rows, dtype=np.float32)


def n_features() -> int:
    return 20 + len(ROLES) + len(AUTHORITIES) + len(CUES) + len(ASK_KINDS) * len(CUES)


def baseline_scores(index: SearchIndex, query: Query, cands: Sequence[Candidate]
                    ) -> np.ndarray:
    """The ranking this module replaced: cosine, shared words, the preferred source."""
    q_tokens = _tokens(index, query.text)
    tokens = lexicon(index).tokens
    preferred = query.named or {d for d, doc in index.documents.items()
                                if doc.meta.authority in ("rules", "official")}
    return np.asarray([c.cosine + 0.01 * len(q_tokens & tokens[c.pos])
                       + (0.02 if c.doc in preferred else 0.0) for c in cands])


class Scorer:
    """The learned sentence scorer (the baseline when no pairs are there to learn from).

    Scores are in log-odds: a difference of 1 between two sentences means the first is
    e (2.7) times as likely to be the better answer. The baseline's scores are put on
    the same footing by its old cut-off (0.025 below the best sentence = 2 units)."""

    def __init__(self, model: LogisticRegression | None) -> None:
        self.model = model

    def scores(self, index: SearchIndex, query: Query, cands: Sequence[Candidate]
               ) -> np.ndarray:
        if not cands:
            return np.zeros(0)
        if self.model is None:
            return baseline_scores(index, query, cands) / 0.0125
        return np.asarray(featurize(index, query, cands) @ self.model.coef_[0])


def labels_for(cands: Sequence[Candidate], index: SearchIndex, pair: Pair) -> list[bool]:
    """Which candidates answer: they overlap one of the pair's answer sentences, or say
    the same in another document (the press release repeating the fact sheet)."""
    text = index.documents[pair.doc].text
    spans = []
    for quote in pair.answer:
        start = text.find(quote)
        if start >= 0:
            spans.append((start, start + len(quote)))
    return [(c.doc == pair.doc and any(c.start < b and a < c.end for a, b in spans))
            or (c.doc != pair.doc and any(_jaccard(index, c.quote, q) >= 0.7
                                          for q in pair.answer))
            for c in cands]


def query_for(index: SearchIndex, text: str, intended: Iterable[str] = ()) -> Query:
    from assistant.retrieval import named_sources, route

    _, content = route(text, index)
    return Query(content, frozenset(named_sources(text, index)), frozenset(intended),
                 index.sentence_cosines(content))


Intended = Callable[[str], Iterable[str]]


def training_rows(index: SearchIndex, retriever: HybridRetriever, pairs: Sequence[Pair],
                  intended: Intended | None = None
                  ) -> list[tuple[Pair, np.ndarray, np.ndarray, np.ndarray]]:
    """Per pair: features, labels and baseline scores of its candidates (the answer's own
    sentences added when the search missed them, so the model sees them). ``intended``
    gives the sources a question's intent points to, as the service reads them."""
    out = []
    for pair in pairs:
        if pair.doc not in index.documents:
            continue
        query = query_for(index, pair.q, intended(pair.q) if intended else ())
        cands = gather(index, retriever, query)
        labels = labels_for(cands, index, pair)
        if not any(labels):
            missing = _answer_candidates(index, query, pair, cands)
            cands = cands + missing
            labels = labels + [True] * len(missing)
        out.append((pair, featurize(index, query, cands), np.asarray(labels),
                    baseline_scores(index, query, cands)))
    return out


def _answer_candidates(index: SearchIndex, query: Query, pair: Pair,
                       cands: Sequence[Candidate]) -> list[Candidate]:
    text = index.documents[pair.doc].text
    have = {c.pos for c in cands}
    spans = [(s, s + len(q)) for q in pair.answer if (s := text.find(q)) >= 0]
    out = []
    for pos, unit in enumerate(index.units):
        row = index.rows[unit.passage_id]
        if index.passages[row].doc_id != pair.doc or pos in have:
            continue
        if any(unit.start < b and a < unit.end for a, b in spans):
            out.append(_candidate(index, pos, row, float(query.cosines[pos]), 0))
    return out


def fit(rows: Sequence[tuple[Pair, np.ndarray, np.ndarray, np.ndarray]]
        ) -> LogisticRegression | None:
    """A pairwise ranker: a logistic regression on the difference of an answering and a
    non-answering sentence of the same question (both orders), so it learns what ranks a
    sentence above the others for that question, not what makes questions easy. Its
    decision function, squashed, scores a sentence."""
    diffs, ys = [], []
    xs = [x for _, x, _, _ in rows if len(x)]
    if not xs:
        return None
    # Features on one scale, so that the regularisation weighs a cosine margin of 0.02
    # like a 0/1 cue.
    scale = np.vstack(xs).std(axis=0) + 1e-6
    for _, x, y, _ in rows:
        x = x / scale
        pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
        if not len(pos) or not len(neg):
            continue
        d = (x[pos][:, None, :] - x[neg][None, :, :]).reshape(-1, x.shape[1])
        diffs += [d, -d]
        ys += [np.ones(len(d)), np.zeros(len(d))]
    if not diffs:
        return None
    model = LogisticRegression(C=0.05, max_iter=5000, fit_intercept=False)
    model.fit(np.vstack(diffs), np.concatenate(ys))
    model.coef_ = model.coef_ / scale  # applies to unscaled features from here on
    return model


def reciprocal_rank(scores: np.ndarray, labels: np.ndarray, selectable: np.ndarray) -> float:
    """1/rank of the first answering sentence among the sentences that may be quoted."""
    order = [i for i in np.argsort(-scores, kind="stable") if selectable[i]]
    for rank, i in enumerate(order, 1):
        if labels[i]:
            return 1.0 / rank
    return 0.0


def selector_key(pairs: Sequence[Pair], index: SearchIndex, reader_key: str = "") -> str:
    sources = json.dumps({d: doc.meta.aliases for d, doc in index.documents.items()})
    return hashlib.sha256(f"{pairs_fingerprint(pairs)}\0{index.key}\0{SELECTOR_VERSION}\0"
                          f"{reader_key}\0{sources}".encode()).hexdigest()[:16]


def load_or_train_scorer(index: SearchIndex, retriever: HybridRetriever,
                         cache_dir: Path | None, pairs: Sequence[Pair] | None = None,
                         intended: Intended | None = None, reader_key: str = ""
                         ) -> Scorer:
    """The scorer for these pairs and this index: cached, else trained (seconds).
    ``reader_key`` names the understanding model that ``intended`` reads with."""
    pairs = load_pairs() if pairs is None else pairs
    if not pairs:
        return Scorer(None)
    key = selector_key(pairs, index, reader_key)
    path = cache_dir / f"selector-{key}.pkl" if cache_dir else None
    if path is not None and path.is_file():
        try:
            with path.open("rb") as fh:
                model = pickle.load(fh)  # our own file, written below
            if isinstance(model, LogisticRegression) and model.n_features_in_ == n_features():
                return Scorer(model)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            log.warning("Satsmodellen i %s kunne ikke læses; den trænes igen", path)
    model = fit(training_rows(index, retriever, pairs, intended))
    if path is not None and model is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(model, fh)
        tmp.replace(path)
    return Scorer(model)


# --- from scored sentences to extracts ------------------------------------------------


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


def _jaccard(index: SearchIndex, a: str, b: str) -> float:
    ta, tb = _tokens(index, a), _tokens(index, b)
    return len(ta & tb) / (len(ta | tb) or 1)


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
