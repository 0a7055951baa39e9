"""Understanding questions: a message → asks (typed frames), learned from examples.

``examples/*.yaml`` + ``intents.yaml`` (the bank) → ``model.train`` (n-grams + e5 into
logistic regressions, cached under the bank's key) → ``QuestionReader.read`` (split into
asks, classify, fill values by the typed parsers and things by the gazetteer) →
``dispatch.calls_for`` (the rules each ask calls, by the intents the registry declares).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.retrieval.index import SearchIndex
from assistant.rules.book import RuleBook
from assistant.understanding.bank import Bank, default_bank
from assistant.understanding.frame import Ask, Understanding
from assistant.understanding.model import load_or_train
from assistant.understanding.reader import QuestionReader

__all__ = ["Ask", "QuestionReader", "Understanding", "load_reader"]


def load_reader(index: SearchIndex, book: RuleBook, cache_dir: Path | None,
                bank: Bank | None = None) -> QuestionReader:
    """The reader for this bank, with the index's embedding model (trained or cached)."""
    bank = bank or default_bank()
    model = load_or_train(bank, index.embeddings, cache_dir)

    def embed(text: str) -> np.ndarray:
        return np.asarray(index.embed_query(text), dtype=np.float32)

    return QuestionReader(book=book, model=model, embed=embed)
