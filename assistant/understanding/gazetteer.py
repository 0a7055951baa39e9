"""Names of the catalogue's things, found in a question: the one source for programme,
cost and role names (the catalogue), read here, in the plan check and in the UI.

The gazetteer says *where* a known name occurs; which of several names the question is
about, and what an unknown name means, is the model's call (see reader.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.rules.book import RuleBook


@dataclass(frozen=True)
class Mention:
    kind: str  # programme | cost | role | theme | outside | private | source
    id: str
    words: str
    start: int


def _first(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    found = [m for p in patterns if (m := p.search(text))]
    return min(found, key=lambda m: m.start()) if found else None


def mentions(book: RuleBook, text: str) -> list[Mention]:
    """Every catalogue name in the text, in reading order."""
    out: list[Mention] = []
    for kind, entries in (("programme", book.programmes), ("cost", book.costs)):
        for entry in entries.values():
            m = _first(entry.names, text)
            if m:
                out.append(Mention(kind, entry.id, m.group(0), m.start()))
    for role, patterns in book.roles.items():
        m = _first(patterns, text)
        if m:
            out.append(Mention("role", role, m.group(0), m.start()))
    for theme, patterns in book.themes.items():
        m = _first(patterns, text)
        if m:
            out.append(Mention("theme", theme, m.group(0), m.start()))
    for kind, patterns in (("outside", book.outside_names), ("private", book.private_names)):
        m = _first(patterns, text)
        if m:
            out.append(Mention(kind, kind, m.group(0), m.start()))
    for doc, patterns in book.aliases_by_source.items():
        m = _first(patterns, text)
        if m:
            out.append(Mention("source", doc, m.group(0), m.start()))
    return sorted(out, key=lambda m: m.start)


def informal_names(book: RuleBook) -> tuple[re.Pattern[str], ...]:
    return book.programmes["informal"].names


def formal_names(book: RuleBook) -> tuple[re.Pattern[str], ...]:
    return tuple(p for pid, e in book.programmes.items() if pid not in ("informal",)
                 for p in e.names)
