"""Dates of the pool: when activities may start, the first round's window, the completion
deadline, when spending began and which activities a year's grant is meant for; each judged
against the day of the question (``as_of``)."""

from __future__ import annotations

import datetime as dt

from assistant.common.formatting import format_days
from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision, Text
from assistant.rules.explanations import (
    BEFORE_START,
    COMPLETION,
    COMPLETION_LATE,
    COMPLETION_OK,
    GRANT_WINDOW,
    GRANT_WINDOW_NONE,
    GRANT_WINDOW_OTHER,
    SPENDING_START,
    START_GRANT,
    START_OK,
    START_TOO_EARLY,
    START_TOO_LATE,
    WINDOW_CLOSED,
    WINDOW_LAST_DAY,
    WINDOW_OPEN,
)


def _window(book: RuleBook) -> tuple[dt.date, dt.date]:
    window = book.params.first_round_activity_window.value
    return window.start, window.end


def grant_year_for(book: RuleBook, start: dt.date) -> int | None:
    """The grant year whose intended window contains an activity's start date."""
    for year, window in book.params.grant_year_windows.value.items():
        if start in window:
            return year
    return None


def activity_start(book: RuleBook, start: dt.date) -> Decision:
    """Can first-round money pay for an activity that starts on ``start``?

    Only activities started 1 August 2023 – 31 July 2026; 31 July 2026 itself is in.
    """
    first, last = _window(book)
    trace: dict[str, object] = {"start": start.isoformat(), "window": [first.isoformat(),
                                                                      last.isoformat()]}
    citations = (book.params.first_round_activity_window.citation,)
    if start > last:
        return Decision("activity_start", "no", book.say(START_TOO_LATE, start=start), citations,
                        trace=trace | {"in_window": False, "second_round_rules_known": False})
    if start < first:
        return Decision("activity_start", "no", book.say(START_TOO_EARLY, start=start), citations,
                        trace=trace | {"in_window": False})
    year = grant_year_for(book, start)
    grant = book.say(START_GRANT, year=year) if year else Text("", "")
    text = book.say(START_OK, start=start, grant="{grant}")
    return Decision(
        "activity_start", "yes",
        Text(text.da.replace("{grant}", grant.da), text.en.replace("{grant}", grant.en)),
        (*citations, book.params.grant_year_windows.citation),
        trace=trace | {"in_window": True, "grant_year": year},
    )


def first_round_open(book: RuleBook, as_of: dt.date) -> Decision:
    """Can a new activity still be started on first-round money on the day ``as_of``?"""
    first, last = _window(book)
    citations = (book.params.first_round_activity_window.citation,)
    trace = {"as_of": as_of.isoformat(), "last_start": last.isoformat()}
    if as_of < first:
        return Decision("first_round_open", "no", book.say(BEFORE_START, today=as_of),
                        (*citations, book.params.spending_start.citation),
                        trace=trace | {"open": False, "opens": first.isoformat()})
    if as_of > last:
        text, closed_on = book.say(START_TOO_LATE, start=as_of), book.say(WINDOW_CLOSED)
        closed = Text(f"{closed_on.da} {text.da}", f"{closed_on.en} {text.en}")
        return Decision("first_round_open", "no", closed, citations,
                        trace=trace | {"open": False, "second_round_rules_known": False})
    days = (last - as_of).days
    text = (book.say(WINDOW_LAST_DAY, today=as_of) if days == 0 else
            book.say(WINDOW_OPEN, today=as_of, left="{left}"))
    text = Text(text.da.replace("{left}", format_days(days, "da")),
                text.en.replace("{left}", format_days(days, "en")))
    return Decision("first_round_open", "yes", text, citations,
                    trace=trace | {"open": True, "days_left": days})


_MERIT_LENGTH = ("meritpædagogforløbene, som typisk tager 3-4 år, først kan forventes at være "
                 "afsluttet fire år efter, dvs. juli 2030")


def completion_deadline(book: RuleBook, end: dt.date | None = None,
                        start: dt.date | None = None, years: float | None = None,
                        as_of: dt.date | None = None) -> Decision:
    """The completion date for long programmes, and whether a planned end meets it.

    The end may be given, or follow from a start (default: the day asked) and a length
    in years ("den tager ca. 4 år").
    """
    deadline = book.params.completion_deadline.value
    if end is None and years:
        begin = start or as_of or dt.date.today()
        end = begin + dt.timedelta(days=round(365.25 * years))
    citations = (book.params.completion_deadline.citation,)
    trace: dict[str, object] = {"deadline": deadline.isoformat()}
    if end is None:
        return Decision("completion_deadline", "info", book.say(COMPLETION),
                        (*citations, book.cite(_MERIT_LENGTH)), trace=trace)
    ok = end <= deadline
    return Decision("completion_deadline", "yes" if ok else "no",
                    book.say(COMPLETION_OK if ok else COMPLETION_LATE, end=end), citations,
                    trace=trace | {"end": end.isoformat(), "within": ok})


def spending_start(book: RuleBook) -> Decision:
    """When the municipalities got commitments and could start spending."""
    return Decision("spending_start", "info", book.say(SPENDING_START),
                    (book.params.commitments.citation, book.params.spending_start.citation),
                    trace={"spending_start": book.params.spending_start.value.isoformat()})


def grant_year_window(book: RuleBook, year: int) -> Decision:
    """Which activities a given year's grant is meant for (first round only)."""
    windows = book.params.grant_year_windows.value
    in_a_round = any(year in r for r in book.params.allocation_rounds.value)
    if not in_a_round:
        return Decision("grant_year_window", "unknown",
                        book.say(GRANT_WINDOW_NONE, year=year),
                        (book.params.allocation_rounds.citation,
                         book.params.amounts.citation),
                        trace={"year": year, "first_round": False, "in_a_round": False})
    if year not in windows:
        return Decision("grant_year_window", "unknown", book.say(GRANT_WINDOW_OTHER, year=year),
                        (book.params.allocation_rounds.citation,),
                        trace={"year": year, "first_round": False})
    w = windows[year]
    return Decision("grant_year_window", "info",
                    book.say(GRANT_WINDOW, year=year, start=w.start, end=w.end),
                    (book.params.grant_year_windows.citation,),
                    trace={"year": year, "start": w.start.isoformat(),
                           "end": w.end.isoformat()})
