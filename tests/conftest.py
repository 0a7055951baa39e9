from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.common.config import Settings
from assistant.retrieval.index import SearchIndex, load_index
from assistant.service import Assistant
from tests.api_client import _client
from tests.servers import CORPUS, Server, free_port, start_api, stop

# The understanding model and its example vectors are keyed by the example bank and the
# embedding model, so every test (and every server a test starts) can share one cache:
# the project's, which `pulje index` and the eval suite use too. Trained once, not per test.
os.environ.setdefault("PULJE_UNDERSTANDING_DIR",
                      str(Path(__file__).resolve().parents[1] / "data" / "understanding"))
# Starlette's TestClient sends Host: testserver, which the API's Host check must allow.
os.environ.setdefault("PULJE_ALLOWED_HOSTS", "127.0.0.1,localhost,::1,testserver")


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings on the real corpus with a data directory of the test session's own."""
    return Settings(data_dir=tmp_path_factory.mktemp("data"), corpus_dir=CORPUS)


@pytest.fixture(scope="session")
def index(settings: Settings) -> SearchIndex:
    """The real index (e5 + Chroma + BM25) over the real corpus, built once per session."""
    return load_index(settings)


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """A copy of the corpus with only the two short official documents, for fast builds."""
    target = tmp_path / "corpus"
    target.mkdir()
    manifest = (CORPUS / "manifest.toml").read_text(encoding="utf-8")
    blocks = manifest.split("[[document]]")
    keep = [b for b in blocks[1:] if 'id = "pressemeddelelse"' in b or 'id = "kk-amu-svar"' in b]
    (target / "manifest.toml").write_text(
        "".join("[[document]]" + b for b in keep), encoding="utf-8"
    )
    for name in ("pressemeddelelse-rammer-fastlagt-2023.txt",
                 "kk-svar-amu-kurser-paedagogmedhjaelpere-2026.txt"):
        shutil.copy(CORPUS / name, target / name)
    return target


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real ``chroma run`` server on a free loopback port, for the test's duration."""
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


@pytest.fixture(scope="session")
def api_server(settings: Settings, index: SearchIndex,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real ``pulje serve`` for the session; it reuses the session's built index."""
    tmp = tmp_path_factory.mktemp("api")
    server = start_api(settings.data_dir, tmp / "pulje.sqlite3", tmp / "server.log")
    yield server
    stop(server)


# The API's ASGI app in-process (tests/api_client.py), for the API tests that call it through
# the TestClient; a module that defines its own `bot` or `client` uses that one instead.
@pytest.fixture(scope="module")
def bot(settings: Settings, index: SearchIndex) -> Assistant:
    return Assistant(settings, index)


@pytest.fixture
def client(settings: Settings, bot: Assistant, tmp_path: Path) -> Iterator[TestClient]:
    with _client(settings, bot, tmp_path) as c:
        yield c
