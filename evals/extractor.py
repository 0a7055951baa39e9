"""How well question understanding knows when the rules speak: ``python -m evals.extractor``.

On the gold set, questions of the kinds that a rule answers (eligibility, the cap, costs,
target group, dates, amounts, accounts, reporting) should make at least one rule fire (recall);
questions about other sources or things outside the
material should make none fire (precision of silence). Injections, false premises and
conversations are left out here: the answer suite judges them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from assistant.common.config import Settings
from assistant.service import Assistant
from evals.gold_set import load_gold

RULE_KINDS = {"eligibility", "cap", "costs", "target_group", "dates", "amounts", "accounts",
              "reporting", "allocation"}
SILENT_KINDS = {"out_of_scope", "foa", "copenhagen"}


def load_cases(split: str | None = None) -> list[dict[str, Any]]:
    """Single-question cases (conversations are judged by the answer suite)."""
    return [c for c in load_gold(split) if "question" in c]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=["dev", "test"], default=None)
    parser.add_argument("--json", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="vis fejl")
    args = parser.parse_args(argv)
    bot = Assistant(Settings())
    fired: Counter[str] = Counter()
    total: Counter[str] = Counter()
    agree = judged = 0
    for case in load_cases(args.split):
        kind = case["kind"]
        group = "rule" if kind in RULE_KINDS else "silent" if kind in SILENT_KINDS else None
        if group is None:
            continue
        as_of = dt.date.fromisoformat(str(case["as_of"]))
        decisions = bot.decisions(case["question"], as_of)
        total[group] += 1
        fired[group] += bool(decisions)
        if group == "rule" and decisions:
            judged += 1
            agree += decisions[0].verdict == case["verdict"]
        if args.verbose and (bool(decisions) != (group == "rule") or (
                decisions and decisions[0].verdict != case["verdict"])):
            got = [(d.rule, d.verdict) for d in decisions]
            print(f"{case['id']:<28} {group:<6} forventet {case['verdict']:<11} fik {got}  "
                  f"| {case['question'][:80]}")
    recall = fired["rule"] / total["rule"]
    silence = 1 - fired["silent"] / total["silent"]
    figures = {"recall": recall, "silence_precision": silence,
               "first_verdict_agreement": agree / judged if judged else 0.0,
               "n_rule": total["rule"], "n_silent": total["silent"]}
    print(f"Regelspørgsmål: {fired['rule']}/{total['rule']} fik en regel (recall {recall:.3f})")
    print(f"Andre spørgsmål: {total['silent'] - fired['silent']}/{total['silent']} forblev "
          f"tavse (præcision {silence:.3f})")
    print(f"Første regels verdikt = guldets verdikt: {agree}/{judged}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
