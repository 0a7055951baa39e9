"""Server mode against a real ``chroma run`` on loopback."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.config import Settings
from assistant.errors import IndexUnavailableError
from assistant.index import load_index
from assistant.retrieval import HybridRetriever
from tests.conftest import free_port


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(tmp_path / "chroma"), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={"ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("chroma run startede ikke inden for 60 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


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
