"""Month names, number words and year patterns, Danish and English: the one place for
them, for reading dates and years in free text and for writing them."""

from __future__ import annotations

import datetime as dt
import re

MONTHS_DA = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
             "september", "oktober", "november", "december")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
_SHORT = ("jan", "feb", "mar", "apr", "", "jun", "jul", "aug", "sep sept", "okt oct", "nov",
          "dec")
_MONTHS = {name: n for n, (da, en, short) in enumerate(zip(MONTHS_DA, MONTHS_EN, _SHORT,
                                                            strict=True), start=1)
           for name in (da, en.lower(), *short.split())}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# Years: any year of a date (20xx); a year of the pool's span (2020-2039) standing alone,
# not part of a date or an amount; any plausible year (19xx, 20xx), e.g. to tell a year
# from an amount.
DATE_YEAR = r"20\d\d"
POOL_YEAR = r"20[23]\d"
YEAR_ALONE = re.compile(rf"(?<![\d.,/])({POOL_YEAR})(?![\d.,]\d)")
ANY_YEAR = r"(19|20)\d\d"
_PATTERNS = (
    # 2026-09-01
    (re.compile(rf"\b({DATE_YEAR})-(\d\d)-(\d\d)\b"), ("y", "m", "d")),
    # 1. september 2026 / 1 September 2026 / 1. sep. 2026
    (re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTH})\.?\s+({DATE_YEAR})\b", re.I), ("d", "M", "y")),
    # September 1, 2026
    (re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}),?\s+({DATE_YEAR})\b", re.I), ("M", "d", "y")),
    # 1/9 2026, 1/9-2026, 01.09.2026
    (re.compile(rf"\b(\d{{1,2}})[/.](\d{{1,2}})[/. -]+({DATE_YEAR})\b"), ("d", "m", "y")),
    # september 2026 (the first of the month)
    (re.compile(rf"\b({_MONTH})\.?\s+({DATE_YEAR})\b", re.I), ("M", "y")),
    # efteråret 2025 / foråret 2026 / autumn 2025 (the season's first month)
    (re.compile(r"\b(?:i\s+|in\s+(?:the\s+)?)?(efterår(?:et)?|forår(?:et)?|sommer(?:en)?|"
                rf"vinter(?:en)?|autumn|fall|spring|summer|winter)\s+(?:of\s+)?({DATE_YEAR})\b",
                re.I), ("S", "y")),
)
_SEASONS = {"efterår": 9, "autumn": 9, "fall": 9, "forår": 3, "spring": 3, "sommer": 6,
            "summer": 6, "vinter": 12, "winter": 12}


