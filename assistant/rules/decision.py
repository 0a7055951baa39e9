"""What every rule returns: a Decision with its verdict, conditions, reasons and sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.common.formatting import end_sentence

Verdict = Literal["yes", "no", "conditional", "unknown", "info"]


@dataclass(frozen=True)
class Citation:
    """An exact quote from a passage of the corpus."""

    doc: str
    passage_id: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class Text:
    """A user-facing sentence in both languages."""

    da: str
    en: str

    def get(self, lang: str) -> str:
        return end_sentence(self.en if lang == "en" else self.da)


@dataclass(frozen=True)
class Condition(Text):
    """A condition of a verdict: its sentence in both languages and the id that code keys
    on (``cap``, ``relevance`` …; the catalogue's ids), never the sentence itself."""

    id: str


@dataclass(frozen=True)
class Decision:
    """The outcome of one rule.

    ``verdict`` is ``info`` when the rule states a fact rather than a permission.
    ``conditions`` must all hold for a ``conditional`` verdict. ``trace`` records what was
    matched and computed, so that every number in an answer can be traced to it.
    """

    rule: str
    verdict: Verdict
    explanation: Text
    citations: tuple[Citation, ...]
    conditions: tuple[Condition, ...] = ()
    trace: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, lang: str = "da") -> dict[str, Any]:
        return {
            "rule": self.rule,
            "verdict": self.verdict,
            "explanation": self.explanation.get(lang),
            "conditions": [c.get(lang) for c in self.conditions],
            "citations": [c.passage_id for c in self.citations],
            "quotes": [c.quote for c in self.citations],
            "trace": self.trace,
        }
