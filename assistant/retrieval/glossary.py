"""Query expansion from users' words to the documents' words (see glossary.yaml)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_FILE = Path(__file__).with_name("glossary.yaml")


@lru_cache(maxsize=1)
def _entries() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for line in _FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pattern, _, terms = line.rpartition(": ")
        out.append((re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE), terms.strip()))
    return tuple(out)


def expand(question: str) -> str:
    """The question followed by the document terms its words map to.

    >>> expand("Can we pay for a master's degree?")
    "Can we pay for a master's degree? masteruddannelser"
    """
    extra = [terms for pattern, terms in _entries() if pattern.search(question)]
    return " ".join([question, *extra])
