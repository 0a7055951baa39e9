"""The API's ASGI app in a TestClient, for the tests that call it in-process: the key it
is given, and the check that an error is a problem document that gives nothing away."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.common.config import Settings
from assistant.service import Assistant
from assistant.storage.store import Store

KEY = "hemmelig-noegle-1"
HEADERS = {"X-API-Key": KEY}
ORIGIN = "https://intra.kommune.dk"


def _client(settings: Settings, bot: Assistant, tmp: Path, **overrides: Any) -> TestClient:
    s = settings.model_copy(update={"api_keys": f"intranet:{KEY}", "cors_origins": ORIGIN,
                                    **overrides})
    store = Store(f"sqlite:///{tmp / 'pulje.sqlite3'}")
    # From loopback: open mode refuses other clients (TestClient's default is "testclient").
    return TestClient(create_app(s, assistant=bot, store=store), raise_server_exceptions=False,
                      client=("127.0.0.1", 50000))


def _is_problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["type"].startswith("tag:puljeassistenten")
    text = r.text
    assert "Traceback" not in text and "/work/" not in text and KEY not in text
    return body
