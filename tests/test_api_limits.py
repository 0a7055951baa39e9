"""Limits on what one client can cost the API: guessing keys, rate-limit buckets, the
readiness probe and the answer queue.

The in-process tests build the app without an assistant (``/metrics`` needs a key but no
index); the probe and queue tests run the real server (``pulje serve``) on the index in
``data/``."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.api.problems import Problem
from assistant.api.security import Limits, seconds
from assistant.config import Settings
from assistant.store import Store

RIGHT = "rigtig-noegle-1"


def _app(tmp: Path, **overrides: Any) -> Any:
    s = Settings(data_dir=tmp, api_keys=f"intranet:{RIGHT}", **overrides)
    return create_app(s, store=Store(f"sqlite:///{tmp / 'pulje.sqlite3'}"))


def _client(app: Any, host: str) -> TestClient:
    # Not entered: no lifespan, so no index is loaded; /metrics needs only the key.
    return TestClient(app, client=(host, 50000), raise_server_exceptions=False)


def test_wrong_keys_from_one_address_get_429_after_the_budget(tmp_path: Path) -> None:
    app = _app(tmp_path, auth_failures_per_minute=10)
    guesser = _client(app, "10.0.0.7")
    codes = [guesser.get("/metrics", headers={"X-API-Key": f"gaet-{i}"}).status_code
             for i in range(1000)]
    assert codes[:10] == [401] * 10 and set(codes[10:]) == {429}
    r = guesser.get("/metrics", headers={"X-API-Key": "endnu-et-gaet"})
    assert r.status_code == 429
    assert r.headers["content-type"].startswith("application/problem+json")
    wait = int(r.headers["Retry-After"])
    assert 1 <= wait <= 60  # when the sliding minute lets one more through
    assert r.json()["detail"] == f"For mange forespørgsler; prøv igen om {seconds(wait)}."
    # Even the right key: otherwise a 200 among the 429s would tell which guess was right.
    assert guesser.get("/metrics", headers={"X-API-Key": RIGHT}).status_code == 429
    # Missing keys count too, on /v1 as on /metrics.
    assert guesser.post("/v1/ask", json={"question": "Kan vi?"}).status_code == 429
    # Another address with the right key is not affected.
    assert _client(app, "10.0.0.8").get("/metrics",
                                        headers={"X-API-Key": RIGHT}).status_code == 200


def test_the_failure_budget_frees_up_as_its_window_moves(tmp_path: Path) -> None:
    limits = Limits(per_minute=100, failures_per_minute=2, window_s=1)

    def wrong() -> str:
        raise Problem(401, "wrong-key", "API-nøglen er ikke gyldig.")

    for _ in range(2):
        with pytest.raises(Exception, match="ikke gyldig"):
            limits.authenticate("10.0.0.9", wrong)
    with pytest.raises(Exception, match="For mange"):
        limits.authenticate("10.0.0.9", lambda: "intranet")
    time.sleep(2.1)  # two windows: the sliding counter's previous one weighs no more
    assert limits.authenticate("10.0.0.9", lambda: "intranet") == "intranet"


def test_memory_stays_bounded_under_2000_distinct_50kb_keys(tmp_path: Path) -> None:
    app = _app(tmp_path, auth_failures_per_minute=10, rate_limit_per_minute=100_000)
    limiter: Limits = app.state.limiter
    c = _client(app, "10.0.0.10")
    c.get("/metrics", headers={"X-API-Key": "x" * 50_000})  # warm up the route
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    for i in range(2000):
        c.get("/metrics", headers={"X-API-Key": f"{i:05d}" + "x" * 50_000})
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    grown = after - before
    print(f"\n2000 × 50 KB-nøgler: +{grown / 1e6:.2f} MB, "
          f"{len(limiter.storage.storage)} spande")
    # One bucket (the address), each of its entries a timestamp: 2000 × 50 KB would be
    # 100 MB if the strings were kept.
    assert len(limiter.storage.storage) == 1
    assert grown < 2_000_000


def test_buckets_of_many_clients_are_evicted_when_their_window_has_passed() -> None:
    limits = Limits(per_minute=5, failures_per_minute=5, window_s=1)
    for i in range(2000):
        limits.take(f"open:{i}" + "x" * 50_000)
    events = limits.storage.storage
    assert len(events) == 2000
    assert all(len(k) < 100 for k in events)  # fixed-size names, not the client's string
    # A counter lives two windows; the storage sweeps expired ones on its next use.
    time.sleep(2.2)
    limits.take("intranet")
    deadline = time.monotonic() + 5
    while len(events) > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(events) == 1, f"{len(events) - 1} spande er ikke fjernet"


def test_the_per_minute_limit_counts_per_client(tmp_path: Path) -> None:
    app = _app(tmp_path, rate_limit_per_minute=3)
    limiter: Limits = app.state.limiter
    codes = []
    for _ in range(4):
        try:
            limiter.take("intranet")
            codes.append(200)
        except Exception as exc:
            codes.append(getattr(exc, "status", 0))
    assert codes == [200, 200, 200, 429]
    limiter.take("another")  # a client of its own
