from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
import pytest

from assistant.common.config import PROJECT_ROOT, Settings
from assistant.retrieval.index import SearchIndex, _chroma_settings, _collection_name, load_index

# Left out of the fast loop (-m "not slow"): indexes built with the real embedding model.
pytestmark = pytest.mark.slow


def _settings(corpus: Path, data: Path) -> Settings:
    return Settings(corpus_dir=corpus, data_dir=data)


def test_unchanged_input_reuses_the_index(small_corpus: Path, tmp_path: Path) -> None:
    s = _settings(small_corpus, tmp_path / "data")
    first = load_index(s)
    second = load_index(s)
    assert first.built and not second.built
    assert first.key == second.key
    assert second.collection.count() >= len(second.passages)  # one vector per sentence


def test_changed_corpus_builds_a_new_index(small_corpus: Path, tmp_path: Path) -> None:
    s = _settings(small_corpus, tmp_path / "data")
    first = load_index(s)
    doc = next(small_corpus.glob("pressemeddelelse*.txt"))
    doc.write_text(doc.read_text(encoding="utf-8") + "\nEn ny sætning om puljen.\n",
                   encoding="utf-8")
    second = load_index(s)
    assert second.built and second.key != first.key
    assert any("En ny sætning om puljen." in p.text for p in second.passages)


def test_other_model_gets_its_own_index(small_corpus: Path, tmp_path: Path) -> None:
    e5 = load_index(_settings(small_corpus, tmp_path / "data"))
    st = load_index(Settings(corpus_dir=small_corpus, data_dir=tmp_path / "data",
                             embedding_backend="sentence-transformers"))
    assert st.built and st.key != e5.key
    assert not load_index(_settings(small_corpus, tmp_path / "data")).built


def _index_dir(index: SearchIndex, data: Path) -> Path:
    return data / "index" / index.key[:24]


