"""Load test of the API: ``python -m evals.load [--clients 16] [--duration 60] [--url URL]``.

Without ``--url`` it starts ``pulje serve`` on a free loopback port (embedded defaults, a
throwaway SQLite store, one API key, no LLM), waits until it is ready, and stops it
afterwards. ``--clients`` asyncio httpx clients then post ``/v1/ask`` back to back for
``--duration`` seconds, cycling through the gold set's questions (each with its day), each
round with a new wording so that no cache flatters the figures. The questions are
shuffled once (fixed seed), since real traffic mixes rule and retrieval questions.
Prints requests/s, p50/p95/p99 latency and errors: figures, not assertions.

``--streams N`` and ``--plans N`` add N clients that, beside them, read whole answers from
``/v1/ask/stream`` or check a plan on ``/v1/plans/check`` back to back; the figures are
still those of ``/v1/ask``, so that they show what the other work costs its latency (all
of it waits in the same answer queue). E.g. ``--clients 1 --streams 8``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from evals.gold_set import load_gold

KEY = "load-test-key"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(workdir: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = _free_port()
    env = {**os.environ, "PULJE_API_KEYS": f"load:{KEY}", "PULJE_RATE_LIMIT_PER_MINUTE": "1000000",
           "PULJE_DATABASE_URL": f"sqlite:///{workdir / 'load.sqlite3'}",
           "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    env.pop("PULJE_LLM_BASE_URL", None)
    log = (workdir / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"Serveren stoppede; se {workdir / 'server.log'}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return url, proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("Serveren blev ikke klar inden for 300 s")


PLAN = {"grant_dkk": 2_400_000, "as_of": "2026-03-01", "items": [
    {"description": "Meritpædagoguddannelse for fire medhjælpere", "amount_dkk": 1_600_000},
    {"description": "Privat kursus i konflikthåndtering", "amount_dkk": 250_000},
    {"description": "Masteruddannelse i ledelse", "amount_dkk": 90_000}]}


async def run(url: str, key: str, clients: int, duration: float, streams: int = 0,
              plans: int = 0) -> dict[str, object]:
    cases = load_gold()
    questions = [(c.get("question") or c["turns"][0], str(c["as_of"])) for c in cases]
    # The gold files group questions by kind (all retrieval-heavy ones together); users
    # don't, so the mix is shuffled (fixed seed: the same order every run).
    random.Random(0).shuffle(questions)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    stop_at = time.monotonic() + duration
    counter = iter(range(10**9))

    async def client(n: int) -> None:
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits,
                                     headers={"X-API-Key": key}) as c:
            while time.monotonic() < stop_at:
                i = next(counter)
                q, day = questions[i % len(questions)]
                variant = "?" * (1 + i // len(questions))
                body = {"question": f"{q.rstrip('?')}{variant}", "as_of": day}
                t = time.perf_counter()
                try:
                    r = await c.post("/v1/ask", json=body)
                    statuses[str(r.status_code)] += 1
                    if r.status_code == 200:
                        latencies.append((time.perf_counter() - t) * 1000)
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1

    beside: Counter[str] = Counter()

    async def other(path: str) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60, headers={"X-API-Key": key},
                                     limits=httpx.Limits(max_connections=1)) as c:
            while time.monotonic() < stop_at:
                i = next(counter)
                q, day = questions[i % len(questions)]
                body = PLAN if path == "/v1/plans/check" else {"question": q, "as_of": day}
                try:
                    r = await c.post(path, json=body)  # reads the whole stream too
                    beside[f"{path} {r.status_code}"] += 1
                except httpx.HTTPError as exc:
                    beside[f"{path} {type(exc).__name__}"] += 1

    started = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(clients)),
                         *(other("/v1/ask/stream") for _ in range(streams)),
                         *(other("/v1/plans/check") for _ in range(plans)))
    elapsed = time.monotonic() - started
    ok = statuses.get("200", 0)
    pct = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {"clients": clients, "seconds": round(elapsed, 1), "requests": sum(statuses.values()),
            "ok": ok, "errors": sum(statuses.values()) - ok,
            "requests_per_s": round(ok / elapsed, 1), "p50_ms": round(pct[49], 1),
            "p95_ms": round(pct[94], 1), "p99_ms": round(pct[98], 1),
            "statuses": dict(statuses), "beside": dict(beside)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--streams", type=int, default=0,
                        help="klienter, der samtidig læser svar fra /v1/ask/stream")
    parser.add_argument("--plans", type=int, default=0,
                        help="klienter, der samtidig tjekker planer på /v1/plans/check")
    parser.add_argument("--url", default="", help="en kørende server (ellers startes en)")
    parser.add_argument("--key", default=KEY, help="API-nøgle til --url")
    args = parser.parse_args(argv)
    proc = None
    with tempfile.TemporaryDirectory(prefix="pulje-load-") as tmp:
        url = args.url
        if not url:
            url, proc = start_server(Path(tmp))
        try:
            result = asyncio.run(run(url, args.key, args.clients, args.duration,
                                     args.streams, args.plans))
        finally:
            if proc is not None:
                proc.send_signal(signal.SIGINT)
                proc.wait(timeout=30)
    print(f"{result['clients']} klienter i {result['seconds']} s mod {url}/v1/ask")
    for k in ("requests", "ok", "errors", "requests_per_s", "p50_ms", "p95_ms", "p99_ms"):
        print(f"  {k:<16}{result[k]}")
    print(f"  statuskoder      {result['statuses']}")
    if result["beside"]:
        print(f"  ved siden af     {result['beside']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
