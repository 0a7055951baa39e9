"""Finding dates and years in Danish and English free text."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    "januar": 1, "january": 1, "jan": 1, "februar": 2, "february": 2, "feb": 2,
    "marts": 3, "march": 3, "mar": 3, "april": 4, "apr": 4, "maj": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6, "juli": 7, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_PATTERNS = (
    # 2026-09-01
    (re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b"), ("y", "m", "d")),
    # 1. september 2026 / 1 September 2026 / 1. sep. 2026
    (re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTH})\.?\s+(20\d\d)\b", re.I), ("d", "M", "y")),
    # September 1, 2026
    (re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}),?\s+(20\d\d)\b", re.I), ("M", "d", "y")),
    # 1/9 2026, 1/9-2026, 01.09.2026
    (re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/. -]+(20\d\d)\b"), ("d", "m", "y")),
    # september 2026 (the first of the month)
    (re.compile(rf"\b({_MONTH})\.?\s+(20\d\d)\b", re.I), ("M", "y")),
)


def find_dates(text: str) -> list[dt.date]:
    """Dates in the text, in order of appearance; a month alone means its first day.

    >>> find_dates("Start 1. september 2026 eller 2026-08-01, slut i juli 2030, ikke feb. 2031")
    [datetime.date(2026, 9, 1), datetime.date(2026, 8, 1), datetime.date(2030, 7, 1), \
datetime.date(2031, 2, 1)]
    """
    return [d for _, d in find_date_spans(text)]


def find_date_spans(text: str) -> list[tuple[int, dt.date]]:
    """Dates with their positions in the text, in order of appearance."""
    found: list[tuple[int, dt.date]] = []
    taken: list[tuple[int, int]] = []
    for pattern, order in _PATTERNS:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            parts = dict(zip(order, m.groups(), strict=True))
            try:
                month = _MONTHS[parts["M"].lower()] if "M" in parts else int(parts["m"])
                day = dt.date(int(parts["y"]), month, int(parts.get("d", 1)))
            except (ValueError, KeyError):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), day))
    return sorted(found)


def find_years(text: str) -> list[int]:
    """Four-digit years 2020-2039 that stand alone (not part of a date or amount)."""
    return [int(y) for y in re.findall(r"(?<![\d.,/])(20[23]\d)(?![\d.,]\d)", text)]
