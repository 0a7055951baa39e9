"""From an ask to rule calls: a lookup by intent, then each rule's inputs from the frame.

Each rule in the registry declares the intents it answers (``Rule.intents``); here each
rule has one small function that reads its typed inputs off the frame, or says that the
frame does not hold them (None), in which case the rule is not called.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace

from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision
from assistant.rules.registry import RULES, run_rule
from assistant.understanding.frame import Ask
from assistant.understanding.gazetteer import Mention
from assistant.understanding.reader import BINDING
from assistant.understanding.values import starts

Inputs = dict[str, object]
LONG_PROGRAMMES = frozenset({"meritpaedagog", "pau", "diplom"})


def _stated(ask: Ask, thing: str) -> bool | None:
    """What the ask says about the conditions binding ``thing``: False when one is unmet,
    True when all are met, None when it leaves any open."""
    binding = BINDING.get(thing, ())
    states = [ask.conditions.get(c) for c in binding]
    if "unmet" in states:
        return False
    if binding and all(s == "met" for s in states):
        return True
    return None


def programme_eligibility(ask: Ask, book: RuleBook) -> Inputs | None:
    thing, words = ask.thing, ask.thing_words
    if ask.intent == "target_group":
        # "Kan vores dagplejere komme på PAU?": who, and a named programme for them.
        named = ask.named("programme")
        if not named:
            return None
        thing, words = named[0].id, named[0].words
    if not thing:
        return None
    inputs: Inputs = {"programme": thing, "named_as": words}
    # Admission and relevance bind every programme, conditional or not.
    for general in ("admission", "relevance"):
        if ask.conditions.get(general) == "unmet" and thing not in ("master",):
            return inputs | {"conditions_met": False, "unmet": general}
    entry = book.programmes.get(thing)
    if entry is not None and entry.verdict == "conditional":
        stated = _stated(ask, thing)
        if stated is not None:
            inputs["conditions_met"] = stated
        if thing == "pau" and ask.values.experience_years is not None:
            inputs["experience_years"] = ask.values.experience_years
    return inputs


def covered_cost(ask: Ask, book: RuleBook) -> Inputs | None:
    if ask.intent != "cost_coverage" or not ask.thing:
        return None
    inputs: Inputs = {"cost": ask.thing, "named_as": ask.thing_words}
    entry = book.costs.get(ask.thing)
    if entry is not None and entry.verdict == "conditional":
        stated = _stated(ask, ask.thing)
        if stated is not None:
            inputs["conditions_met"] = stated
    return inputs


def informal_cap(ask: Ask, book: RuleBook) -> Inputs | None:
    v = ask.values
    if not v.amounts:
        return {}
    grant = max(v.amounts)
    inputs: Inputs = {"grant_dkk": grant}
    planned = [a for a in v.informal_amounts if a != grant]
    if not planned and v.planned_share is not None:
        planned = [round(grant * v.planned_share / 100, 2)]
    if not planned and v.all_of_grant:
        planned = [grant]
    if not planned and len(v.amounts) == 2:
        planned = [min(v.amounts)]  # "bruge 100.000 af vores 1,2 mio. på private kurser"
    if planned:
        inputs["planned_informal_dkk"] = sum(planned)
    return inputs


def counts_towards_cap(ask: Ask, book: RuleBook) -> Inputs | None:
    return {"programme": ask.thing} if ask.thing else None


def target_group(ask: Ask, book: RuleBook) -> Inputs | None:
    outside = ask.named("outside")
    if ask.intent != "target_group":
        # Funding for someone outside daycare ("en pædagog i SFO'en"): who decides first.
        if outside:
            return {"outside": outside[0].words}
        # "Kan puljen bruges til nye ufaglærte medhjælpere?": no programme, but who.
        roles = [m.id for m in ask.named("role")]
        if ask.intent == "programme_funding" and not ask.thing and roles:
            return {"roles": roles, "private": bool(ask.named("private"))}
        return None
    if outside:
        return {"outside": outside[0].words}
    roles = [m.id for m in ask.named("role")]
    if not roles and ask.thing not in (None, "private"):
        roles = [ask.thing]
    private = bool(ask.named("private")) or ask.thing == "private"
    return {"roles": roles, "private": private}


def content_reporting(ask: Ask, book: RuleBook) -> Inputs | None:
    inputs: Inputs = {}
    if ask.form in ("yn", "claim") and ask.thing in ("count", "split", "days"):
        inputs["item"] = ask.thing
        kinds = {m.id for m in ask.named("programme")}
        if kinds:
            inputs["group"] = "long" if kinds <= {"pau", "meritpaedagog"} else "other"
    return inputs


def payments(ask: Ask, book: RuleBook) -> Inputs | None:
    if ask.form in ("yn", "claim") and ask.thing in ("annual", "advance"):
        return {"asked": ask.thing}
    return {}


def allocation(ask: Ask, book: RuleBook) -> Inputs | None:
    asked = ask.thing or "distribution"
    return {"asked": asked, "yes_no": ask.form in ("yn", "claim")}


def status_review(ask: Ask, book: RuleBook) -> Inputs | None:
    inputs: Inputs = {"outcome_asked": ask.thing == "outcome"}
    if ask.thing == "change" and ask.form in ("yn", "claim"):
        inputs["change_asked"] = True
    return inputs


def activity_start(ask: Ask, book: RuleBook) -> Inputs | None:
    start = ask.values.start
    if start is None:
        return None
    if ask.intent == "activity_start" or starts(ask.text):
        return {"start": start.isoformat()}
    return None


def first_round_open(ask: Ask, book: RuleBook) -> Inputs | None:
    return {} if ask.values.start is None else None


def completion_deadline(ask: Ask, book: RuleBook) -> Inputs | None:
    v = ask.values
    if v.duration_years is not None and (ask.intent == "completion_deadline"
                                         or ask.thing in LONG_PROGRAMMES):
        return {"start": v.start.isoformat() if v.start else None, "years": v.duration_years}
    if ask.intent != "completion_deadline":
        if v.end is not None:
            return {"end": v.end.isoformat()}  # "… og forventes først færdigt i 2030"
        if ask.thing in LONG_PROGRAMMES and v.start is not None and starts(ask.text):
            return {}  # a long programme must also finish in time
        return None
    return {"end": v.end.isoformat()} if v.end else {}


def accounting_periods(ask: Ask, book: RuleBook) -> Inputs | None:
    return {"deadline_asked": True} if ask.thing == "deadline" else {}


def grant_year_window(ask: Ask, book: RuleBook) -> Inputs | None:
    year = ask.values.grant_year or next(
        (y for y in ask.values.years if 2023 <= y <= 2030), None)
    if year is None and ask.values.start is not None:
        return None  # a start date: activity_start says which grant year it belongs to
    return {"year": year} if year is not None else None


def pool_amounts(ask: Ask, book: RuleBook) -> Inputs | None:
    span = sorted(set(ask.values.years))
    inputs: Inputs = {"first": span[0], "last": span[-1]} if span else {}
    if ask.thing == "certainty" and ask.form in ("yn", "claim"):
        inputs["certainty_asked"] = True
    return inputs


def _none(ask: Ask, book: RuleBook) -> Inputs | None:
    return {}


BUILDERS: dict[str, Callable[[Ask, RuleBook], Inputs | None]] = {
    "programme_eligibility": programme_eligibility, "covered_cost": covered_cost,
    "informal_cap": informal_cap, "counts_towards_cap": counts_towards_cap,
    "credit_transfer": _none, "target_group": target_group,
    "content_reporting": content_reporting, "payments": payments, "allocation": allocation,
    "status_review": status_review, "activity_start": activity_start,
    "first_round_open": first_round_open, "completion_deadline": completion_deadline,
    "accounting_periods": accounting_periods, "spending_start": _none,
    "grant_year_window": grant_year_window, "pool_amounts": pool_amounts,
}


def calls_for(ask: Ask, book: RuleBook) -> list[tuple[str, Inputs]]:
    """The rule calls an ask makes: every rule declaring its intent whose inputs the
    frame holds; the rule named first for the intent comes first."""
    calls = []
    for rule in RULES.values():
        if ask.intent not in rule.intents:
            continue
        inputs = BUILDERS[rule.name](ask, book)
        if inputs is not None:
            primary = rule.intents[0] == ask.intent
            calls.append((0 if primary else 1, rule.name, inputs))
    return [(name, inputs) for _, name, inputs in sorted(calls, key=lambda c: c[0])]


def premise_calls(ask: Ask, book: RuleBook) -> list[tuple[str, Inputs]]:
    """The rules that judge what the question's premise presumes about a programme or a
    cost it names ("Da masteruddannelser nu er tilladt, …"): eligibility of that thing."""
    return named_calls(ask.premise_mentions)


def named_calls(mentions: Sequence[Mention]) -> list[tuple[str, Inputs]]:
    """The eligibility of each programme or cost named: for a premise, and for the other
    things a plan line names (a fee for an excluded programme is not payable either)."""
    calls: list[tuple[str, Inputs]] = []
    for m in mentions:
        if m.kind == "programme":
            calls.append(("programme_eligibility", {"programme": m.id, "named_as": m.words}))
        elif m.kind == "cost":
            calls.append(("covered_cost", {"cost": m.id, "named_as": m.words}))
    return calls


def decide(ask: Ask, book: RuleBook, as_of: dt.date) -> list[Decision]:
    """The decisions of the rules the ask calls (none for a documentary ask)."""
    if not ask.for_rules:
        return []
    return [run_rule(book, name, inputs, as_of) for name, inputs in calls_for(ask, book)]


def decide_planned(ask: Ask, book: RuleBook, as_of: dt.date) -> list[Decision]:
    """The decisions for a line of a spending plan, framed as an ask about the programme or
    cost it pays for: what the chat decides for "Kan vi finansiere X?" and, for a
    programme, what it decides for "Kan vi starte X?" on the same day. A plan starts what it
    lists, on the day it is checked unless the line names a start date ("fra 1. marts
    2026"): so the first round's window and the completion date judge it as in the chat."""
    if not ask.for_rules:
        return []
    calls = calls_for(ask, book)
    if ask.thing in book.programmes:
        named = {name for name, _ in calls}
        calls += [c for c in calls_for(replace(ask, intent="activity_start"), book)
                  if c[0] not in named]
    return [run_rule(book, name, inputs, as_of) for name, inputs in calls]