def test_corrupt_index_is_rebuilt_not_served(small_corpus: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = load_index(_settings(small_corpus, data))
    target = _index_dir(first, data)
    for f in target.rglob("build-*/*"):
        if f.is_file():
            f.write_bytes(b"\x00garbage")
    rebuilt = load_index(_settings(small_corpus, data))
    assert rebuilt.built
    hits = rebuilt.dense_search("Hvor mange penge er der afsat til puljen?", 3)
    assert hits and rebuilt.passages[hits[0][0]].doc_id in {"pressemeddelelse", "kk-amu-svar"}


def test_wrong_marker_or_missing_directory_is_rebuilt(small_corpus: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = load_index(_settings(small_corpus, data))
    marker = _index_dir(first, data) / "current.json"
    marker.write_text(json.dumps({"key": "something else"}))
    assert load_index(_settings(small_corpus, data)).built
    assert json.loads(marker.read_text())["key"] == first.key


def test_full_index_has_every_passage(index: SearchIndex) -> None:
    assert index.collection.count() > len(index.passages) > 100
    stored = index.collection.get(include=["metadatas"])["metadatas"]
    assert {m["passage_id"] for m in stored} == {p.id for p in index.passages}
    assert set(index.documents) == {
        "faktaark", "pressemeddelelse", "kk-amu-svar", "kk-baggrundsnotat", "foa-rapport"
    }


def test_the_dense_search_is_exhaustive_and_repeatable(index: SearchIndex) -> None:
    """The HNSW search breadth covers every sentence, so the neighbours are the exact ones
    (they used to vary between processes with Chroma's default breadth)."""
    import numpy as np

    assert index.collection.metadata["hnsw:search_ef"] >= index.n_units
    query = "FOA har besluttet at puljen gøres permanent – fra hvornår gælder det?"
    vec = np.array(index.embeddings.embed_query(query))
    got = index.collection.query(query_embeddings=[vec.tolist()], n_results=20,
                                 include=["embeddings"])
    everything = index.collection.get(include=["embeddings"])
    matrix = np.array(everything["embeddings"])
    exact = np.argsort(-(matrix @ vec / np.linalg.norm(matrix, axis=1) / np.linalg.norm(vec)))
    assert got["ids"][0] == [everything["ids"][i] for i in exact[:20]]


QUESTIONS = ["Hvor mange penge er der afsat til puljen?", "Kan vi betale AMU-kurser?",
             "Hvor meget får København fra puljen?", "Hvem kan søge puljen?",
             "Kan pædagogmedhjælpere tage AMU-kurser?", "Hvornår blev rammerne fastlagt?"]


def _answers(index: SearchIndex) -> list[list[int]]:
    return [[row for row, _ in index.dense_search(q, 3)] for q in QUESTIONS]


def _scramble(collection: Any, seed: int = 7) -> None:
    """Random vectors of the right dimension over every stored one, through the client: what
    a writer with access to Chroma (or a bad restore) can do without changing ids or count."""
    got = collection.get(include=["embeddings"])
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=np.asarray(got["embeddings"]).shape)
    collection.update(ids=got["ids"], embeddings=noise.tolist())


def test_scrambled_vectors_are_rebuilt_not_served(small_corpus: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = load_index(_settings(small_corpus, data))
    clean = _answers(first)
    assert first.vectors_intact()
    _scramble(first.collection)
    assert _answers(first) != clean  # the attack changes what retrieval finds
    assert not first.vectors_intact()  # what a readiness probe can ask
    again = load_index(_settings(small_corpus, data))
    assert again.built, "forvanskede vektorer blev serveret"
    assert _answers(again) == clean
    assert not load_index(_settings(small_corpus, data)).built  # and the rebuild is kept


def _flip_vectors_on_disk(build: Path, vectors: np.ndarray) -> int:
    """Overwrite the bytes of stored vectors inside Chroma's files with random bytes, as a
    disk fault would: SQLite keeps no checksum of its pages, so nothing else notices."""
    rng = np.random.default_rng(3)
    hits = 0
    for f in [p for p in build.rglob("*") if p.is_file()]:
        raw = bytearray(f.read_bytes())
        for vec in vectors:
            blob = vec.astype("<f4").tobytes()
            at = raw.find(blob)
            while at >= 0:
                raw[at : at + len(blob)] = rng.integers(0, 256, len(blob), dtype=np.uint8).tobytes()
                hits += 1
                at = raw.find(blob, at + len(blob))
        f.write_bytes(bytes(raw))
    return hits


_PROBE = """
import json, sys
from pathlib import Path
from assistant.common.config import Settings
from assistant.retrieval.index import load_index
from tests.test_index import _answers
index = load_index(Settings(corpus_dir=Path(sys.argv[1]), data_dir=Path(sys.argv[2])))
print(json.dumps({"built": index.built, "answers": _answers(index)}))
"""


def _probe(corpus: Path, data: Path) -> dict[str, Any]:
    """load_index in a fresh process, as a restarted server does (Chroma caches clients
    per path inside one process)."""
    r = subprocess.run([sys.executable, "-c", _PROBE, str(corpus), str(data)],
                       capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    return dict(json.loads(r.stdout.strip().splitlines()[-1]))


def test_vectors_corrupted_on_disk_are_rebuilt_not_served(small_corpus: Path,
                                                          tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = _probe(small_corpus, data)
    assert first["built"]
    build = next((data / "index").rglob("build-*"))
    meta = json.loads((build.parent / "current.json").read_text())
    client = chromadb.PersistentClient(path=str(build), settings=_chroma_settings())
    stored = client.get_collection(_collection_name(meta["key"])).get(include=["embeddings"])
    vectors = np.asarray(stored["embeddings"], dtype=np.float32)
    assert _flip_vectors_on_disk(build, vectors) >= len(vectors) // 2  # some span two pages
    again = _probe(small_corpus, data)
    assert again["answers"] == first["answers"]
    assert again["built"], "vektorer ødelagt på disken blev serveret"


def test_scrambled_vectors_on_a_chroma_server_are_rebuilt(chroma_server: str,
                                                          small_corpus: Path,
                                                          tmp_path: Path) -> None:
    s = Settings(corpus_dir=small_corpus, data_dir=tmp_path / "data", chroma_url=chroma_server)
    first = load_index(s)
    clean = _answers(first)
    _scramble(first.collection)
    again = load_index(s)
    assert again.built, "forvanskede vektorer på serveren blev serveret"
    assert _answers(again) == clean
