"""The legal parameters, read into types, each with a reference that quotes the corpus.

``parameters.yaml`` is in the shape of OpenFisca's parameters: a description, a unit, a
reference and values keyed by the date from which they apply. Code reads a parameter by
name and type (``params.informal_cap.value``, ``params.amounts.at(day)``), never by
dictionary keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml

from assistant.common.errors import PuljeError
from assistant.corpus.passages import Passage
from assistant.rules.decision import Citation

PARAMETERS_FILE = Path(__file__).with_name("parameters.yaml")

T = TypeVar("T")


class ParameterError(PuljeError):
    """A parameter is malformed or cites a passage that is not in the corpus."""


@dataclass(frozen=True)
class Reference:
    """Where a parameter comes from: the document, the exact quote, and its passage."""

    doc: str
    quote: str
    passage_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Period:
    """From ``start`` up to and including ``end``."""

    start: dt.date
    end: dt.date

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class YearSpan:
    """Grant years ``first_year`` to ``last_year``, both included."""

    first_year: int
    last_year: int

    def __contains__(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def __str__(self) -> str:
        """As the fact sheet writes it: ``2023-2025``."""
        return f"{self.first_year}-{self.last_year}"


@dataclass(frozen=True)
class Parameter(Generic[T]):
    """One legal value over time: ``values`` are (from this day, value) in date order; a
    value of None ends the parameter from its day on."""

    name: str
    description: str
    unit: str
    reference: Reference
    values: tuple[tuple[dt.date, T | None], ...]

    def at(self, day: dt.date) -> T | None:
        """The value in force on ``day``; None before the first date or after an end."""
        found: T | None = None
        for since, value in self.values:
            if since > day:
                break
            found = value
        return found

    @property
    def value(self) -> T:
        """The one value the material states; a parameter whose value changes over time
        must be read ``at`` a day."""
        if len(self.values) != 1 or self.values[0][1] is None:
            raise ParameterError(f"Parameteren {self.name!r} skifter værdi over tid; "
                                 "læs den med at(dag).")
        return self.values[0][1]

    @property
    def citation(self) -> Citation:
        ref = self.reference
        return Citation(ref.doc, ref.passage_id, ref.quote, ref.start, ref.end)


@dataclass(frozen=True)
class Parameters:
    """Every parameter of ``parameters.yaml``, each read into its type."""

    amounts: Parameter[int]
    price_level: Parameter[int]
    informal_cap: Parameter[float]
    allocation_rounds: Parameter[tuple[YearSpan, ...]]
    first_round_activity_window: Parameter[Period]
    completion_deadline: Parameter[dt.date]
    grant_year_windows: Parameter[Mapping[int, Period]]
    spending_start: Parameter[dt.date]
    commitments: Parameter[int]
    accounting_periods: Parameter[tuple[Period, ...]]
    content_reporting: Parameter[tuple[str, ...]]
    status_review: Parameter[int]

    def items(self) -> Iterator[tuple[str, Parameter[Any]]]:
        """(name, parameter) in the order of the file's sections."""
        for f in fields(self):
            yield f.name, getattr(self, f.name)


def _period(raw: Mapping[str, Any]) -> Period:
    return Period(_date(raw["start"]), _date(raw["end"]))


def _date(raw: Any) -> dt.date:
    if not isinstance(raw, dt.date):
        raise ParameterError(f"{raw!r} er ikke en dato; skriv den som 2026-07-31.")
    return raw


# How each parameter's values are read (yaml.safe_load gives dates as datetime.date).
_READERS: dict[str, Callable[[Any], Any]] = {
    "amounts": int, "price_level": int, "informal_cap": float,
    "allocation_rounds": lambda raw: tuple(YearSpan(int(r["first_year"]), int(r["last_year"]))
                                           for r in raw),
    "first_round_activity_window": _period,
    "completion_deadline": _date,
    "grant_year_windows": lambda raw: {int(y): _period(w) for y, w in raw.items()},
    "spending_start": _date,
    "commitments": int,
    "accounting_periods": lambda raw: tuple(_period(p) for p in raw),
    "content_reporting": lambda raw: tuple(str(item) for item in raw),
    "status_review": int,
}


def load_parameters(
    texts: Mapping[str, str], passages: list[Passage], path: Path = PARAMETERS_FILE
) -> Parameters:
    """Read ``parameters.yaml``; every quote must occur verbatim in its document.

    ``texts`` maps document ids to their cleaned text; the quote's passage is found by
    offsets, so a rule cites the same passage that retrieval returns.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ParameterError(f"{path} skal være en YAML-mapping af parametre.")
    wanted = [f.name for f in fields(Parameters)]
    unknown, missing = set(raw) - set(wanted), set(wanted) - set(raw)
    if unknown or missing:
        raise ParameterError(f"{path}: ukendte parametre {sorted(unknown)}, manglende "
                             f"{sorted(missing)}; forventet {wanted}.")
    return Parameters(**{name: _parameter(name, raw[name] or {}, texts, passages)
                         for name in wanted})


def stated_value(name: str, path: Path = PARAMETERS_FILE) -> Any:
    """A parameter's latest value, typed, read from the file alone (no corpus, so no quote
    check): for texts fixed before a corpus is loaded, such as the API's description, a
    schema's field or the chat's labels ("the cap of 10 pct.").

    >>> stated_value("informal_cap")
    0.1
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    values = (raw.get(name) or {}).get("values") if isinstance(raw, dict) else None
    if name not in _READERS or not isinstance(values, dict) or not values:
        raise ParameterError(f"{path}: parameteren {name!r} findes ikke eller har ingen værdier.")
    _, latest = max(values.items(), key=lambda kv: _date(kv[0]))
    return _READERS[name](latest)


def _parameter(name: str, entry: Mapping[str, Any], texts: Mapping[str, str],
               passages: list[Passage]) -> Parameter[Any]:
    values = entry.get("values")
    if not isinstance(values, dict) or not values:
        raise ParameterError(f"Parameteren {name!r} skal have værdier efter dato "
                             "(values: {2023-01-01: …}).")
    read = _READERS[name]
    dated = tuple((_date(since), None if value is None else read(value))
                  for since, value in sorted(values.items()))
    return Parameter(name, str(entry.get("description", "")), str(entry.get("unit", "")),
                     _reference(name, entry.get("reference") or {}, texts, passages), dated)


def _reference(name: str, ref: Mapping[str, Any], texts: Mapping[str, str],
               passages: list[Passage]) -> Reference:
    doc, quote = str(ref.get("doc")), str(ref.get("quote") or "")
    if doc not in texts:
        raise ParameterError(f"Parameteren {name!r} henviser til ukendt dokument {doc!r}.")
    start = texts[doc].find(quote) if quote else -1
    if not quote or start < 0:
        raise ParameterError(
            f"Parameteren {name!r}: citatet findes ikke ordret i {doc!r}: {quote!r}"
        )
    end = start + len(quote)
    passage = next(
        (p for p in passages if p.doc_id == doc and p.start <= start and end <= p.end), None
    )
    if passage is None:
        raise ParameterError(
            f"Parameteren {name!r}: citatet ligger ikke inden for én passage i {doc!r}."
        )
    return Reference(doc, quote, passage.id, start, end)
