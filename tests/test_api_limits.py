"""Limits on what one client can cost the API: guessing keys, rate-limit buckets, the
readiness probe and the answer queue.

The in-process tests build the app without an assistant (``/metrics`` needs a key but no
index); the probe and queue tests run the real server (``pulje serve``) on the index in
``data/``."""

from __future__ import annotations

import asyncio
import threading
import time
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.api.health import LlmHealth
from assistant.api.problems import Problem
from assistant.api.security import Limits, seconds
from assistant.common.config import PROJECT_ROOT, Settings
from assistant.service import Assistant
from assistant.storage.store import Store
from tests.servers import KEY, start_api, stop

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
    assert r.json()["detail"] == ("For mange forkerte API-nøgler fra denne adresse; prøv igen "
                                  f"om {seconds(wait)}.")
    assert r.json()["type"].endswith(":rate-limited")
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
    assert limits.authenticate("10.0.0.10", lambda: "intranet") == "intranet"
    time.sleep(2.1)  # two windows: the sliding counter's previous one weighs no more
    assert limits.authenticate("10.0.0.9", lambda: "intranet") == "intranet"


@pytest.mark.slow  # 2000 keys of 50 kB
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
    # A sliding window's counters are named by bucket and window; a minute may roll over.
    buckets = {k.rsplit("/", 1)[0] for k in limiter.storage.storage}
    print(f"\n2000 × 50 KB-nøgler: +{grown / 1e6:.2f} MB, "
          f"{len(buckets)} spand(e)")
    # One bucket (the address), each of its entries a timestamp: 2000 × 50 KB would be
    # 100 MB if the strings were kept.
    assert len(buckets) == 1
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


@contextmanager
def stalled_llm(stall_s: float = 3.0) -> Iterator[dict[str, Any]]:
    """An LLM endpoint whose GET /models stalls (and is counted); its chat completions
    fail at once, so answers fall back to the deterministic text without waiting."""
    state: dict[str, Any] = {"models": 0}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            state["models"] += 1
            time.sleep(stall_s)
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"data": []}')
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_error(500)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def test_concurrent_probes_share_one_check_of_the_llm() -> None:
    with stalled_llm(stall_s=1.0) as llm:
        health = LlmHealth(llm["url"], "llm-noegle", ttl_s=30, timeout_s=5)

        async def probes() -> list[str]:
            return await asyncio.gather(*(health.status() for _ in range(60)))

        assert asyncio.run(probes()) == ["ok"] * 60
        assert llm["models"] == 1
        assert asyncio.run(probes()) == ["ok"] * 60  # within the TTL: the result kept
        assert llm["models"] == 1


@pytest.mark.slow
def test_readyz_against_a_stalled_llm_calls_it_once_and_answers_stay_fast(
        tmp_path: Path) -> None:
    with stalled_llm(stall_s=3.0) as llm:
        server = start_api(PROJECT_ROOT / "data", tmp_path / "r.sqlite3", tmp_path / "r.log",
                           PULJE_LLM_BASE_URL=llm["url"], PULJE_LLM_TIMEOUT_S="5")
        try:
            asked = {"question": "Kan vi bruge midlerne på en masteruddannelse?"}
            with httpx.Client(base_url=server.url, timeout=30,
                              headers={"X-API-Key": KEY}) as c:
                assert c.post("/v1/ask", json=asked).status_code == 200  # warm
                t = time.perf_counter()
                c.get("/v1/documents")
                alone = time.perf_counter() - t

            async def load() -> tuple[list[int], float, float]:
                async with httpx.AsyncClient(base_url=server.url, timeout=30,
                                             headers={"X-API-Key": KEY}) as c:
                    async def timed(coro: Any) -> float:
                        t = time.perf_counter()
                        r = await coro
                        assert r.status_code == 200, r.text
                        return time.perf_counter() - t
                    probes = [c.get("/readyz") for _ in range(60)]
                    results = await asyncio.gather(
                        *(timed(p) for p in probes),
                        timed(c.get("/v1/documents")), timed(c.post("/v1/ask", json=asked)))
                    r = await c.get("/readyz")
                    return [r.status_code], results[-2], results[-1]

            codes, documents_s, ask_s = asyncio.run(load())
            print(f"\n/v1/documents alene {alone * 1000:.0f} ms, ved 60 prober "
                  f"{documents_s * 1000:.0f} ms; /v1/ask ved 60 prober {ask_s * 1000:.0f} ms; "
                  f"LLM'ens /models kaldt {llm['models']} gang(e)")
            assert codes == [200]
            assert llm["models"] <= 2  # the start-up probe's check, and none per probe
            assert documents_s < 2.0 and ask_s < 10.0  # generous: no probe holds them up
        finally:
            stop(server)


@pytest.fixture(scope="module")
def built_bot() -> Assistant:
    """The assistant on the index in data/ (built by ``pulje index``), loaded in seconds."""
    return Assistant(Settings(data_dir=PROJECT_ROOT / "data", corpus_dir=PROJECT_ROOT / "corpus"))


@pytest.mark.slow
def test_asks_streams_and_plans_take_turns_in_the_answer_pool(
        built_bot: Assistant, tmp_path: Path) -> None:
    s = built_bot.settings.model_copy(update={"api_keys": f"intranet:{RIGHT}",
                                              "concurrent_answers": 2})
    app = create_app(s, assistant=built_bot, store=Store(f"sqlite:///{tmp_path / 'q.db'}"))
    reader = built_bot.reader
    real_read = reader.read
    seen: list[tuple[str, int]] = []
    running = 0
    lock = threading.Lock()

    def read(*args: Any, **kwargs: Any) -> Any:  # the real reader, watched
        nonlocal running
        with lock:
            running += 1
            seen.append((threading.current_thread().name, running))
        try:
            return real_read(*args, **kwargs)
        finally:
            with lock:
                running -= 1

    headers = {"X-API-Key": RIGHT}
    plan = {"grant_dkk": 2_400_000, "as_of": "2026-03-01", "items": [
        {"description": "Meritpædagoguddannelse for fire medhjælpere", "amount_dkk": 1_600_000},
        {"description": "Masteruddannelse i ledelse", "amount_dkk": 90_000}]}

    def client(kind: str, n: int) -> list[int]:
        codes = []
        # Not entered: its lifespan's end would shut the shared answer pool down.
        c = TestClient(app, raise_server_exceptions=False)
        for i in range(3):
            q = {"question": f"Kan vi bruge puljen på kursus nummer {n}-{i}?"}
            if kind == "ask":
                r = c.post("/v1/ask", headers=headers, json=q)
            elif kind == "stream":
                r = c.post("/v1/ask/stream", headers=headers, json=q)
                assert "event: answer" in r.text
            else:
                r = c.post("/v1/plans/check", headers=headers, json=plan)
            codes.append(r.status_code)
        return codes

    reader.read = read  # type: ignore[method-assign]
    try:
        with ThreadPoolExecutor(max_workers=9) as pool:
            futures = [pool.submit(client, kind, n) for n, kind in
                       enumerate(["ask", "stream", "plan"] * 3)]
            codes = [code for f in futures for code in f.result()]
    finally:
        del reader.read
        app.state.answerers.shutdown()
    names = {name for name, _ in seen}
    print(f"\n{len(seen)} læsninger på {sorted(names)}, højst {max(r for _, r in seen)} ad gangen")
    assert codes == [200] * 27
    assert all(name.startswith("answer") for name in names), names
    assert max(r for _, r in seen) <= 2
