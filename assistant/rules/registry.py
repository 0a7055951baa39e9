"""Every rule by name, with a uniform way to call it from data (YAML cases, the API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from assistant.rules import (
    accounts,
    allocation,
    amounts,
    cap,
    costs,
    deadlines,
    eligibility,
    reporting,
    target_group,
)
from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision
from assistant.rules.money import parse_amount


@dataclass(frozen=True)
class Rule:
    """A rule function, the inputs it takes and the intents it answers (the first is the
    one it answers above all; the others it answers when the question holds its inputs,
    e.g. a start date in a question about a programme)."""

    name: str
    func: Callable[..., Decision]
    inputs: tuple[str, ...]
    intents: tuple[str, ...] = ()
    uses_as_of: bool = False

    @property
    def doc(self) -> str:
        """The first paragraph of the rule's docstring, on one line."""
        return " ".join((self.func.__doc__ or "").strip().split("\n\n")[0].split())


RULES: dict[str, Rule] = {r.name: r for r in (
    Rule("programme_eligibility", eligibility.programme_eligibility,
         ("programme", "named_as", "conditions_met", "unmet", "experience_years"),
         ("programme_funding", "target_group")),
    Rule("counts_towards_cap", cap.counts_towards_cap, ("programme",), ("counts_towards_cap",)),
    Rule("credit_transfer", eligibility.credit_transfer, (), ("credit_transfer",)),
    Rule("informal_cap", cap.informal_cap, ("grant_dkk", "planned_informal_dkk"),
         ("informal_cap",)),
    Rule("covered_cost", costs.covered_cost, ("cost", "named_as", "conditions_met"),
         ("cost_coverage",)),
    Rule("target_group", target_group.target_group, ("roles", "private", "outside"),
         ("target_group", "programme_funding", "cost_coverage")),
    Rule("content_reporting", reporting.content_reporting, ("item", "group"),
         ("content_reporting",)),
    Rule("payments", accounts.payments, ("asked",), ("payments",)),
    Rule("allocation", allocation.allocation, ("asked", "yes_no"), ("allocation",)),
    Rule("status_review", reporting.status_review, ("outcome_asked", "change_asked"),
         ("status_review",)),
    Rule("activity_start", deadlines.activity_start, ("start",),
         ("activity_start", "first_round_open", "programme_funding", "grant_year_window")),
    Rule("first_round_open", deadlines.first_round_open, (), ("first_round_open", "activity_start"),
         uses_as_of=True),
    Rule("completion_deadline", deadlines.completion_deadline, ("end", "start", "years"),
         ("completion_deadline", "programme_funding", "activity_start"), uses_as_of=True),
    Rule("accounting_periods", accounts.accounting_periods, ("deadline_asked",),
         ("accounting_periods",), uses_as_of=True),
    Rule("spending_start", deadlines.spending_start, (), ("spending_start",)),
    Rule("grant_year_window", deadlines.grant_year_window, ("year",), ("grant_year_window",)),
    Rule("pool_amounts", amounts.pool_amounts, ("first", "last", "certainty_asked"),
         ("pool_amounts",)),
)}


def _coerce(name: str, value: Any) -> Any:
    if name in ("grant_dkk", "planned_informal_dkk") and isinstance(value, str):
        return parse_amount(value)
    if name in ("start", "end") and isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    if name == "roles" and isinstance(value, list):
        return tuple(value)
    return value


def run_rule(book: RuleBook, name: str, inputs: Mapping[str, Any],
             as_of: dt.date | None = None) -> Decision:
    """Call a rule by name with keyword inputs (amounts may be text: "2,4 mio.")."""
    rule = RULES[name]
    unknown = set(inputs) - set(rule.inputs)
    if unknown:
        raise TypeError(f"Reglen {name} kender ikke input {sorted(unknown)}; "
                        f"den tager {list(rule.inputs)}.")
    kwargs = {k: _coerce(k, v) for k, v in inputs.items()}
    if rule.uses_as_of:
        kwargs["as_of"] = as_of or dt.date.today()
    return rule.func(book, **kwargs)
