"""Starting the project's real servers for tests: the API (``pulje serve``) and the chat
(``streamlit run ui/app.py``), each on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from assistant.common.config import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "corpus"
KEY = "server-test-noegle"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    db: Path
    log: Path


def _wait(proc: subprocess.Popen[bytes], url: str, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"serveren stoppede: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    pytest.fail(f"serveren blev ikke klar: {log.read_text(errors='replace')[-2000:]}")


def start_api(data_dir: Path, db: Path, log: Path, **env: str) -> Server:
    """``pulje serve`` with one key, a store of its own and the index in ``data_dir``."""
    port = free_port()
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(data_dir),
        "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
        "PULJE_DATA_DIR": str(data_dir), "PULJE_CORPUS_DIR": str(CORPUS),
        "PULJE_DATABASE_URL": f"sqlite:///{db}", "PULJE_API_KEYS": f"test:{KEY}",
        # One client address sends every test's requests, schemathesis's thousands of
        # missing and wrong keys among them: with the production limits it would be locked
        # out and see 429 where the test expects 401. The limiters themselves are tested
        # in test_api_limits.py.
        "PULJE_RATE_LIMIT_PER_MINUTE": "100000", "PULJE_AUTH_FAILURES_PER_MINUTE": "100000",
        **{k: v for k, v in os.environ.items() if k == "PULJE_UNDERSTANDING_DIR"}, **env,
    }
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
                            env=environ, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    _wait(proc, f"{url}/readyz", log)
    return Server(url, proc, db, log)


def start_chat(api_url: str, log: Path, key: str = KEY) -> Server:
    """``streamlit run ui/app.py`` headless, talking to the API at ``api_url``."""
    port = free_port()
    environ = {**os.environ, "PULJE_API_URL": api_url, "PULJE_API_KEY": key,
               "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "ui" / "app.py"),
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--client.toolbarMode", "minimal"],
        env=environ, stdout=log.open("ab"), stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
    url = f"http://127.0.0.1:{port}"
    _wait(proc, f"{url}/_stcore/health", log)
    return Server(url, proc, log, log)


def stop(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGINT)
        try:
            server.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()
