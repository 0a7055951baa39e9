"""What the municipalities report: the yearly content reporting and the status review."""

from __future__ import annotations

from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision, Text
from assistant.rules.explanations import (
    REPORTING,
    REPORTING_NO_DAYS,
    STATUS_CHANGE,
    STATUS_OUTCOME,
    STATUS_REVIEW,
)

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
    cites = (book.params.content_reporting.citation, book.cite(_DAYS_QUOTE))
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


def status_review(book: RuleBook, outcome_asked: bool = False,
                  change_asked: bool = False) -> Decision:
    """The status of the pool mid-2025, which may adjust the rules for the 2026+ grants.
    Its outcome is not in the material. Asked whether the rules can change: yes."""
    if change_asked and not outcome_asked:
        return Decision("status_review", "yes", book.say(STATUS_CHANGE),
                        (book.params.status_review.citation,),
                        trace={"when": _when(book), "may_adjust": True})
    text = book.say(STATUS_REVIEW)
    if outcome_asked:
        text = Text(f"{STATUS_OUTCOME.da} {text.da}", f"{STATUS_OUTCOME.en} {text.en}")
    return Decision("status_review", "unknown" if outcome_asked else "info", text,
                    (book.params.status_review.citation,),
                    trace={"when": _when(book), "outcome_known": False})


def _when(book: RuleBook) -> str:
    return f"medio {book.params.status_review.value}"
