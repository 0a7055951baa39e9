"""The search index: passages in a Chroma collection (dense) plus BM25 (sparse).

The dense part is keyed by a hash of corpus + chunker + embedding model. Unchanged input
reuses what is on disk (or on the Chroma server); changed input builds a new index; a
corrupt or incomplete index is rebuilt, never served.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant.bm25 import CharNgramBM25, DanishBM25
from assistant.config import Settings
from assistant.corpus import Document, load_corpus
from assistant.embeddings import E5Embeddings, SentenceTransformerEmbeddings, make_embeddings
from assistant.errors import IndexUnavailableError
from assistant.passages import (
    Passage,
    SentenceUnit,
    chunk_corpus,
    corpus_fingerprint,
    sentence_units,
)

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
_BATCH = 16


@dataclass
class SearchIndex:
    """Everything retrieval needs, loaded once per process."""

    documents: dict[str, Document]
    passages: list[Passage]
    rows: dict[str, int]  # passage id -> position in ``passages``
    n_units: int  # sentence vectors in the collection
    bm25: DanishBM25
    ngrams: CharNgramBM25
    collection: Any
    embeddings: E5Embeddings | SentenceTransformerEmbeddings
    key: str
    corpus_hash: str
    built: bool  # True when this call embedded the passages, False when it reused them
    units: list[SentenceUnit] = field(default_factory=list)  # every sentence, in order

    def passage_positions(self, row: int) -> list[int]:
        """Where the sentences of one passage are in ``units``, in reading order."""
        by_row = self.__dict__.get("_by_row")
        if by_row is None:
            by_row = {}
            for pos, u in enumerate(self.units):
                by_row.setdefault(self.rows[u.passage_id], []).append(pos)
            self.__dict__["_by_row"] = by_row
        return list(by_row.get(row, []))

    def sentence_cosines(self, query: str) -> np.ndarray:
        """The cosine of the query with every sentence of ``units`` (one product with the
        stored vectors, read from the collection once)."""
        matrix = self.__dict__.get("_matrix")
        if matrix is None:
            ids = [u.id for u in self.units]
            try:
                got = self.collection.get(ids=ids, include=["embeddings"])
            except Exception as exc:
                raise IndexUnavailableError(f"Chroma kunne ikke læses: {exc}") from exc
            by_id = dict(zip(got["ids"], got["embeddings"], strict=True))
            matrix = np.asarray([by_id[i] for i in ids], dtype=np.float32)
            matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12
            self.__dict__["_matrix"] = matrix
        vec = np.asarray(self._embed(query), dtype=np.float32)
        return np.asarray(matrix @ (vec / (np.linalg.norm(vec) + 1e-12)))

    def clear_cache(self) -> None:
        """Forget embedded questions (benchmarks time real embedding)."""
        self.__dict__.pop("_cache", None)

    def embed_query(self, query: str) -> list[float]:
        """The query's vector, embedded once although understanding, retrieval and
        sentence selection all use it."""
        return self._embed(query)

    def _embed(self, query: str) -> list[float]:
        # One question is embedded once, although retrieval and sentence selection both
        # search with it.
        cache = self.__dict__.setdefault("_cache", {})
        if query not in cache:
            if len(cache) > 512:
                cache.clear()
            cache[query] = self.embeddings.embed_query(query)
        return cache[query]

    def dense_sentences(self, query: str, n: int) -> list[tuple[int, float, int, int]]:
        """The ``n`` sentences nearest the query: (passage row, cosine, start, end), best first;
        start and end are offsets into the passage's document."""
        vec = self._embed(query)
        try:
            res = self.collection.query(
                query_embeddings=[vec], n_results=min(n, self.n_units),
                include=["distances", "metadatas"],
            )
        except Exception as exc:
            raise IndexUnavailableError(f"Søgning i Chroma fejlede: {exc}") from exc
        out = []
        for meta, dist in zip(res["metadatas"][0], res["distances"][0], strict=True):
            row = self.rows.get(str(meta["passage_id"]))
            if row is not None:
                out.append((row, 1.0 - float(dist), int(meta["start"]), int(meta["end"])))
        return out

    def dense_search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(row, cosine similarity of the passage's best sentence) pairs, best first."""
        best: dict[int, float] = {}
        for row, score, _, _ in self.dense_sentences(query, 4 * k):
            best.setdefault(row, score)
        return sorted(best.items(), key=lambda kv: -kv[1])[:k]


# How the collection is built and searched; part of the key, so a change rebuilds it.
# A search breadth above the number of sentences makes the HNSW search exhaustive: the
# default (ef 10) returned different neighbours from one process to the next, so the same
# question could be answered or abstained depending on the run.
HNSW = {"hnsw:space": "cosine", "hnsw:search_ef": 2048, "hnsw:construction_ef": 200}


def index_key(corpus_hash: str, model_id: str) -> str:
    layout = ",".join(f"{k}={v}" for k, v in sorted(HNSW.items()))
    return hashlib.sha256(f"{corpus_hash}\0{model_id}\0{layout}".encode()).hexdigest()


def load_index(settings: Settings, progress: Progress | None = None) -> SearchIndex:
    """Load the index for the current corpus and model, building it if needed."""
    docs = load_corpus(settings.corpus_dir)
    passages = chunk_corpus(docs)
    embeddings = make_embeddings(settings)
    corpus_hash = corpus_fingerprint(passages)
    key = index_key(corpus_hash, embeddings.model_id)
    units = [u for p in passages for u in sentence_units(p)]
    if settings.chroma_url:
        collection, built = _server_collection(settings.chroma_url, key, units, embeddings,
                                               progress)
    else:
        collection, built = _local_collection(settings.data_dir, key, units, embeddings,
                                              progress)
    search_texts = [p.search_text() for p in passages]
    return SearchIndex(
        documents={d.id: d for d in docs},
        passages=passages,
        rows={p.id: i for i, p in enumerate(passages)},
        n_units=len(units),
        bm25=DanishBM25(search_texts),
        ngrams=CharNgramBM25(search_texts),
        collection=collection,
        embeddings=embeddings,
        key=key,
        corpus_hash=corpus_hash,
        built=built,
        units=units,
    )


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _collection_name(key: str) -> str:
    return f"pulje-{key[:24]}"


def _create_collection(client: Any, name: str) -> Any:
    # No embedding function: Chroma's default one downloads a model. Vectors are ours.
    return client.create_collection(name, embedding_function=None, metadata=dict(HNSW))


def _fill(collection: Any, units: list[SentenceUnit], embeddings: Any,
          progress: Progress | None) -> None:
    total = len(units)
    for i in range(0, total, _BATCH):
        batch = units[i : i + _BATCH]
        vectors = embeddings.embed_documents([u.embed_text for u in batch])
        collection.add(
            ids=[u.id for u in batch],
            embeddings=vectors,
            metadatas=[{"passage_id": u.passage_id, "start": u.start, "end": u.end}
                       for u in batch],
        )
        if progress:
            progress(min(i + _BATCH, total), total)


def _is_complete(collection: Any, units: list[SentenceUnit]) -> bool:
    expected = {u.id for u in units}
    try:
        got = collection.get(ids=sorted(expected), include=[])
    except Exception:
        return False
    return set(got["ids"]) == expected and collection.count() == len(expected)


def _local_collection(data_dir: Path, key: str, units: list[SentenceUnit], embeddings: Any,
                      progress: Progress | None) -> tuple[Any, bool]:
    import chromadb

    home = data_dir / "index" / key[:24]
    marker = home / "current.json"
    if marker.is_file():
        try:
            meta = json.loads(marker.read_text(encoding="utf-8"))
            if meta.get("key") != key:
                raise ValueError("nøglen passer ikke")
            client = chromadb.PersistentClient(path=str(home / meta["dir"]),
                                               settings=_chroma_settings())
            collection = client.get_collection(_collection_name(key))
            if _is_complete(collection, units):
                return collection, False
            raise ValueError("samlingen er ufuldstændig")
        except Exception as exc:
            log.warning("Indekset i %s kan ikke bruges (%s); det bygges igen.", home, exc)
    # Every build gets a directory of its own and the marker is replaced atomically once
    # the build is complete: a crash never leaves a half-built index behind the marker,
    # and Chroma's per-path client cache never hands back a client of a corrupt build.
    home.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix="build-", dir=home))
    try:
        started = time.perf_counter()
        client = chromadb.PersistentClient(path=str(build), settings=_chroma_settings())
        collection = _create_collection(client, _collection_name(key))
        _fill(collection, units, embeddings, progress)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    tmp_marker = home / f".{build.name}.json"
    tmp_marker.write_text(json.dumps({
        "key": key, "dir": build.name, "model": embeddings.model_id,
        "sentences": len(units), "seconds": round(time.perf_counter() - started, 2),
    }), encoding="utf-8")
    os.replace(tmp_marker, marker)
    for old in home.glob("build-*"):
        if old != build:
            shutil.rmtree(old, ignore_errors=True)
    return collection, True


def _server_collection(url: str, key: str, units: list[SentenceUnit], embeddings: Any,
                       progress: Progress | None) -> tuple[Any, bool]:
    import chromadb

    parsed = urlparse(url)
    try:
        client = chromadb.HttpClient(
            host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
            ssl=parsed.scheme == "https", settings=_chroma_settings(),
        )
        client.heartbeat()
    except Exception as exc:
        raise IndexUnavailableError(
            f"Chroma-serveren på {url} svarer ikke ({type(exc).__name__}). "
            "Start den med 'chroma run' eller fjern PULJE_CHROMA_URL."
        ) from exc
    name = _collection_name(key)
    try:
        collection = client.get_collection(name)
        if _is_complete(collection, units):
            return collection, False
        client.delete_collection(name)
    except Exception:
        pass  # missing: build it below
    collection = _create_collection(client, name)
    _fill(collection, units, embeddings, progress)
    return collection, True
