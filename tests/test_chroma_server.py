"""Server mode against a real ``chroma run`` on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.common.config import Settings
from assistant.common.errors import IndexUnavailableError
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.index import load_index
from tests.servers import free_port

# Left out of the fast loop (-m "not slow"): a real Chroma server and real embeddings.
pytestmark = pytest.mark.slow


def test_index_lives_in_a_real_chroma_server(chroma_server: str, small_corpus: Path,
                                             tmp_path: Path) -> None:
    s = Settings(corpus_dir=small_corpus, data_dir=tmp_path / "data", chroma_url=chroma_server)
    first = load_index(s)
    assert first.built and first.collection.count() >= len(first.passages)
    second = load_index(s)
    assert not second.built
    hits = HybridRetriever(index=second, k=3).search("Hvor meget får København fra puljen?")
    assert any("15 mio. kr." in p.text for p, _ in hits)
    assert not (tmp_path / "data" / "index").exists()  # nothing dense was stored locally


def test_server_that_is_down_is_a_clear_error(small_corpus: Path, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    s = Settings(corpus_dir=small_corpus, data_dir=tmp_path / "data", chroma_url=url)
    with pytest.raises(IndexUnavailableError, match=f"Chroma-serveren på {url} svarer ikke"):
        load_index(s)
