"""Deadlines and periods, judged against the day of the question (``as_of``)."""

from __future__ import annotations

import datetime as dt

from assistant.format import format_date, format_days
from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision, Text
from assistant.rules.parameters import ParameterError
from assistant.rules.texts import (
    ACCOUNTS,
    ACCOUNTS_AFTER,
    ACCOUNTS_CURRENT,
    BEFORE_START,
    COMPLETION,
    COMPLETION_LATE,
    COMPLETION_OK,
    GRANT_WINDOW,
    GRANT_WINDOW_NONE,
    GRANT_WINDOW_OTHER,
    NO_SUBMISSION_DEADLINE,
    PAYMENTS,
    PAYMENTS_ADVANCE,
    PAYMENTS_ANNUAL,
    REPORTING,
    REPORTING_NO_DAYS,
    SPENDING_START,
    START_GRANT,
    START_OK,
    START_TOO_EARLY,
    START_TOO_LATE,
    STATUS_CHANGE,
    STATUS_OUTCOME,
    STATUS_REVIEW,
    WINDOW_CLOSED,
    WINDOW_LAST_DAY,
    WINDOW_OPEN,
)


def _dates(template: Text, **values: dt.date | str | int) -> Text:
    def render(lang: str) -> str:
        return (template.en if lang == "en" else template.da).format(**{
            k: format_date(v, lang) if isinstance(v, dt.date) else v for k, v in values.items()
        })
    return Text(render("da"), render("en"))


def _window(book: RuleBook) -> tuple[dt.date, dt.date]:
    data = book.params["first_round_activity_window"].data
    return data["start"], data["end"]


def grant_year_for(book: RuleBook, start: dt.date) -> int | None:
    """The grant year whose intended window contains an activity's start date."""
    for year, window in book.params["grant_year_windows"].data["values"].items():
        if window["start"] <= start <= window["end"]:
            return int(year)
    return None


def activity_start(book: RuleBook, start: dt.date) -> Decision:
    """Can first-round money pay for an activity that starts on ``start``?

    Only activities started 1 August 2023 – 31 July 2026; 31 July 2026 itself is in.
    """
    first, last = _window(book)
    trace: dict[str, object] = {"start": start.isoformat(), "window": [first.isoformat(),
                                                                      last.isoformat()]}
    citations = (book.param_citation("first_round_activity_window"),)
    if start > last:
        return Decision("activity_start", "no", _dates(START_TOO_LATE, start=start), citations,
                        trace=trace | {"in_window": False, "second_round_rules_known": False})
    if start < first:
        return Decision("activity_start", "no", _dates(START_TOO_EARLY, start=start), citations,
                        trace=trace | {"in_window": False})
    year = grant_year_for(book, start)
    grant = _dates(START_GRANT, year=year) if year else Text("", "")
    text = _dates(START_OK, start=start, grant="{grant}")
    return Decision(
        "activity_start", "yes",
        Text(text.da.replace("{grant}", grant.da), text.en.replace("{grant}", grant.en)),
        (*citations, book.param_citation("grant_year_windows")),
        trace=trace | {"in_window": True, "grant_year": year},
    )


