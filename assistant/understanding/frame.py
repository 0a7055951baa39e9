"""The typed result of reading a question: one or more asks, each a frame.

Every later step (choosing the rules, composing the answer, abstaining) reads these
objects, never the raw question again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.understanding.gazetteer import Mention
from assistant.understanding.model import Label, Nearest
from assistant.understanding.values import Values

RULE_INTENTS_EXCLUDED = frozenset({"copenhagen", "foa", "background", "overview",
                                   "out_of_scope"})


@dataclass(frozen=True)
class Ask:
    """One thing the message asks: what about (intent, thing), in which form, with which
    values and stated conditions."""

    text: str  # the asking sentence with the context sentences before it
    intent: str
    confidence: float
    alternatives: tuple[Label, ...]
    form: str  # yn | open | claim | either
    negated: bool
    thing: str | None = None
    thing_words: str = ""
    thing_confidence: float = 0.0
    conditions: dict[str, str] = field(default_factory=dict)  # name -> met | unmet
    values: Values = field(default_factory=Values)
    mentions: tuple[Mention, ...] = ()
    nearest: tuple[Nearest, ...] = ()
    premise: str = ""  # a premise clause the question opens with ("Da X er tilladt, …")
    premise_mentions: tuple[Mention, ...] = ()

    @property
    def for_rules(self) -> bool:
        return self.intent not in RULE_INTENTS_EXCLUDED

    def named(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        v = self.values
        return {
            "text": self.text, "intent": self.intent, "confidence": round(self.confidence, 3),
            "alternatives": [[a.value, round(a.prob, 3)] for a in self.alternatives],
            "form": self.form, "negated": self.negated, "thing": self.thing,
            "thing_words": self.thing_words,
            "thing_confidence": round(self.thing_confidence, 3),
            "conditions": self.conditions,
            "values": {k: val for k, val in {
                "amounts": list(v.amounts), "informal_amounts": list(v.informal_amounts),
                "start": v.start.isoformat() if v.start else None,
                "end": v.end.isoformat() if v.end else None, "years": list(v.years),
                "grant_year": v.grant_year, "duration_years": v.duration_years,
                "experience_years": v.experience_years}.items() if val not in (None, [])},
            "mentions": [[m.kind, m.id, m.words] for m in self.mentions],
            "premise": self.premise,
            "nearest": [[n.text, n.intent, round(n.score, 3)] for n in self.nearest],
        }


@dataclass(frozen=True)
class Understanding:
    """A whole message: its asks in the order asked, and any topic outside the material."""

    question: str
    asks: tuple[Ask, ...]
    scope_topic: str | None = None

    @property
    def first(self) -> Ask:
        return self.asks[0]

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "scope_topic": self.scope_topic,
                "asks": [a.to_dict() for a in self.asks]}
