"""The rule book: parameters and catalogue loaded once, every quote resolved to a citation."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from assistant.common.formatting import format_pct
from assistant.corpus.documents import Document
from assistant.corpus.passages import Passage
from assistant.rules.decision import Citation, Condition, Text, Verdict
from assistant.rules.explanations import fill
from assistant.rules.parameters import (
    PARAMETERS_FILE,
    ParameterError,
    Parameters,
    load_parameters,
)

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")
RULES_DOC = "faktaark"


@dataclass(frozen=True)
class Entry:
    """A programme or cost kind from the catalogue."""

    id: str
    label: Text
    names: tuple[re.Pattern[str], ...]
    verdict: Verdict
    explanation: Text
    conditions: tuple[Condition, ...]
    citations: tuple[Citation, ...]
    min_experience_years: float | None = None  # work experience the programme requires

    def matches(self, text: str) -> bool:
        return any(p.search(text) for p in self.names)


@cache
def catalogue_ids(catalogue: Path = CATALOGUE_FILE) -> tuple[str, ...]:
    """The ids of the catalogue's programmes and costs, programmes first, each once: the
    categories a plan line may name. Read from the file alone (no corpus needed), so that
    a schema can list them."""
    raw = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
    return tuple(dict.fromkeys(e["id"] for e in [*raw["programmes"], *raw["costs"]]))


def catalogue_choices(catalogue: Path = CATALOGUE_FILE) -> dict[str, dict[str, str]]:
    """Each plan category's short name for a list to choose from ({"da": …, "en": …}), in
    the order of ``catalogue_ids``: an entry's ``short``, read from the file alone."""
    raw = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
    shorts: dict[str, dict[str, str]] = {}
    for entry in [*raw["programmes"], *raw["costs"]]:
        if "short" in entry:
            shorts.setdefault(entry["id"], dict(entry["short"]))
    missing = [cid for cid in catalogue_ids(catalogue) if cid not in shorts]
    if missing:
        raise ValueError(f"{catalogue}: ingen short-navn for {missing}")
    return {cid: shorts[cid] for cid in catalogue_ids(catalogue)}


def compile_names(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(rf"(?<!\w)(?:{p})(?!\w)", re.IGNORECASE) for p in patterns)


