"""What the classifiers see of a question: character and word n-grams, and its e5 vector.

Character n-grams carry compounds, inflections and typos ("medhjælpere", "medhjaelper",
"medhjælpe"); the e5 query embedding (the retriever's model) carries meaning across
wordings and between Danish and English. Text is folded first (case, æøå, digits) so that
"2,4 mio." and "1,8 mio." look alike to the n-grams: amounts are read by the typed parsers.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "’": "'"})


def fold(text: str) -> str:
    """Lower case, æøå as ae/oe/aa, every digit as 0, white space collapsed.

    >>> fold("Vi får 2,4 Mio. – KAN   vi?")
    'vi faar 0,0 mio. – kan vi?'
    """
    text = unicodedata.normalize("NFKC", text).lower().translate(_FOLD)
    return re.sub(r"\s+", " ", re.sub(r"\d", "0", text)).strip()


_SENTENCE_END = re.compile(r"(?<=[?!.])\s+(?=\S)")


def asking_sentence(text: str) -> str:
    """The sentence that asks: the last one ending in "?", else the whole text. The form of
    a question (yes/no, open, claim, either/or) is that sentence's, not its context's.

    >>> asking_sentence("Vi har 1,8 mio. Hvor meget er der tilbage? Tak.")
    'Hvor meget er der tilbage?'
    """
    questions = [s for s in _SENTENCE_END.split(text.strip()) if s.rstrip().endswith("?")]
    return questions[-1].strip() if questions else text.strip()


class QueryEmbedder(Protocol):
    @property
    def model_id(self) -> str: ...

    def embed_query(self, text: str) -> list[float]: ...


class VectorCache:
    """e5 query vectors by text, kept in one .npz per model so that retraining after
    adding an example embeds only the new example."""

    def __init__(self, embedder: QueryEmbedder, path: Path | None) -> None:
        self.embedder = embedder
        self.path = path
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._dirty = False
        if path is not None and path.exists():
            try:
                with np.load(path) as data:
                    self._vectors = dict(zip(data["keys"].tolist(), data["vectors"],
                                             strict=True))
            except (OSError, ValueError, KeyError):
                self._vectors = {}  # a damaged cache is rebuilt, never trusted

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for text in texts:
            k = self.key(text)
            vec = self._vectors.get(k)
            if vec is None:
                vec = np.asarray(self.embedder.embed_query(text), dtype=np.float32)
                with self._lock:
                    self._vectors[k] = vec
                    self._dirty = True
            rows.append(vec)
        return np.vstack(rows) if rows else np.zeros((0, 384), dtype=np.float32)

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._vectors), dtype=object)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys.astype(str), vectors=np.vstack(list(self._vectors.values())))
        tmp.replace(self.path)
        self._dirty = False


def _marked(sentence: str) -> str:
    """The sentence with its first and last words marked: Danish and English yes/no
    questions start with the verb ("Kan vi …?", "Is it …?"), open ones with a question
    word ("Hvornår …?"), tag questions end in one ("…, ikke?", "…, right?").

    >>> _marked("kan 2023-bevillingen bruges?")
    'bos_kan eos_bruges kan 2023-bevillingen bruges?'
    """
    words = re.findall(r"\w+", fold(sentence))
    if not words:
        return sentence
    return f"bos_{words[0]} eos_{words[-1]} {sentence}"


class SentenceFeaturizer:
    """n-grams of the asking sentence alone (for the question's form), with its first and
    last words marked."""

    def __init__(self) -> None:
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True,
                                     min_df=2, preprocessor=fold)
        self.words = TfidfVectorizer(analyzer="word", ngram_range=(1, 3), sublinear_tf=True,
                                     min_df=1, preprocessor=fold, token_pattern=r"(?u)\b\w+\b")

    def fit(self, texts: Sequence[str]) -> SentenceFeaturizer:
        sentences = [_marked(asking_sentence(t)) for t in texts]
        self.chars.fit(sentences)
        self.words.fit(sentences)
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        sentences = [_marked(asking_sentence(t)) for t in texts]
        return sparse.hstack([self.chars.transform(sentences), self.words.transform(sentences)],
                             format="csr")


class Featurizer:
    """n-gram TF-IDF (fitted on the bank) side by side with the e5 vector."""

    def __init__(self, dense_weight: float = 1.5) -> None:
        self.dense_weight = dense_weight
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                     min_df=2, preprocessor=fold)
        self.words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                     min_df=1, preprocessor=fold, token_pattern=r"(?u)\b\w+\b")

    def fit(self, texts: Sequence[str]) -> Featurizer:
        self.chars.fit(texts)
        self.words.fit(texts)
        return self

    def transform(self, texts: Sequence[str], dense: np.ndarray | None) -> sparse.csr_matrix:
        parts = [self.chars.transform(texts), 0.7 * self.words.transform(texts)]
        if dense is not None:
            parts.append(sparse.csr_matrix(self.dense_weight * dense))
        return sparse.hstack(parts, format="csr")
