"""The quality gate: the floors and ceilings in ``thresholds.toml`` that CI enforces on
the eval suite's figures (``pulje eval --split test --gate``), and the stored baseline
(``evals/baseline.json``) that no case may fall behind."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
BASELINE = Path(__file__).resolve().parent / "baseline.json"


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
    max_worse = config.get("baseline", {}).get("max_worse")
    if not isinstance(max_worse, int) or isinstance(max_worse, bool):
        raise ThresholdsError(f"{path}: [baseline] mangler max_worse (et helt tal)")
    return config


def load_baseline(path: Path = BASELINE) -> dict[str, Any] | None:
    """The stored baseline run (totals and per-case outcomes), or None if there is none."""
    if not path.exists():
        return None
    baseline: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return baseline


def baseline_diff(result: dict[str, Any], baseline: dict[str, Any]) -> dict[str, list[str]]:
    """Cases that got better or worse than in the baseline (verdict and facts)."""
    before = {c["id"]: c for c in baseline.get("cases", [])}
    better, worse = [], []
    for r in result["cases"]:
        old = before.get(r["id"])
        if old is None:
            continue
        was = (old["verdict_ok"], old["facts_found"])
        now = (r["verdict_ok"], r["facts_found"])
        if now > was:
            better.append(r["id"])
        elif now < was:
            worse.append(r["id"])
    return {"better": better, "worse": worse}


def gate(result: dict[str, Any], path: Path = THRESHOLDS,
         baseline: dict[str, Any] | None = None) -> list[str]:
    """Every way the result falls short of ``thresholds.toml`` (empty: pass).

    More than ``[baseline] max_worse`` cases worse than in ``baseline`` (a stored run of
    the same split) also fail, and so does a missing baseline: an accepted change is saved
    with ``pulje eval --split test --save-baseline``.
    """
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
    limit = config["baseline"]["max_worse"]
    if baseline is None or baseline.get("split") != result.get("split"):
        failures.append(f"baseline: ingen gemt kørsel af split {result.get('split')} "
                        "(gem den med --save-baseline)")
    else:
        worse = baseline_diff(result, baseline)["worse"]
        if len(worse) > limit:
            failures.append(f"baseline: {len(worse)} tilfælde værre end baseline "
                            f"(højst {limit}): {', '.join(worse[:20])}")
    return failures
