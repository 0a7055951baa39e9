"""Which programmes the pool may fund (fact sheet, "Omfattede opkvalificeringsforløb")."""

from __future__ import annotations

from assistant.common.calendar_words import number_word
from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision, Text
from assistant.rules.explanations import (
    CREDIT,
    EXPERIENCE_SHORT,
    PROGRAMME_UNKNOWN,
    UNMET_REQUIREMENT,
)


def programme_eligibility(book: RuleBook, programme: str, named_as: str = "",
                          conditions_met: bool | None = None, unmet: str | None = None,
                          experience_years: float | None = None) -> Decision:
    """Can the pool fund ``programme`` (a catalogue id; anything else is not listed)?

    Master's degrees are excluded; PAU, AMU, AVU, university-college courses,
    diploma/academy and informal upskilling carry conditions (relevance among them).
    ``conditions_met`` says what the question states about them: True turns a conditional
    verdict into yes, False into no; None (not stated) leaves it conditional. ``unmet``
    names a requirement every programme has that the question says is not met
    (``admission``, ``relevance``): then even a listed programme is a no.
    ``experience_years`` is the work experience the question states (traced).
    """
    entry = book.programmes.get(programme)
    if entry is None:
        name = named_as or programme
        return Decision(
            rule="programme_eligibility", verdict="unknown",
            explanation=book.say(PROGRAMME_UNKNOWN, name=name),
            citations=(book.quote("listed_programmes_quote"),),
            trace={"programme": programme, "named_as": named_as, "listed": False},
        )
    _, relevance_cite = book.relevance
    # The relevance requirement applies to every formal and informal course; the
    # catalogue states it as a condition where it is the deciding one, and then cites it.
    citations = entry.citations
    if any(c.id == "relevance" for c in entry.conditions):
        citations = (*citations, relevance_cite)
    conditions = entry.conditions
    verdict = entry.verdict
    explanation = entry.explanation
    if unmet in ("admission", "relevance") and verdict != "no":
        text, cite = book.admission if unmet == "admission" else book.relevance
        if text not in conditions:
            conditions = (text, *conditions)
        if cite not in citations:
            citations = (*citations, cite)
        verdict = "no"
        req = book.requirement(unmet)
        explanation = Text(
            UNMET_REQUIREMENT.da.format(explanation=explanation.da, requirement=req.da),
            UNMET_REQUIREMENT.en.format(explanation=explanation.en, requirement=req.en))
    elif verdict == "conditional" and conditions_met is not None:
        verdict = "yes" if conditions_met else "no"
        if (not conditions_met and experience_years is not None
                and entry.min_experience_years is not None
                and experience_years < entry.min_experience_years):
            years = int(entry.min_experience_years)
            explanation = book.say(EXPERIENCE_SHORT, explanation=explanation,
                                   years=Text(number_word(years, "da"), number_word(years, "en")))
    return Decision(
        rule="programme_eligibility", verdict=verdict, explanation=explanation,
        citations=citations, conditions=conditions,
        trace={"programme": programme, "named_as": named_as, "listed": True,
               "conditions_met": conditions_met, "unmet": unmet,
               "experience_years": experience_years},
    )


_CREDIT_QUOTES = (
    "Det bemærkes, at den formelle voksen- og efteruddannelse ikke består af forløb, der er "
    "direkte kompetencegivende eller meritgivende til PAU eller meritpædagoguddannelsen.",
    "Det skyldes, at meritgivningen/godskrivningen af kurserne beror på en konkret individuel "
    "vurdering, som først foretages af uddannelsesinstitutionen undervejs på uddannelsen, eller "
    "når eleven/ den studerende søger om optagelse.",
)


def credit_transfer(book: RuleBook) -> Decision:
    """Do courses paid by the pool give credit towards PAU or meritpædagog by themselves?
    No: credit is an individual assessment by the institution."""
    return Decision(rule="credit_transfer", verdict="no", explanation=CREDIT,
                    citations=tuple(book.cite(q) for q in _CREDIT_QUOTES),
                    trace={"automatic_credit": False})
