"""Accounts and payments: the accounting periods (and which one runs on ``as_of``), and
that the grant is paid out against accounts of spending."""

from __future__ import annotations

import datetime as dt

from assistant.common.formatting import format_date
from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision, Text
from assistant.rules.explanations import (
    ACCOUNTS,
    ACCOUNTS_AFTER,
    ACCOUNTS_CURRENT,
    NO_SUBMISSION_DEADLINE,
    PAYMENTS,
    PAYMENTS_ADVANCE,
    PAYMENTS_ANNUAL,
)
from assistant.rules.parameters import ParameterError


def accounting_periods(book: RuleBook, as_of: dt.date, deadline_asked: bool = False
                       ) -> Decision:
    """The minimum accounting periods and which one runs on ``as_of``.

    The material gives the periods, not the dates by which accounts must be sent: asked
    for a submission deadline, the verdict is "unknown" (with the periods it does give).
    """
    periods = book.params.accounting_periods.value
    listed = {lang: ", ".join(f"{format_date(p.start, lang)} – {format_date(p.end, lang)}"
                              for p in periods) for lang in ("da", "en")}
    current = next((p for p in periods if as_of in p), None)
    if current:
        extra = book.say(ACCOUNTS_CURRENT, today=as_of, period="{period}")
        span = {lang: f"{format_date(current.start, lang)} – {format_date(current.end, lang)}"
                for lang in ("da", "en")}
        extra = Text(extra.da.replace("{period}", span["da"]),
                     extra.en.replace("{period}", span["en"]))
    elif as_of > periods[-1].end:
        extra = book.say(ACCOUNTS_AFTER, today=as_of)
    else:
        extra = Text("", "")
    text = Text(ACCOUNTS.da.format(periods=listed["da"], current=extra.da),
                ACCOUNTS.en.format(periods=listed["en"], current=extra.en))
    period_quotes = []
    for p in periods:
        for dash in (" – ", " - "):
            quote = f"{format_date(p.start)}{dash}{format_date(p.end)}"
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
        (book.params.accounting_periods.citation, *period_quotes,
         book.cite("Regnskaberne skal dokumentere, at tilskud fra puljen er anvendt i "
                   "overensstemmelse med formålet.")),
        trace={"as_of": as_of.isoformat(),
               "periods": [[p.start.isoformat(), p.end.isoformat()] for p in periods],
               "current": [current.start.isoformat(), current.end.isoformat()]
               if current else None},
    )


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
