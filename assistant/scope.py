"""Questions outside what the material covers (data in scope.yaml)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

_FILE = Path(__file__).with_name("scope.yaml")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, tuple[re.Pattern[str], ...]]:
    raw = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    return {topic: tuple(re.compile(rf"(?<!\w)(?:{p})(?!\w)", re.IGNORECASE) for p in pats)
            for topic, pats in raw.items()}


def out_of_scope(question: str) -> str | None:
    """The uncovered topic a question is about, or None.

    >>> out_of_scope("Hvad er startlønnen for en pædagogisk assistent?")
    'employment_terms'
    >>> out_of_scope("Kan vi finansiere en masteruddannelse?") is None
    True
    """
    for topic, patterns in _patterns().items():
        if any(p.search(question) for p in patterns):
            return topic
    return None
