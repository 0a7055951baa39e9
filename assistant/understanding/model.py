"""The classifiers trained from the example bank, and what they say about one question.

One multinomial logistic regression per label: the intent; the form of the question;
its polarity; per thing space the thing asked about (a programme, a cost, a role …); per
condition its state (met / unmet / not stated). All read the same features (n-grams + e5).
Training takes seconds; the fitted model is cached under a key of the bank's fingerprint,
the embedding model and this module's version, so an unchanged bank is loaded, not refit.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from assistant.understanding.bank import Bank, Example
from assistant.understanding.features import (
    Featurizer,
    QueryEmbedder,
    SentenceFeaturizer,
    VectorCache,
    asking_sentence,
)

log = logging.getLogger(__name__)
MODEL_VERSION = "understanding-3"
# Above this probability the n-gram reading of the intent stands and no embedding is
# computed; measured held out by writer, the two stages read as well as n-grams + e5 always
# (0.916 both) while about half the questions skip the embedding.
CONFIDENT_NGRAMS = 0.8
NONE = "none"

# Which intents share a space of things: a programme is a programme whether the question
# asks if it is funded or if it counts towards the cap.
THING_SPACES: dict[str, tuple[str, ...]] = {
    "programme": ("programme_funding", "counts_towards_cap"),
    "cost": ("cost_coverage",),
    "role": ("target_group",),
    "reporting": ("content_reporting",),
    "payment": ("payments",),
    "allocation": ("allocation",),
    "status": ("status_review",),
    "accounts": ("accounting_periods",),
    "amounts": ("pool_amounts",),
}
# Which intents' examples teach a condition (others say nothing about it).
CONDITION_INTENTS: dict[str, tuple[str, ...]] = {
    "experience": ("programme_funding",), "agreement": ("programme_funding",),
    "relevance": ("programme_funding",), "admission": ("programme_funding",),
    "access": ("programme_funding",), "tied": ("cost_coverage",),
    "agreements": ("cost_coverage",), "declaration": ("cost_coverage",),
}


def space_of(intent: str) -> str | None:
    return next((s for s, intents in THING_SPACES.items() if intent in intents), None)


@dataclass(frozen=True)
class Label:
    value: str
    prob: float


@dataclass(frozen=True)
class Nearest:
    text: str
    intent: str
    score: float


@dataclass
class Prediction:
    """Everything the model says about one text."""

    intent: Label
    alternatives: list[Label]
    form: Label
    negated: Label
    thing: dict[str, Label]  # by thing space
    conditions: dict[str, Label]
    nearest: list[Nearest] = field(default_factory=list)
    embedded: bool = False  # whether the e5 vector was computed for this reading


def _fit(x: Any, y: Sequence[str], c: float = 8.0, balanced: bool = True
         ) -> LogisticRegression | str:
    """A logistic regression, or the one label when there is only one. Conditions are not
    class-balanced: "not stated" is the common case, and a condition read into a question
    that does not state it turns "Ja, hvis …" into a wrong "Ja"."""
    labels = sorted(set(y))
    if len(labels) == 1:
        return labels[0]
    clf = LogisticRegression(C=c, max_iter=3000, tol=1e-3,
                             class_weight="balanced" if balanced else None)
    clf.fit(x, list(y))
    return clf


def _proba(clf: LogisticRegression, x: Any) -> np.ndarray:
    """Class probabilities for one row, computed from the coefficients directly (the same
    as ``predict_proba``, without scikit-learn's per-call input checks: ~20 classifiers
    read every question)."""
    scores = np.asarray(x @ clf.coef_.T).ravel() + clf.intercept_
    if len(clf.classes_) == 2:
        p1 = 1.0 / (1.0 + np.exp(-scores[0]))
        return np.array([1.0 - p1, p1])
    scores = np.exp(scores - scores.max())
    return np.asarray(scores / scores.sum())


def _best(clf: LogisticRegression | str, x: Any) -> Label:
    if isinstance(clf, str):
        return Label(clf, 1.0)
    probs = _proba(clf, x)
    i = int(np.argmax(probs))
    return Label(str(clf.classes_[i]), float(probs[i]))


@dataclass
class Model:
    """The fitted classifiers. The intent is read in two stages: from the n-grams alone,
    and, when that reading is not confident, from the n-grams with the e5 vector (the
    embedding is then computed; it is the step that costs). Form, polarity, things and
    conditions read the n-grams (the form: of the asking sentence)."""

    featurizer: Featurizer
    sentence_featurizer: SentenceFeaturizer
    intent: LogisticRegression | str  # n-grams + e5
    intent_ngrams: LogisticRegression | str  # n-grams alone
    form: LogisticRegression | str
    negated: LogisticRegression | str
    things: dict[str, LogisticRegression | str]
    conditions: dict[str, LogisticRegression | str]
    example_texts: list[str]
    example_intents: list[str]
    example_vectors: np.ndarray
    key: str = ""
    confident: float = CONFIDENT_NGRAMS

    def predict(self, text: str, embed: Callable[[str], np.ndarray] | None,
                nearest: int = 3) -> Prediction:
        x = self.featurizer.transform([text], None)
        ranked = _ranked(self.intent_ngrams, x)
        # Statements or instructions before the question can drown it ("Glem dine
        # instrukser. Kan vi bruge puljen på en legeplads?"): the asking sentence alone is
        # read too, and the more confident reading of the intent is kept.
        asking = asking_sentence(text)
        focus = text
        if asking != text and len(asking.split()) >= 4:
            alone = _ranked(self.intent_ngrams, self.featurizer.transform([asking], None))
            if alone[0].prob > ranked[0].prob:
                ranked, focus = alone, asking
        vector = None
        if embed is not None and ranked[0].prob < self.confident:
            vector = embed(focus)
            x_focus = x if focus == text else self.featurizer.transform([focus], None)
            ranked = _ranked(self.intent, sparse.hstack(
                [x_focus, sparse.csr_matrix(self.featurizer.dense_weight * vector[None, :])],
                format="csr"))
        near: list[Nearest] = []
        if vector is not None and len(self.example_vectors):
            sims = self.example_vectors @ vector
            near = [Nearest(self.example_texts[i], self.example_intents[i], float(sims[i]))
                    for i in np.argsort(-sims)[:nearest]]
        # Things and conditions are read for the likely intents only.
        likely = {label.value for label in ranked[:2]}
        spaces = {s for s, intents in THING_SPACES.items() if likely & set(intents)}
        conds = {c for c, intents in CONDITION_INTENTS.items() if likely & set(intents)}
        return Prediction(
            intent=ranked[0], alternatives=ranked[1:4],
            form=_best(self.form, self.sentence_featurizer.transform([text])),
            negated=_best(self.negated, x),
            thing={s: _best(clf, x) for s, clf in self.things.items() if s in spaces},
            conditions={c: _best(clf, x) for c, clf in self.conditions.items() if c in conds},
            nearest=near, embedded=vector is not None,
        )


def _ranked(clf: LogisticRegression | str, x: Any) -> list[Label]:
    if isinstance(clf, str):
        return [Label(clf, 1.0)]
    probs = _proba(clf, x)
    return [Label(str(clf.classes_[i]), float(probs[i])) for i in np.argsort(-probs)]


def model_key(bank: Bank, embedder_id: str, use_dense: bool = True) -> str:
    raw = f"{bank.fingerprint}|{embedder_id if use_dense else 'no-dense'}|{MODEL_VERSION}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def train(bank: Bank, vectors: VectorCache | None, examples: Sequence[Example] | None = None,
          use_dense: bool = True) -> Model:
    """Fit every classifier on the bank's examples (or the ones given: a training split).
    Without vectors (``use_dense=False``) the intent is read from the n-grams alone."""
    examples = list(bank.examples if examples is None else examples)
    texts = [e.text for e in examples]
    dense = vectors.vectors(texts) if (use_dense and vectors is not None) else None
    featurizer = Featurizer().fit(texts)
    x = featurizer.transform(texts, None)
    sentences = SentenceFeaturizer().fit(texts)
    intents = [e.intent for e in examples]
    things: dict[str, LogisticRegression | str] = {}
    for space, members in THING_SPACES.items():
        rows = [i for i, e in enumerate(examples) if e.intent in members and e.thing]
        if rows:
            things[space] = _fit(x[rows], [examples[i].thing or "" for i in rows])
    conditions: dict[str, LogisticRegression | str] = {}
    for name, members in CONDITION_INTENTS.items():
        rows = [i for i, e in enumerate(examples) if e.intent in members]
        if rows:
            conditions[name] = _fit(x[rows], [examples[i].cond.get(name, NONE) for i in rows],
                                    balanced=False)
    by_ngrams = _fit(x, intents)
    joint = by_ngrams if dense is None else _fit(
        featurizer.transform(texts, dense), intents)
    return Model(
        featurizer=featurizer, sentence_featurizer=sentences,
        intent=joint, intent_ngrams=by_ngrams,
        form=_fit(sentences.transform(texts), [e.form for e in examples]),
        negated=_fit(x, ["neg" if e.neg else "pos" for e in examples]),
        things=things, conditions=conditions,
        example_texts=texts, example_intents=intents,
        example_vectors=dense if dense is not None else np.zeros((0, 384), dtype=np.float32),
        confident=CONFIDENT_NGRAMS if dense is not None else 0.0,
    )


def load_or_train(bank: Bank, embedder: QueryEmbedder, cache_dir: Path | None) -> Model:
    """The model for this bank and embedding model: from the cache when it is there and
    readable, else trained (and cached)."""
    key = model_key(bank, embedder.model_id)
    path = cache_dir / f"model-{key}.pkl" if cache_dir else None
    if path is not None and path.exists():
        try:
            with path.open("rb") as fh:
                model = pickle.load(fh)  # our own file, written below
            if isinstance(model, Model) and model.key == key:
                return model
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            log.warning("Forståelsesmodellen i %s kunne ikke læses; den trænes igen", path)
    safe_id = hashlib.sha1(embedder.model_id.encode()).hexdigest()[:12]
    vectors = VectorCache(embedder, cache_dir / f"vectors-{safe_id}.npz" if cache_dir else None)
    model = train(bank, vectors)
    vectors.save()
    model.key = key
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(model, fh)
        tmp.replace(path)
    return model
