"""The cap on informal upskilling: at most 10 pct. of the municipality's grant."""

from __future__ import annotations

from assistant.common.formatting import format_dkk
from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision, Text
from assistant.rules.explanations import (
    CAP_MAX,
    CAP_OVER,
    CAP_SHARE,
    CAP_WITHIN,
    COUNTS,
    NOT_COUNTS,
    UNKNOWN_COUNTS,
)
from assistant.rules.money import AmountError, check_grant


def informal_cap(book: RuleBook, grant_dkk: float | None = None,
                 planned_informal_dkk: float | None = None) -> Decision:
    """The most the grant allows for informal upskilling, and whether a plan is within it.

    Exactly 10 pct. is within the cap; one krone more is not. Without a grant amount the
    decision states the share.
    """
    if grant_dkk is None:
        return Decision(rule="informal_cap", verdict="info", explanation=book.say(CAP_SHARE),
                        citations=(book.params.informal_cap.citation,),
                        trace={"cap_share": book.params.informal_cap.value})
    grant = check_grant(grant_dkk)
    share = book.params.informal_cap.value
    maximum = round(grant * share, 2)
    trace: dict[str, float | bool | None] = {"grant_dkk": grant, "cap_share": share,
                                             "max_informal_dkk": maximum}
    texts = [_fill(book, CAP_MAX, grant=grant, max=maximum)]
    verdict = "info"
    if planned_informal_dkk is not None:
        if planned_informal_dkk < 0:
            raise AmountError(f"Et planlagt beløb kan ikke være negativt ({planned_informal_dkk}).")
        within = planned_informal_dkk <= maximum
        verdict = "yes" if within else "no"
        trace |= {"planned_informal_dkk": planned_informal_dkk, "within_cap": within,
                  "left_dkk": round(maximum - planned_informal_dkk, 2)}
        template = CAP_WITHIN if within else CAP_OVER
        texts.append(_fill(book, template, planned=planned_informal_dkk, max=maximum,
                           left=max(maximum - planned_informal_dkk, 0),
                           over=max(planned_informal_dkk - maximum, 0)))
    return Decision(
        rule="informal_cap", verdict=verdict,  # type: ignore[arg-type]
        explanation=Text(" ".join(t.da for t in texts), " ".join(t.en for t in texts)),
        citations=(book.params.informal_cap.citation,), trace=trace,
    )


def _fill(book: RuleBook, template: Text, **amounts: float) -> Text:
    return book.say(template, **{k: Text(format_dkk(v, "da"), format_dkk(v, "en"))
                                 for k, v in amounts.items()})


def counts_towards_cap(book: RuleBook, programme: str) -> Decision:
    """Does spending on ``programme`` count towards the 10 pct. cap? Only informal
    upskilling (municipal courses, in-house teaching, private courses) does."""
    informal = book.programmes["informal"]
    entry = book.programmes.get(programme)
    if entry is None:  # an unlisted course may well be informal: the material can't say
        return Decision(
            rule="counts_towards_cap", verdict="unknown",
            explanation=book.say(UNKNOWN_COUNTS, name=programme),
            citations=(book.params.informal_cap.citation, informal.citations[0]),
            trace={"programme": programme, "counts": None},
        )
    counts = programme == "informal"
    label = entry.label if entry else Text(programme, programme)
    text = book.say(COUNTS if counts else NOT_COUNTS, name=label)
    return Decision(
        rule="counts_towards_cap", verdict="yes" if counts else "no",
        explanation=Text(_sentence(text.da), _sentence(text.en)),
        citations=(book.params.informal_cap.citation, informal.citations[0]),
        trace={"programme": programme, "counts": counts},
    )


def _sentence(text: str) -> str:
    """A sentence that opens with a catalogue label ("uformel opkvalificering …") opens
    with a capital letter."""
    return text[:1].upper() + text[1:]
