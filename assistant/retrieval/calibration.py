"""The calibrated abstention thresholds (written by ``python -m evals.calibrate``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class Calibration:
    """Per language: ``below`` and ``unknown_below`` cosine thresholds."""

    thresholds: dict[str, dict[str, float]]

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> Calibration:
        return cls(json.loads(path.read_text(encoding="utf-8")))


def abstains(cal: Calibration, lang: str, cosine: float, unknown_word: bool) -> bool:
    """Whether to abstain when no rule applies."""
    t = cal.thresholds.get(lang) or cal.thresholds.get("da") or {}
    below = t.get("below", 0.0)
    if cosine < below:
        return True
    return unknown_word and cosine < t.get("unknown_below", below)
