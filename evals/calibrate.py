"""Calibrate abstention on the gold set's dev split: ``python -m evals.calibrate``.

For questions no rule answers, the assistant abstains when the best retrieved sentence is
less similar than ``below`` (cosine), or, for Danish questions with a salient word the
corpus does not know, less similar than ``unknown_below``. This script picks, per
language, the thresholds that catch the most out-of-scope questions while abstaining on
at most 5 pct. of the in-scope ones, and writes them to assistant/retrieval/calibration.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

from assistant.retrieval.calibration import CALIBRATION_FILE, Calibration, abstains
from assistant.retrieval.coverage import Vocabulary
from assistant.service import Assistant
from evals.extractor import load_cases

MAX_FALSE = 0.05


def features(assistant: Assistant, vocab: Vocabulary, split: str) -> list[dict[str, Any]]:
    rows = []
    for case in load_cases(split):
        as_of = dt.date.fromisoformat(str(case["as_of"]))
        decisions = assistant.decisions(case["question"], as_of)
        if decisions:
            continue  # a rule answers: never abstains
        signal = assistant.signal(case["question"])
        rows.append({"lang": case["lang"], "oos": bool(case["abstain"]), "cosine": signal,
                     "unknown": bool(vocab.unknown(case["question"]))
                     if case["lang"] == "da" else False})
    return rows


def rates(rows: list[dict[str, Any]], cal: Calibration) -> tuple[float, float]:
    oos = [r for r in rows if r["oos"]]
    ins = [r for r in rows if not r["oos"]]
    hit = sum(abstains(cal, r["lang"], r["cosine"], r["unknown"]) for r in oos)
    false = sum(abstains(cal, r["lang"], r["cosine"], r["unknown"]) for r in ins)
    return hit / max(len(oos), 1), false / max(len(ins), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true",
                        help="skriv assistant/retrieval/calibration.json")
    args = parser.parse_args(argv)
    assistant = Assistant()
    vocab = Vocabulary(d.text for d in assistant.index.documents.values())
    dev = features(assistant, vocab, "dev")
    grid = [round(0.78 + 0.005 * i, 3) for i in range(31)]
    chosen: dict[str, dict[str, float]] = {}
    for lang in ("da", "en"):
        rows = [r for r in dev if r["lang"] == lang]
        best: tuple[float, float, float, float] | None = None
        for below, unknown_below in itertools.product(grid, grid):
            if unknown_below < below:
                continue
            cal = Calibration({lang: {"below": below, "unknown_below": unknown_below}})
            recall, false = rates(rows, cal)
            key = (recall, -false, -below, -unknown_below)
            if false <= MAX_FALSE and (best is None or key > best[:1] + best[1:2] + best[2:]):
                best = (recall, -false, -below, -unknown_below)
                chosen[lang] = {"below": below, "unknown_below": unknown_below}
        print(f"{lang}: {chosen.get(lang)} på {len(rows)} dev-spørgsmål uden regel")
    cal = Calibration(chosen)
    test = features(assistant, vocab, "test")
    for name, rows in (("dev", dev), ("test", test)):
        recall, false = rates(rows, cal)
        print(f"{name}: afstår på {recall:.3f} af spørgsmålene uden for materialet, "
              f"fejlagtigt på {false:.3f} af de øvrige (uden regel)")
    if args.write:
        Path(CALIBRATION_FILE).write_text(json.dumps(chosen, indent=2) + "\n")
        print(f"skrevet: {CALIBRATION_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
