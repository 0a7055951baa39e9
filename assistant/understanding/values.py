"""Typed values in a question: amounts, dates, years, durations and work experience.

These have a fixed shape, so they are parsed, not learned (as Rasa keeps regexes for
numbers and dates). What a value is *for* is read from the words right next to it: the
date a start verb points at, the amount whose clause names informal upskilling, the date
after a completion word.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from assistant.common.calendar_words import (
    NUMBER_WORDS,
    POOL_YEAR,
    YEAR_ALONE,
    find_date_spans,
    find_relative_dates,
    find_years,
    spelled_numbers,
)
from assistant.rules.experience import experience_years
from assistant.rules.money import find_amount_spans


def _any(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(rf"(?<!\w)(?:{p})(?!\w)", re.IGNORECASE) for p in patterns)


START = _any(r"start\w*", r"igangsæt\w*", r"igangsaet\w*", r"begynd\w*", r"påbegynd\w*",
             r"sætte i gang", r"sætter \w+ \w+ i gang", r"sætter \w+ i gang", r"i gang",
             r"sende", r"tilmeld\w*", r"optag\w*", r"begin\w*", r"launch\w*", r"enrol\w*",
             r"kick off")
COMPLETION = _any(r"afslut\w*", r"færdig\w*", r"faerdig\w*", r"gennemført", r"slut\w*",
                  r"finish\w*", r"complet\w*", r"end date", r"ends?", r"ending")
DURATION = re.compile(
    r"\b(?:tager|varer|tage|takes?|lasts?|last|over|på)\s+(?:ca\.?\s+|cirka\s+|omkring\s+|"
    r"about\s+|around\s+)?(\d+(?:,\d)?|"
    rf"{'|'.join(spelled_numbers('da', 2, 5) + spelled_numbers('en', 2, 5))}|halvandet)\s+"
    r"(?:år|years?)\b", re.IGNORECASE)
# "i dag er det …" / "today is …": a date the question claims for today is not an input
# (the day of the question is as_of).
TODAY_CLAIM = re.compile(
    r"(?:today'?s date is|today is|the (?:current )?date is(?: now)?|it is now|current date"
    r"(?: is)?|the date today is|i dag er(?: det)?|dags dato er|dagens dato er|datoen er"
    r"(?: nu| i dag)?|det er nu|vi skriver nu)\s*(?:den\s+|the\s+)?$", re.IGNORECASE)
GRANT_YEAR = re.compile(
    r"(?:bevilling\w*|midlerne|pengene|tilskuddet|grants?|money)\s+(?:(?:fra|for|from|of)\s+)?"
    rf"({POOL_YEAR})|({POOL_YEAR})[- ]?(?:bevilling\w*|midl\w*|grant|money|tilskud\w*|penge\w*)"
    rf"|(?:the|our)\s+({POOL_YEAR})\s+grant", re.IGNORECASE)
# "210.000 af vores 2,3 mio.": the second amount is the grant the first is part of.
OF_OUR = re.compile(r"^\s*(?:kr\.?|kroner|dkk)?\s*(?:af|ud af|of|out of)\s+(?:vores|de|det|"
                    r"jeres|our|the|its)?\s*(?:samlede\s+|total\s+)?$", re.IGNORECASE)
PLANNED_SHARE = re.compile(
    r"\b(?:bruge|bruger|lægge|lægger|afsætte|afsætter|sætte|spend|use|put|allocate)\s+"
    r"(?:\w+\s+){0,2}?(\d+(?:,\d+)?)\s*(?:%|pct\.?|procent|per ?cent)", re.IGNORECASE)
ALL_OF = _any(r"(bruge|bruger|lægge|lægger|sætte|spend|use|put)\s+(\w+\s+){0,2}?(hele "
              r"(tilskuddet|beløbet|bevillingen|puljen|rammen)|alle (pengene|midlerne)|alt"
              r"(?= på)|all of (it|the money|our|the grant)|the (whole|entire) (grant|amount)|"
              r"everything)")


@dataclass(frozen=True)
class Values:
    """The typed values of one ask."""

    amounts: tuple[float, ...] = ()
    informal_amounts: tuple[float, ...] = ()  # amounts whose clause names informal upskilling
    planned_share: float | None = None  # "lægge 12 % i interne kurser"
    all_of_grant: bool = False  # "hele tilskuddet på private kurser"
    dates: tuple[dt.date, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    years: tuple[int, ...] = ()
    grant_year: int | None = None
    duration_years: float | None = None
    experience_years: float | None = None
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict, compare=False)


def _has(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def _start_date(spans: list[tuple[int, dt.date]], text: str) -> dt.date | None:
    """The date a start verb points at ("Du må ikke nævne 31. juli 2026. Kan vi starte i
    december 2026?" starts in December), else the first date that is not an end."""
    if not spans:
        return None
    ends = sorted(m.start() for p in COMPLETION for m in p.finditer(text))

    def is_end(pos: int) -> bool:
        before = [e for e in ends if e < pos]
        return bool(before) and pos - before[-1] < 30
    spans = [(pos, d) for pos, d in spans if not is_end(pos)] or spans
    starts = [m.start() for p in START if (m := p.search(text))]
    if starts:
        after = [d for pos, d in spans if pos > min(starts)]
        if after:
            return after[0]
    return spans[0][1]


def _end_date(text: str, deadline_year: int) -> dt.date | None:
    """When the question says something ends: a date after a completion word ("færdig
    31. december 2029"), or a year alone before the deadline's year ("færdig i 2029")."""
    words = [m.end() for p in COMPLETION if (m := p.search(text))]
    if not words:
        return None
    after = min(words)
    dated = [d for pos, d in find_date_spans(text) if pos >= after and d.year >= 2027]
    if dated:
        return dated[-1]
    years = [int(m.group(1)) for m in YEAR_ALONE.finditer(text[after:])]
    years = [y for y in years if 2027 <= y < deadline_year]
    return dt.date(years[-1], 12, 31) if years else None


def _informal_amounts(spans: list[tuple[float, int, int]], text: str,
                      informal: tuple[re.Pattern[str], ...],
                      formal: tuple[re.Pattern[str], ...]) -> list[float]:
    """Amounts whose clause (from the amount to the next amount or sentence end) names an
    informal kind of upskilling and no formal one."""
    out = []
    for i, (value, _, end) in enumerate(spans):
        stop = spans[i + 1][1] if i + 1 < len(spans) else len(text)
        if i + 1 < len(spans) and OF_OUR.match(text[end:stop]):
            end = spans[i + 1][2]
            stop = spans[i + 2][1] if i + 2 < len(spans) else len(text)
        clause = re.split(r"[.?!;](?:\s|$)", text[end:stop])[0]
        if _has(informal, clause) and not _has(formal, clause):
            out.append(value)
    return out


def parse_values(text: str, as_of: dt.date | None, informal: tuple[re.Pattern[str], ...] = (),
                 formal: tuple[re.Pattern[str], ...] = (), deadline_year: int = 2030) -> Values:
    """Every typed value in ``text``; ``informal``/``formal`` are the gazetteer's names of
    informal and formal upskilling (from the catalogue), used to tell what an amount is for.

    >>> v = parse_values("Vi får 2,4 mio. og vil bruge 300.000 kr. på private kurser",
    ...                  None, informal=_any(r"privat\\w* kurs\\w*"))
    >>> v.amounts, v.informal_amounts
    ((2400000.0, 300000.0), (300000.0,))
    """
    spans = [s for s in find_amount_spans(text) if s[0] > 0]
    date_spans = [(pos, d) for pos, d in find_date_spans(text)
                  if not TODAY_CLAIM.search(text[max(0, pos - 40):pos])]
    if as_of is not None:  # "i morgen", "på mandag", "om 14 dage", "efter sommerferien"
        date_spans = sorted(date_spans + find_relative_dates(text, as_of))
    duration = DURATION.search(text)
    years_word = duration.group(1).lower() if duration else ""
    if years_word == "halvandet":
        duration_years: float | None = 1.5
    elif years_word:
        duration_years = float(NUMBER_WORDS[years_word] if years_word in NUMBER_WORDS
                               else years_word.replace(",", "."))
    else:
        duration_years = None
    grant_year = GRANT_YEAR.search(text)
    share = PLANNED_SHARE.search(text)
    return Values(
        amounts=tuple(s[0] for s in spans),
        informal_amounts=tuple(_informal_amounts(spans, text, informal, formal)),
        planned_share=float(share.group(1).replace(",", ".")) if share and _has(
            informal, text[share.end():][:60]) else None,
        all_of_grant=_has(ALL_OF, text),
        dates=tuple(d for _, d in date_spans),
        start=_start_date(date_spans, text),
        end=_end_date(text, deadline_year),
        years=tuple(find_years(text)),
        grant_year=int(next(g for g in grant_year.groups() if g)) if grant_year else None,
        duration_years=duration_years,
        experience_years=experience_years(text),
        spans={"amount": [(a, b) for _, a, b in spans]},
    )


def starts(text: str) -> bool:
    """Whether the text speaks of starting something (a start date is then the start)."""
    return _has(START, text)
