"""The search index: passages in a Chroma collection (dense) plus BM25 (sparse).

The dense part is keyed by a hash of corpus + chunker + embedding model. Unchanged input
reuses what is on disk (or on the Chroma server); changed input builds a new index; a
corrupt or incomplete index is rebuilt, never served. Ids and counts are not enough to tell:
vectors overwritten in place (through Chroma, or by a disk fault: SQLite keeps no page
checksums) pass both, so each load also compares a sha256 of the stored vectors with the
one taken at build time and re-embeds a few random sentences.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant.common.config import Settings
from assistant.common.errors import IndexUnavailableError
from assistant.corpus.documents import Document, load_corpus
from assistant.corpus.passages import (
    Passage,
    SentenceUnit,
    chunk_corpus,
    corpus_fingerprint,
    sentence_units,
)
from assistant.retrieval.bm25 import CharNgramBM25, DanishBM25
from assistant.retrieval.embeddings import (
    E5Embeddings,
    SentenceTransformerEmbeddings,
    make_embeddings,
)

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
_BATCH = 16
_ADD = 512  # vectors per add() call, well under Chroma's batch limit
_SAMPLE = 4  # sentences re-embedded at each load: ~0.1 s on an idle core
_MIN_COSINE = 0.99  # a re-embedded sentence against its stored vector
_CHECKSUM = "pulje:vectors_sha256"  # in server mode, where no marker is kept


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
    vectors_sha256: str = ""  # of the vectors as built, in ``units`` order

    def vectors_intact(self) -> bool:
        """Whether the collection still holds the vectors this index was built with: one
        read of every vector and a sha256 (about 10 ms for 500 sentences), cheap enough for
        a readiness probe; a Chroma server can be written to while the API runs."""
        try:
            return vectors_digest(_stored_vectors(self.collection, self.units)) == \
                self.vectors_sha256
        except Exception:
            return False

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
            try:
                matrix = _stored_vectors(self.collection, self.units)
            except Exception as exc:
                raise IndexUnavailableError(f"Chroma kunne ikke læses: {exc}") from exc
            self._keep_matrix(matrix)
            matrix = self.__dict__["_matrix"]
        vec = np.asarray(self._embed(query), dtype=np.float32)
        return np.asarray(matrix @ (vec / (np.linalg.norm(vec) + 1e-12)))

    def _keep_matrix(self, vectors: np.ndarray) -> None:
        self.__dict__["_matrix"] = vectors / (
            np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12)

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
        collection, built, vectors = _server_collection(settings.chroma_url, key, units,
                                                        embeddings, progress)
    else:
        collection, built, vectors = _local_collection(settings.data_dir, key, units,
                                                       embeddings, progress)
    search_texts = [p.search_text() for p in passages]
    index = SearchIndex(
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
        vectors_sha256=vectors_digest(vectors),
    )
    index._keep_matrix(vectors)  # read for the check; sentence selection needs them too
    return index


def vectors_digest(vectors: np.ndarray) -> str:
    """sha256 of the vectors as little-endian float32 (what Chroma stores), row by row.

    >>> vectors_digest(np.zeros((1, 2)))[:12]
    'af5570f5a181'
    """
    return hashlib.sha256(np.ascontiguousarray(vectors, dtype="<f4").tobytes()).hexdigest()


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _collection_name(key: str) -> str:
    return f"pulje-{key[:24]}"


def _embed_all(units: list[SentenceUnit], embeddings: Any,
               progress: Progress | None) -> np.ndarray:
    total, parts = len(units), []
    for i in range(0, total, _BATCH):
        parts.append(embeddings.embed_documents([u.embed_text for u in units[i : i + _BATCH]]))
        if progress:
            progress(min(i + _BATCH, total), total)
    return np.asarray([v for part in parts for v in part], dtype=np.float32)


def _build(client: Any, name: str, units: list[SentenceUnit], embeddings: Any,
           progress: Progress | None) -> tuple[Any, np.ndarray]:
    """A new collection holding the units' vectors; returns them as Chroma gives them back.

    The checksum is taken over that read-back, not over the vectors sent: for a cosine
    space Chroma keeps them normalised and returns some components one float32 step off."""
    vectors = _embed_all(units, embeddings, progress)
    # No embedding function: Chroma's default one downloads a model. Vectors are ours.
    collection = client.create_collection(name, embedding_function=None, metadata=dict(HNSW))
    for i in range(0, len(units), _ADD):
        batch = units[i : i + _ADD]
        collection.add(
            ids=[u.id for u in batch],
            embeddings=vectors[i : i + _ADD].tolist(),
            metadatas=[{"passage_id": u.passage_id, "start": u.start, "end": u.end}
                       for u in batch],
        )
    return collection, _stored_vectors(collection, units)


def _stored_vectors(collection: Any, units: list[SentenceUnit]) -> np.ndarray:
    """Every unit's stored vector, in ``units`` order; ValueError if any is missing or the
    collection holds more."""
    ids = [u.id for u in units]
    got = collection.get(ids=ids, include=["embeddings"])
    by_id = dict(zip(got["ids"], got["embeddings"], strict=True))
    if len(by_id) != len(ids) or collection.count() != len(ids):
        raise ValueError("samlingen er ufuldstændig")
    return np.asarray([by_id[i] for i in ids], dtype=np.float32)


def _verified(collection: Any, units: list[SentenceUnit], digest: str | None,
              embeddings: Any) -> np.ndarray:
    """The stored vectors, once they are shown to be the ones built; ValueError if not.

    The checksum catches any changed byte; the re-embedded sample catches a checksum
    rewritten along with the vectors (both live in a Chroma server) and a model whose
    output changed under the same id, and the search with stored vectors checks the HNSW
    index that queries use, which is kept apart from the vectors ``get`` returns."""
    vectors = _stored_vectors(collection, units)
    if not digest or vectors_digest(vectors) != digest:
        raise ValueError("vektorerne har ikke den kontrolsum, de blev bygget med")
    picks = random.SystemRandom().sample(range(len(units)), min(_SAMPLE, len(units)))
    fresh = np.asarray(embeddings.embed_documents([units[i].embed_text for i in picks]),
                       dtype=np.float32)
    stored = vectors[picks]
    cosines = np.sum(fresh * stored, axis=1) / (
        np.linalg.norm(fresh, axis=1) * np.linalg.norm(stored, axis=1) + 1e-12)
    if float(cosines.min()) < _MIN_COSINE:
        raise ValueError(f"en sætning gen-indlejret ligner sin gemte vektor med kun "
                         f"cosinus {float(cosines.min()):.3f}")
    found = collection.query(query_embeddings=stored.tolist(), n_results=1,
                             include=["distances"])
    if max(float(d[0]) for d in found["distances"]) > 1e-3:
        raise ValueError("søgningen finder ikke de gemte vektorer")
    return vectors


def _local_collection(data_dir: Path, key: str, units: list[SentenceUnit], embeddings: Any,
                      progress: Progress | None) -> tuple[Any, bool, np.ndarray]:
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
            # The checksum is taken from our marker, outside Chroma's files.
            vectors = _verified(collection, units, meta.get("vectors_sha256"), embeddings)
            return collection, False, vectors
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
        collection, vectors = _build(client, _collection_name(key), units, embeddings,
                                     progress)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    tmp_marker = home / f".{build.name}.json"
    tmp_marker.write_text(json.dumps({
        "key": key, "dir": build.name, "model": embeddings.model_id,
        "sentences": len(units), "seconds": round(time.perf_counter() - started, 2),
        "vectors_sha256": vectors_digest(vectors),
    }), encoding="utf-8")
    os.replace(tmp_marker, marker)
    for old in home.glob("build-*"):
        if old != build:
            shutil.rmtree(old, ignore_errors=True)
    return collection, True, vectors


def _server_collection(url: str, key: str, units: list[SentenceUnit], embeddings: Any,
                       progress: Progress | None) -> tuple[Any, bool, np.ndarray]:
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
    except Exception:
        pass  # missing: build it below
    else:
        try:
            digest = (collection.metadata or {}).get(_CHECKSUM)
            return collection, False, _verified(collection, units, digest, embeddings)
        except Exception as exc:
            log.warning("Samlingen %s på %s kan ikke bruges (%s); den bygges igen.",
                        name, url, exc)
        client.delete_collection(name)
    collection, vectors = _build(client, name, units, embeddings, progress)
    # Chroma refuses metadata that names the distance again, and keeps it in the
    # collection's configuration anyway.
    collection.modify(metadata={**{k: v for k, v in HNSW.items() if k != "hnsw:space"},
                                _CHECKSUM: vectors_digest(vectors)})
    return collection, True, vectors
