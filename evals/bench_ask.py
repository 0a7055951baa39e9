"""Benchmark a warm ``Assistant.ask`` without LLM: ``python -m evals.bench_ask [--rounds 3]``.

Asks every gold question (first turn) ``rounds`` times after one warm-up pass and prints
p50/p95/p99 and the slowest step. Figures, not assertions: speed is judged by reading them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from assistant.service import Assistant
from evals.gold_set import load_gold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    assistant = Assistant()
    load_s = time.perf_counter() - started
    questions = [(c.get("question") or c["turns"][0], dt.date.fromisoformat(str(c["as_of"])))
                 for c in load_gold()]
    for q, day in questions:  # warm-up: models loaded, caches filled as in a running server
        assistant.ask(q, as_of=day)
    times: list[float] = []
    steps: dict[str, list[float]] = {}
    for round_no in range(args.rounds):
        for q, day in questions:
            # A new wording each round, so that no embedding cache flatters the figures.
            text = f"{q.rstrip('?')}{'!' * (round_no + 1)}?"
            t = time.perf_counter()
            answer = assistant.ask(text, as_of=day)
            times.append((time.perf_counter() - t) * 1000)
            for k, v in answer.timings.items():
                steps.setdefault(k, []).append(v)
    pct = statistics.quantiles(times, n=100)
    print(f"{len(times)} spørgsmål (varm, uden LLM), opstart {load_s:.1f} s")
    print(f"p50 {statistics.median(times):.1f} ms, p95 {pct[94]:.1f} ms, p99 {pct[98]:.1f} ms, "
          f"max {max(times):.1f} ms")
    for step, values in steps.items():
        print(f"  {step:<14} p50 {statistics.median(values):6.1f} ms  p95 "
              f"{statistics.quantiles(values, n=20)[18]:6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
