"""BM25 over the passages with the Danish Snowball stemmer (bm25s + PyStemmer)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import bm25s
import numpy as np
import Stemmer

logging.getLogger("bm25s").setLevel(logging.WARNING)
_TOKEN = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(bm25s.stopwords.STOPWORDS_DANISH) | frozenset(
    ["kan", "vi", "må", "hvad", "hvor", "hvordan", "hvem", "hvornår"]
)


class DanishBM25:
    """A small in-memory BM25 index; building it for the whole corpus takes milliseconds."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._stemmer = Stemmer.Stemmer("danish")
        self._model = bm25s.BM25()
        self._model.index([self.tokens(t) for t in texts], show_progress=False)
        self._n = len(texts)

    def _words(self, text: str) -> list[str]:
        return [w for w in _TOKEN.findall(text.lower()) if w not in _STOPWORDS]

    def tokens(self, text: str) -> list[str]:
        return self._stemmer.stemWords(self._words(text)) or ["\u2205"]

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(row, score) pairs, best first, only rows with a positive score."""
        k = min(k, self._n)
        docs, scores = self._model.retrieve(
            [self.tokens(query)], k=k, show_progress=False, n_threads=1
        )
        pairs = zip(np.asarray(docs)[0].tolist(), np.asarray(scores)[0].tolist(), strict=True)
        return [(int(d), float(s)) for d, s in pairs if s > 0]


class CharNgramBM25(DanishBM25):
    """BM25 over character 4-grams of each word: finds parts of Danish compounds
    ("master" in "masteruddannelser") and survives typos ("paedagog", "uddanelse")."""

    N = 4

    def tokens(self, text: str) -> list[str]:
        grams = []
        for word in self._words(text):
            padded = f"_{word}_"
            grams += [padded[i : i + self.N] for i in range(max(1, len(padded) - self.N + 1))]
        return grams or ["\u2205"]