def first_round_open(book: RuleBook, as_of: dt.date) -> Decision:
    """Can a new activity still be started on first-round money on the day ``as_of``?"""
    first, last = _window(book)
    citations = (book.param_citation("first_round_activity_window"),)
    trace = {"as_of": as_of.isoformat(), "last_start": last.isoformat()}
    if as_of < first:
        return Decision("first_round_open", "no", _dates(BEFORE_START, today=as_of),
                        (*citations, book.param_citation("spending_start")),
                        trace=trace | {"open": False, "opens": first.isoformat()})
    if as_of > last:
        text = _dates(START_TOO_LATE, start=as_of)
        closed = Text(f"{WINDOW_CLOSED.da} {text.da}", f"{WINDOW_CLOSED.en} {text.en}")
        return Decision("first_round_open", "no", closed, citations,
                        trace=trace | {"open": False, "second_round_rules_known": False})
    days = (last - as_of).days
    text = (_dates(WINDOW_LAST_DAY, today=as_of) if days == 0 else
            _dates(WINDOW_OPEN, today=as_of, left="{left}"))
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
    deadline: dt.date = book.params["completion_deadline"].data["date"]
    if end is None and years:
        begin = start or as_of or dt.date.today()
        end = begin + dt.timedelta(days=round(365.25 * years))
    citations = (book.param_citation("completion_deadline"),)
    trace: dict[str, object] = {"deadline": deadline.isoformat()}
    if end is None:
        return Decision("completion_deadline", "info", COMPLETION,
                        (*citations, book.cite(_MERIT_LENGTH)), trace=trace)
    ok = end <= deadline
    return Decision("completion_deadline", "yes" if ok else "no",
                    _dates(COMPLETION_OK if ok else COMPLETION_LATE, end=end), citations,
                    trace=trace | {"end": end.isoformat(), "within": ok})


def accounting_periods(book: RuleBook, as_of: dt.date, deadline_asked: bool = False
                       ) -> Decision:
    """The minimum accounting periods and which one runs on ``as_of``.

    The material gives the periods, not the dates by which accounts must be sent: asked
    for a submission deadline, the verdict is "unknown" (with the periods it does give).
    """
    periods = book.params["accounting_periods"].data["values"]
    listed = {lang: ", ".join(f"{format_date(p['start'], lang)} – {format_date(p['end'], lang)}"
                              for p in periods) for lang in ("da", "en")}
    current = next((p for p in periods if p["start"] <= as_of <= p["end"]), None)
    if current:
        extra = _dates(ACCOUNTS_CURRENT, today=as_of, period="{period}")
        span = {lang: f"{format_date(current['start'], lang)} – {format_date(current['end'], lang)}"
                for lang in ("da", "en")}
        extra = Text(extra.da.replace("{period}", span["da"]),
                     extra.en.replace("{period}", span["en"]))
    elif as_of > periods[-1]["end"]:
        extra = _dates(ACCOUNTS_AFTER, today=as_of)
    else:
        extra = Text("", "")
    text = Text(ACCOUNTS.da.format(periods=listed["da"], current=extra.da),
                ACCOUNTS.en.format(periods=listed["en"], current=extra.en))
    period_quotes = []
    for p in periods:
        for dash in (" – ", " - "):
            quote = f"{format_date(p['start'])}{dash}{format_date(p['end'])}"
            try:
                period_quotes.append(book.cite(quote))
                break
            except ParameterError:
                continue
    if deadline_asked:
        text = Text(f"{NO_SUBMISSION_DEADLINE.da} {text.da}",
                    f"{NO_SUBMISSION_DEADLINE.en} {text.en}")
    return Decision(
        "accounting_periods", "unknown" if deadline_asked else "info", text,
        (book.param_citation("accounting_periods"), *period_quotes,
         book.cite("Regnskaberne skal dokumentere, at tilskud fra puljen er anvendt i "
                   "overensstemmelse med formålet.")),
        trace={"as_of": as_of.isoformat(),
               "periods": [[p["start"].isoformat(), p["end"].isoformat()] for p in periods],
               "current": [current["start"].isoformat(), current["end"].isoformat()]
               if current else None},
    )


def spending_start(book: RuleBook) -> Decision:
    """When the municipalities got commitments and could start spending."""
    return Decision("spending_start", "info", SPENDING_START,
                    (book.param_citation("commitments"), book.param_citation("spending_start")),
                    trace={"spending_start": book.params["spending_start"].data["date"]
                           .isoformat()})