def find_dates(text: str) -> list[dt.date]:
    """Dates in the text, in order of appearance; a month alone means its first day.

    >>> find_dates("Start 1. september 2026 eller 2026-08-01, slut i juli 2030, ikke feb. 2031")
    [datetime.date(2026, 9, 1), datetime.date(2026, 8, 1), datetime.date(2030, 7, 1), \
datetime.date(2031, 2, 1)]
    >>> find_dates("startede i efteråret 2025, ikke foråret 2026")
    [datetime.date(2025, 9, 1), datetime.date(2026, 3, 1)]
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
                if "S" in parts:
                    season = parts["S"].lower()
                    month = next(v for k, v in _SEASONS.items() if season.startswith(k))
                else:
                    month = _MONTHS[parts["M"].lower()] if "M" in parts else int(parts["m"])
                day = dt.date(int(parts["y"]), month, int(parts.get("d", 1)))
            except (ValueError, KeyError):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), day))
    return sorted(found)


def find_years(text: str) -> list[int]:
    """Four-digit years 2020-2039 that stand alone (not part of a date or amount)."""
    return [int(y) for y in YEAR_ALONE.findall(text)]


_WEEKDAYS = {"mandag": 0, "tirsdag": 1, "onsdag": 2, "torsdag": 3, "fredag": 4, "lørdag": 5,
             "søndag": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
             "friday": 4, "saturday": 5, "sunday": 6}
# Number words, Danish and English (also read by the extractor and the experience reader);
# the first word of a number in its language is the one ``number_word`` writes.
_NUMBER_WORDS_DA = {"en": 1, "et": 1, "én": 1, "ét": 1, "to": 2, "tre": 3, "fire": 4,
                    "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9, "ti": 10, "fjorten": 14}
_NUMBER_WORDS_EN = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "fourteen": 14}
NUMBER_WORDS = _NUMBER_WORDS_DA | _NUMBER_WORDS_EN


def spelled_numbers(lang: str, low: int = 1, high: int = 10) -> tuple[str, ...]:
    """The plain spelled-out words for the numbers low..high, for a pattern to look for
    (no accented forms and not the English articles).

    >>> spelled_numbers("da", 2, 4), spelled_numbers("en", 1, 2)
    (('to', 'tre', 'fire'), ('one', 'two'))
    """
    words = _NUMBER_WORDS_EN if lang == "en" else _NUMBER_WORDS_DA
    return tuple(w for w, v in words.items()
                 if low <= v <= high and w.isascii() and w not in ("a", "an"))


def number_word(n: int, lang: str = "da") -> str:
    """A small number as a word, as a sentence writes it; other numbers as digits.

    >>> number_word(2), number_word(2, "en"), number_word(40)
    ('to', 'two', '40')
    """
    words = _NUMBER_WORDS_EN if lang == "en" else _NUMBER_WORDS_DA
    return next((w for w, v in words.items() if v == n), str(n))
_RELATIVE = re.compile(
    r"\b(?P<today>i dag|today)\b"
    r"|\b(?P<tomorrow>i morgen|tomorrow)\b"
    r"|\b(?:på |on |næste |next |this |på næste |til )?(?P<weekday>mandag|tirsdag|onsdag|"
    r"torsdag|fredag|lørdag|søndag|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\b(?:om|in|inden for|within)\s+(?P<n>\d+|[a-zæøå]+)\s+(?P<unit>dage?|days?|uger?|"
    r"weeks?|måneder?|months?)\b"
    r"|\b(?P<nextunit>næste|next)\s+(?P<unit2>uge|week|måned|month|år|year)\b"
    r"|\b(?P<summer>efter sommerferien|after the summer(?: holidays?| break)?)\b"
    r"|\b(?P<autumn>til efteråret|i efteråret|this autumn|this fall|in the autumn)\b",
    re.IGNORECASE)


def find_relative_dates(text: str, as_of: dt.date) -> list[tuple[int, dt.date]]:
    """Dates said relative to the day of the question ("i morgen", "på mandag", "om 14
    dage", "next month", "efter sommerferien"), with their positions.

    >>> day = dt.date(2026, 7, 23)  # a Thursday
    >>> [d.isoformat() for _, d in find_relative_dates(
    ...     "i morgen, på mandag, om 14 dage, next month, efter sommerferien", day)]
    ['2026-07-24', '2026-07-27', '2026-08-06', '2026-08-01', '2026-08-01']
    """
    out: list[tuple[int, dt.date]] = []
    for m in _RELATIVE.finditer(text):
        g = {k: v for k, v in m.groupdict().items() if v}
        day: dt.date | None = None
        if "today" in g:
            day = as_of
        elif "tomorrow" in g:
            day = as_of + dt.timedelta(days=1)
        elif "weekday" in g:
            ahead = (_WEEKDAYS[g["weekday"].lower()] - as_of.weekday()) % 7 or 7
            day = as_of + dt.timedelta(days=ahead)
        elif "n" in g:
            n = int(g["n"]) if g["n"].isdigit() else NUMBER_WORDS.get(g["n"].lower())
            if n is None:
                continue
            unit = g["unit"].lower()
            if unit.startswith(("dag", "day")):
                day = as_of + dt.timedelta(days=n)
            elif unit.startswith(("uge", "week")):
                day = as_of + dt.timedelta(weeks=n)
            else:
                month = as_of.month - 1 + n
                day = dt.date(as_of.year + month // 12, month % 12 + 1, 1)
        elif "nextunit" in g:
            unit = g["unit2"].lower()
            if unit in ("uge", "week"):
                day = as_of + dt.timedelta(weeks=1)
            elif unit in ("måned", "month"):
                day = dt.date(as_of.year + as_of.month // 12, as_of.month % 12 + 1, 1)
            else:
                day = dt.date(as_of.year + 1, 1, 1)
        elif "summer" in g:
            day = dt.date(as_of.year if as_of.month < 8 else as_of.year + 1, 8, 1)
        elif "autumn" in g:
            day = dt.date(as_of.year if as_of.month < 9 else as_of.year + 1, 9, 1)
        if day is not None:
            out.append((m.start(), day))
    return out
