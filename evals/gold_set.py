"""The gold set (evals/gold/*.yaml), read in one place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

GOLD = Path(__file__).parent / "gold"


def load_gold(split: str | None = None, folder: Path = GOLD) -> list[dict[str, Any]]:
    """All cases, or those of one split ("dev" or "test")."""
    cases = [c for f in sorted(folder.glob("*.yaml"))
             for c in yaml.safe_load(f.read_text(encoding="utf-8")) or []]
    return [c for c in cases if split is None or c["split"] == split]