def grant_year_window(book: RuleBook, year: int) -> Decision:
    """Which activities a given year's grant is meant for (first round only)."""
    windows = book.params["grant_year_windows"].data["values"]
    rounds = book.params["allocation_rounds"].data["values"]
    in_a_round = any(r["first_year"] <= year <= r["last_year"] for r in rounds.values())
    if not in_a_round:
        return Decision("grant_year_window", "unknown",
                        _dates(GRANT_WINDOW_NONE, year=year),
                        (book.param_citation("allocation_rounds"),
                         book.param_citation("amounts")),
                        trace={"year": year, "first_round": False, "in_a_round": False})
    if year not in windows:
        return Decision("grant_year_window", "unknown", _dates(GRANT_WINDOW_OTHER, year=year),
                        (book.param_citation("allocation_rounds"),),
                        trace={"year": year, "first_round": False})
    w = windows[year]
    return Decision("grant_year_window", "info",
                    _dates(GRANT_WINDOW, year=year, start=w["start"], end=w["end"]),
                    (book.param_citation("grant_year_windows"),),
                    trace={"year": year, "start": w["start"].isoformat(),
                           "end": w["end"].isoformat()})


_DAYS_QUOTE = ("For hhv. uformelle opkvalificeringsforløb og formelle voksen- og "
               "efteruddannelsesforløb skal kommunerne ligeledes afrapportere antal dage, hvor "
               "personalet er under opkvalificering.")


def content_reporting(book: RuleBook, item: str | None = None, group: str | None = None
                      ) -> Decision:
    """What the municipalities must report on the content every year.

    A yes/no question about one ``item`` is judged: "count" (started and completed courses:
    yes), "split" (other courses split into informal and formal: yes), "days" (days in
    upskilling: yes, for informal and formal adult education; no for PAU and meritpædagog,
    ``group`` "long").
    """
    cites = (book.param_citation("content_reporting"), book.cite(_DAYS_QUOTE))
    trace = {"item": item, "group": group}
    verdict = "info"
    text = REPORTING
    if item in ("count", "split"):
        verdict = "yes"
    elif item == "days" and group == "long":
        verdict, text = "no", Text(f"{REPORTING_NO_DAYS.da} {REPORTING.da}",
                                   f"{REPORTING_NO_DAYS.en} {REPORTING.en}")
    elif item == "days":
        verdict = "yes"  # for informal and formal adult education (the explanation says so)
    return Decision("content_reporting", verdict, text, cites,  # type: ignore[arg-type]
                    trace=trace)


_PAYMENT_QUOTES = (
    "Udbetalingerne af midler forudsætter, at kommunerne indsender regnskab om forbrug.",
    "Regnskaberne kan indsendes årligt, såfremt en kommune ønsker en årlig udbetaling af "
    "tilskuddet svarende til de afholdte udgifter.",
)


def payments(book: RuleBook, asked: str | None = None) -> Decision:
    """When the grant is paid out: against accounts of spending, yearly if wished.

    ``asked`` is what a yes/no question proposes: "annual" (paid every year? yes) or
    "advance" (paid before spending? no); None gives the information.
    """
    cites = tuple(book.cite(q) for q in _PAYMENT_QUOTES)
    trace = {"paid_against_accounts": True, "annual_possible": True, "asked": asked}
    if asked == "annual":
        return Decision("payments", "yes", PAYMENTS_ANNUAL, cites, trace=trace)
    if asked == "advance":
        return Decision("payments", "no", PAYMENTS_ADVANCE, cites, trace=trace)
    return Decision("payments", "info", PAYMENTS, cites, trace=trace)


def status_review(book: RuleBook, outcome_asked: bool = False,
                  change_asked: bool = False) -> Decision:
    """The status of the pool mid-2025, which may adjust the rules for the 2026+ grants.
    Its outcome is not in the material. Asked whether the rules can change: yes."""
    if change_asked and not outcome_asked:
        return Decision("status_review", "yes", STATUS_CHANGE,
                        (book.param_citation("status_review"),),
                        trace={"when": "medio 2025", "may_adjust": True})
    text = STATUS_REVIEW
    if outcome_asked:
        text = Text(f"{STATUS_OUTCOME.da} {text.da}", f"{STATUS_OUTCOME.en} {text.en}")
    return Decision("status_review", "unknown" if outcome_asked else "info", text,
                    (book.param_citation("status_review"),),
                    trace={"when": "medio 2025", "outcome_known": False})
