"""The quality gate: the floors and ceilings in ``thresholds.toml`` that CI enforces on
the eval suite's figures (``pulje eval --split test --gate``)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"


# The figures CI must hold: a thresholds file without a floor for each is an error, so a
# commented-out table header can no longer switch the gate off silently.
REQUIRED_FLOORS = ("verdict_accuracy", "fact_recall", "citation_precision",
                   "abstention_recall")
REQUIRED_CEILINGS = ("false_abstention",)


class ThresholdsError(ValueError):
    """The thresholds file lacks a floor or ceiling the gate must enforce."""


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, Any]:
    """The gate's thresholds, checked: every required floor and ceiling is a number."""
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    for table, names in (("floor", REQUIRED_FLOORS), ("ceiling", REQUIRED_CEILINGS)):
        values = config.get(table)
        if not isinstance(values, dict):
            raise ThresholdsError(f"{path}: tabellen [{table}] mangler")
        missing = [n for n in names if not isinstance(values.get(n), int | float)]
        if missing:
            raise ThresholdsError(f"{path}: [{table}] mangler {', '.join(missing)}")
    return config


def gate(result: dict[str, Any], path: Path = THRESHOLDS) -> list[str]:
    """Every way the result falls short of the floors in ``thresholds.toml`` (empty: pass)."""
    config = load_thresholds(path)
    failures = []
    for metric, floor in config.get("floor", {}).items():
        value = result["totals"].get(metric)
        if value is None or value < floor:
            failures.append(f"{metric} = {value} < {floor}")
    for metric, ceiling in config.get("ceiling", {}).items():
        value = result["totals"].get(metric)
        if value is None or value > ceiling:
            failures.append(f"{metric} = {value} > {ceiling}")
    if config.get("redteam", {}).get("all_hold") and result.get("redteam") is not None:
        broken = [r for r in result["redteam"] if not r["ok"] and not r.get("xfail")]
        failures += [f"red-team {r['id']}: {'; '.join(r['problems'])}" for r in broken]
    return failures
