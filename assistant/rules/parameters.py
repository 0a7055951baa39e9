"""Loading of the legal parameters, with a check that every reference quotes the corpus."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.common.errors import PuljeError
from assistant.corpus.passages import Passage

PARAMETERS_FILE = Path(__file__).with_name("parameters.yaml")


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
class Parameter:
    name: str
    description: str
    data: Mapping[str, Any]
    reference: Reference


def load_parameters(
    texts: Mapping[str, str], passages: list[Passage], path: Path = PARAMETERS_FILE
) -> dict[str, Parameter]:
    """Read ``parameters.yaml``; every quote must occur verbatim in its document.

    ``texts`` maps document ids to their cleaned text; the quote's passage is found by
    offsets, so a rule cites the same passage that retrieval returns.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ParameterError(f"{path} skal være en YAML-mapping af parametre.")
    out = {}
    for name, entry in raw.items():
        ref = (entry or {}).get("reference") or {}
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
        data = {k: v for k, v in entry.items() if k not in ("reference", "description")}
        out[name] = Parameter(name, str(entry.get("description", "")), data,
                              Reference(doc, quote, passage.id, start, end))
    return out
