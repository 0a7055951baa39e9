"""Which costs the grant may cover (fact sheet, "Anvendelse af midlerne")."""

from __future__ import annotations

from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision, Text
from assistant.rules.explanations import COST_UNKNOWN


def covered_cost(book: RuleBook, cost: str, named_as: str = "",
                 conditions_met: bool | None = None) -> Decision:
    """May the grant cover ``cost`` (a catalogue id; anything else is not listed)?

    Wages and substitutes only within the collective agreements and against a solemn
    declaration (tro- og loveerklæring) with the accounts. ``conditions_met`` is what
    the question states about those conditions (None: not stated).
    """
    entry = book.costs.get(cost)
    if entry is None:
        name = named_as or cost
        return Decision(
            rule="covered_cost", verdict="unknown",
            explanation=Text(COST_UNKNOWN.da.format(name=name), COST_UNKNOWN.en.format(name=name)),
            citations=(book.quote("listed_costs_quote"),),
            trace={"cost": cost, "named_as": named_as, "listed": False},
        )
    verdict = entry.verdict
    if verdict == "conditional" and conditions_met is not None:
        verdict = "yes" if conditions_met else "no"
    return Decision(
        rule="covered_cost", verdict=verdict, explanation=entry.explanation,
        citations=entry.citations, conditions=entry.conditions,
        trace={"cost": cost, "named_as": named_as, "listed": True,
               "conditions_met": conditions_met},
    )