class RuleBook:
    """Everything the rules need, with each quote checked against the corpus."""

    def __init__(self, documents: Mapping[str, Document], passages: list[Passage],
                 catalogue: Path = CATALOGUE_FILE, parameters: Path = PARAMETERS_FILE) -> None:
        self._documents = dict(documents)
        self._texts = {d: doc.text for d, doc in documents.items()}
        self._passages = passages
        self.params: Parameters = load_parameters(self._texts, passages, parameters)
        self._raw: dict[str, Any] = yaml.safe_load(catalogue.read_text(encoding="utf-8"))

    def cite(self, quote: str, doc: str = RULES_DOC) -> Citation:
        """The citation of an exact quote; ParameterError if it is not in the corpus."""
        text = self._texts.get(doc, "")
        start = text.find(quote)
        if not quote or start < 0:
            raise ParameterError(f"Citatet findes ikke ordret i {doc!r}: {quote!r}")
        end = start + len(quote)
        passage = next((p for p in self._passages
                        if p.doc_id == doc and p.start <= start and end <= p.end), None)
        if passage is None:
            raise ParameterError(f"Citatet ligger ikke inden for én passage i {doc!r}: {quote!r}")
        return Citation(doc, passage.id, quote, start, end)

    @cached_property
    def facts(self) -> dict[str, dt.date | Text | str | int]:
        """The parameters' values that sentences state, by the name they use for them
        (``{window_end}`` in a template of ``explanations`` is the window's last day)."""
        p = self.params
        first, second = p.allocation_rounds.value[0], p.allocation_rounds.value[1]
        years = self.amounts_per_year
        share = p.informal_cap.value
        window = p.first_round_activity_window.value
        return {
            "cap": Text(format_pct(share, "da"), format_pct(share, "en")),
            "window_start": window.start, "window_end": window.end,
            "completion": p.completion_deadline.value,
            "spending_start": p.spending_start.value,
            "first_round": str(first), "second_round": str(second),
            "second_round_start": second.first_year,
            "grant_years": f"{first.first_year}-{p.allocation_rounds.value[-1].last_year}",
            "amount_years": f"{min(years)}-{max(years)}",
            "price_level": p.price_level.value,
            "commitments_year": p.commitments.value,
            "status_year": p.status_review.value,
        }

    @cached_property
    def amounts_per_year(self) -> dict[int, int]:
        """Each grant year's amount, from the first dated amount to the last (an amount
        applies from 1 January of its year)."""
        amounts = self.params.amounts
        first, last = amounts.values[0][0].year, amounts.values[-1][0].year
        return {y: v for y in range(first, last + 1)
                if (v := amounts.at(dt.date(y, 1, 1))) is not None}

    def say(self, template: Text, **values: dt.date | Text | str | int) -> Text:
        """The template with the facts it names and ``values`` filled in."""
        return fill(template, **self.facts, **values)

    def _entries(self, section: str) -> dict[str, Entry]:
        out = {}
        for raw in self._raw[section]:
            out[raw["id"]] = Entry(
                id=raw["id"],
                label=Text(**raw["label"]),
                names=compile_names(raw["names"]),
                verdict=raw["verdict"],
                explanation=self.say(Text(**raw["explanation"])),
                conditions=tuple(self._condition(c) for c in raw.get("conditions", [])),
                citations=tuple(self.cite(q) for q in raw["quotes"]),
                min_experience_years=raw.get("min_experience_years"),
            )
        return out

    def _condition(self, raw: Mapping[str, str]) -> Condition:
        text = self.say(Text(raw["da"], raw["en"]))
        return Condition(text.da, text.en, raw["id"])

    @cached_property
    def programmes(self) -> dict[str, Entry]:
        return self._entries("programmes")

    @cached_property
    def costs(self) -> dict[str, Entry]:
        return self._entries("costs")

    @cached_property
    def relevance(self) -> tuple[Condition, Citation]:
        raw = self._raw["relevance"]
        return Condition(raw["da"], raw["en"], "relevance"), self.cite(raw["quote"])

    def quote(self, key: str) -> Citation:
        """A citation named at the top level of the catalogue (``listed_costs_quote`` …)."""
        return self.cite(self._raw[key])

    def requirement(self, key: str) -> Text:
        """The requirement every programme has (``admission``, ``relevance``) as a clause."""
        return Text(**self._raw[key]["requirement"])

    @cached_property
    def admission(self) -> tuple[Condition, Citation]:
        raw = self._raw["admission"]
        return Condition(raw["da"], raw["en"], "admission"), self.cite(raw["quote"])

    @cached_property
    def aliases_by_source(self) -> dict[str, tuple[re.Pattern[str], ...]]:
        """Per document that is not the rules (FOA, København), the names that a question
        uses for it."""
        return {d: compile_names([re.escape(a) for a in doc.meta.aliases])
                for d, doc in self._documents.items()
                if doc.meta.authority not in ("rules", "official") and doc.meta.aliases}

    @cached_property
    def source_aliases(self) -> tuple[re.Pattern[str], ...]:
        """Names of sources that are not the rules (FOA, København): a question about what
        they do or think is not a question for the rules."""
        return tuple(p for patterns in self.aliases_by_source.values() for p in patterns)

    @cached_property
    def roles(self) -> dict[str, tuple[re.Pattern[str], ...]]:
        return {k: compile_names(v) for k, v in self._raw["roles"]["names"].items()}

    @cached_property
    def themes(self) -> dict[str, tuple[re.Pattern[str], ...]]:
        """The themes the fact sheet names as relevant, by id, with the names for each."""
        return {t["id"]: compile_names(t["names"]) for t in self._raw.get("themes", [])}

    @cached_property
    def outside_names(self) -> tuple[re.Pattern[str], ...]:
        """Staff outside daycare (schools, clubs, administration): not the target group."""
        return compile_names(self._raw["roles"]["outside_names"])

    @cached_property
    def private_names(self) -> tuple[re.Pattern[str], ...]:
        return compile_names(self._raw["roles"]["private_names"])

    def role_quote(self, key: str) -> Citation:
        return self.cite(self._raw["roles"][key])

    def validate(self) -> None:
        """Resolve every quote now (loading is lazy), so that a bad quote fails at start-up."""
        _ = self.programmes, self.costs, self.relevance, self.admission, self.roles
        for key in ("listed_programmes_quote", "listed_costs_quote"):
            self.quote(key)
        for key in ("quote", "target_quote", "private_quote"):
            self.role_quote(key)
