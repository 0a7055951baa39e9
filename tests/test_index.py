from __future__ import annotations

import json
from pathlib import Path

from assistant.config import Settings
from assistant.index import SearchIndex, load_index


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
