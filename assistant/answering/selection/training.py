"""Learning the scorer from (question, answering sentences) pairs, and caching it."""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression

from assistant.answering.selection.candidates import Candidate, Query, _candidate, gather, query_for
from assistant.answering.selection.scoring import (
    Scorer,
    _jaccard,
    baseline_scores,
    featurize,
    n_features,
)
from assistant.retrieval.index import SearchIndex

if TYPE_CHECKING:
    from assistant.retrieval.hybrid import HybridRetriever

log = logging.getLogger(__name__)
PAIRS_DIR = Path(__file__).parents[2] / "understanding" / "pairs"
SELECTOR_VERSION = "selector-1"


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
