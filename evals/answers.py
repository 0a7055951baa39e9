"""Score the assistant's answers on the gold set: ``python -m evals.answers [--split test]``.

Per case: verdict, required facts (and forbidden ones), citations that quote their passage
exactly, abstention, language, latency. Totals are printed, and written with ``--json``
under the keys the CI gate reads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from assistant.answer import Answer
from assistant.service import Assistant
from evals.gold_set import load_gold


def run_case(assistant: Assistant, case: dict[str, Any]) -> tuple[Answer, float]:
    """Ask the case's question (after its earlier turns); the last answer and its time."""
    as_of = dt.date.fromisoformat(str(case["as_of"]))
    turns = case.get("turns") or [case["question"]]
    history: list[dict[str, str]] = []
    answer = None
    elapsed = 0.0
    for turn in turns:
        started = time.perf_counter()
        answer = assistant.ask(turn, history=history, as_of=as_of)
        elapsed = (time.perf_counter() - started) * 1000
        history += [{"role": "user", "content": turn},
                    {"role": "assistant", "content": answer.answer}]
    assert answer is not None
    return answer, elapsed


def fact_found(fact: str, text: str) -> bool:
    return any(alt.strip().lower() in text.lower() for alt in fact.split("|"))


def score_case(case: dict[str, Any], answer: Answer) -> dict[str, Any]:
    text = answer.answer
    facts = case.get("must_include") or []
    forbidden = case.get("must_not_include") or []
    exact = [c.quote in c.text and c.quote.strip() != "" for c in answer.citations]
    return {
        "id": case["id"], "kind": case["kind"], "lang": case["lang"],
        "expected": case["verdict"], "got": answer.verdict,
        "verdict_ok": answer.verdict == case["verdict"],
        "facts": len(facts), "facts_found": sum(fact_found(f, text) for f in facts),
        "forbidden_hits": sum(fact_found(f, text) for f in forbidden),
        "citations": len(exact), "citations_exact": sum(exact),
        "abstain_expected": bool(case["abstain"]), "abstained": answer.abstained,
        "lang_ok": answer.lang == case["lang"],
        "answer": text, "question": case.get("question") or " / ".join(case["turns"]),
    }


def totals(rows: list[dict[str, Any]], latencies: list[float]) -> dict[str, Any]:
    oos = [r for r in rows if r["abstain_expected"]]
    ins = [r for r in rows if not r["abstain_expected"]]
    n_facts = sum(r["facts"] for r in rows)
    n_cites = sum(r["citations"] for r in rows)
    return {
        "cases": len(rows),
        "verdict_accuracy": sum(r["verdict_ok"] for r in rows) / len(rows),
        "fact_recall": sum(r["facts_found"] for r in rows) / max(n_facts, 1),
        "forbidden_hits": sum(r["forbidden_hits"] for r in rows),
        "citation_precision": sum(r["citations_exact"] for r in rows) / max(n_cites, 1),
        "abstention_recall": sum(r["abstained"] for r in oos) / max(len(oos), 1),
        "false_abstention": sum(r["abstained"] for r in ins) / max(len(ins), 1),
        "language_match": sum(r["lang_ok"] for r in rows) / len(rows),
        "latency_p50_ms": statistics.median(latencies),
        "latency_p95_ms": statistics.quantiles(latencies, n=20)[18],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=["dev", "test"], default=None)
    parser.add_argument("--json", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="vis fejlede tilfælde")
    args = parser.parse_args(argv)
    assistant = Assistant()
    rows, latencies = [], []
    for case in load_gold(args.split):
        answer, ms = run_case(assistant, case)
        rows.append(score_case(case, answer))
        latencies.append(ms)
    total = totals(rows, latencies)
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        by_kind[r["kind"]]["n"] += 1
        by_kind[r["kind"]]["ok"] += r["verdict_ok"]
    if args.verbose:
        for r in rows:
            if not r["verdict_ok"] or r["facts_found"] < r["facts"]:
                print(f"{r['id']:<30} forventet {r['expected']:<11} fik {r['got']:<11} "
                      f"fakta {r['facts_found']}/{r['facts']} | {r['question'][:70]}")
    for key, value in total.items():
        print(f"{key:<20} {value:.3f}" if isinstance(value, float) else f"{key:<20} {value}")
    print("verdikt pr. slags: " + ", ".join(
        f"{k} {v['ok']}/{v['n']}" for k, v in sorted(by_kind.items())))
    if args.json:
        args.json.write_text(json.dumps({"totals": total, "cases": rows}, indent=2,
                                        ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
