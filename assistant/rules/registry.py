"""Every rule by name, with a uniform way to call it from data (YAML cases, the API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from assistant.rules import (
    allocation,
    amounts,
    cap,
    costs,
    dates,
    eligibility,
    target_group,
)
from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision
from assistant.rules.money import parse_amount


@dataclass(frozen=True)
class Rule:
    name: str
    func: Callable[..., Decision]
    inputs: tuple[str, ...]
    uses_as_of: bool = False

    @property
    def doc(self) -> str:
        """The first paragraph of the rule's docstring, on one line."""
        return " ".join((self.func.__doc__ or "").strip().split("\n\n")[0].split())


RULES: dict[str, Rule] = {r.name: r for r in (
    Rule("programme_eligibility", eligibility.programme_eligibility,
         ("programme", "named_as", "conditions_met", "unmet", "experience_years")),
    Rule("counts_towards_cap", cap.counts_towards_cap, ("programme",)),
    Rule("credit_transfer", eligibility.credit_transfer, ()),
    Rule("informal_cap", cap.informal_cap, ("grant_dkk", "planned_informal_dkk")),
    Rule("covered_cost", costs.covered_cost, ("cost", "named_as", "conditions_met")),
    Rule("target_group", target_group.target_group, ("roles", "private", "outside")),
    Rule("content_reporting", dates.content_reporting, ("item", "group")),
    Rule("payments", dates.payments, ("asked",)),
    Rule("allocation", allocation.allocation, ("asked", "yes_no")),
    Rule("status_review", dates.status_review, ("outcome_asked", "change_asked")),
    Rule("activity_start", dates.activity_start, ("start",)),
    Rule("first_round_open", dates.first_round_open, (), uses_as_of=True),
    Rule("completion_deadline", dates.completion_deadline, ("end", "start", "years"),
         uses_as_of=True),
    Rule("accounting_periods", dates.accounting_periods, ("deadline_asked",), uses_as_of=True),
    Rule("spending_start", dates.spending_start, ()),
    Rule("grant_year_window", dates.grant_year_window, ("year",)),
    Rule("pool_amounts", amounts.pool_amounts, ("first", "last", "certainty_asked")),
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
