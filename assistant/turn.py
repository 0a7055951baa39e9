"""What one question carries through the answer's steps, and how an ask's route is told.

``Turn`` is the state the service's steps read and write (each field names the step that
writes it); ``AskTurn`` is one ask of the message on its way, ``Part`` the answer to it.
The predicates here are the two routes of ``service.ROUTES`` that need more than a field:
the overview and out of scope. The order of the routes, the policy, stays in the service.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from assistant.answering.composition import Answer, AnswerVerdict, Citations, Route, StopReason
from assistant.answering.selection import Candidate, Query, Selection
from assistant.rules.decision import Decision
from assistant.understanding import Ask, Understanding
from assistant.understanding.scope import INTERNALS

Message = Mapping[str, str]

# The learned out-of-scope class, read first with at least this probability, abstains
# when no rule answers and no source is named; otherwise the retrieved sentences and the
# calibrated similarity threshold decide.
OUT_OF_SCOPE_CONFIDENCE = 0.25
# The overview intent, read first with at least this probability, is answered from the
# catalogue and the parameters.
OVERVIEW_CONFIDENCE = 0.35


@dataclass(frozen=True)
class Part:
    """The answer to one ask of a message."""

    text: str
    verdict: AnswerVerdict
    decisions: list[Decision]


@dataclass
class AskTurn:
    """One ask of the message on its way: what the rules decide, its route, its sentences."""

    ask: Ask
    topic: str | None = None  # a topic outside the material that the ask names
    names_source: bool = False  # it names a source that is not the rules (FOA, København)
    decisions: list[Decision] = field(default_factory=list)
    refuted: list[Decision] = field(default_factory=list)  # the premises the rules deny
    route: Route = "documents"
    query: Query | None = None  # retrieve's, for the documents' asks
    candidates: list[Candidate] = field(default_factory=list)
    selection: Selection = field(default_factory=lambda: Selection([], []))


def is_overview(a: AskTurn) -> bool:
    """An ask for the whole picture: read as such, or read as about programmes or costs
    in general (no rule decided it, nothing named) with the overview close behind."""
    ask = a.ask
    if a.names_source or ask.mentions:
        return False
    if ask.intent == "overview":
        return ask.confidence >= OVERVIEW_CONFIDENCE
    runner_up = dict((alt.value, alt.prob) for alt in ask.alternatives[:2])
    return ask.intent in ("programme_funding", "cost_coverage") and ask.form == "open" \
        and runner_up.get("overview", 0.0) >= OVERVIEW_CONFIDENCE / 2


def is_outside(a: AskTurn) -> bool:
    """Outside the material: read as out of scope, or naming a topic it does not cover,
    and naming no source that would speak to it."""
    ask = a.ask
    return not a.names_source and (
        (ask.intent == "out_of_scope" and ask.confidence >= OUT_OF_SCOPE_CONFIDENCE)
        or a.topic not in (None, INTERNALS))


@dataclass
class Turn:
    """One question on its way through the steps: what each step writes for the next."""

    question: str
    history: Sequence[Message]
    as_of: dt.date
    asked_lang: str | None
    use_llm: bool
    started: float = field(default_factory=time.perf_counter)
    text: str = ""  # clean
    lang: str = ""  # language
    resolved: str = ""  # resolve
    understanding: Understanding | None = None  # understand
    asks: list[AskTurn] = field(default_factory=list)  # decide, retrieve, select
    parts: list[Part] = field(default_factory=list)  # compose
    citations: Citations | None = None  # compose
    answer: Answer | None = None  # compose, check
    steps: dict[str, float] = field(default_factory=dict)  # each step's ms, in order
    stopped: StopReason | None = None  # the step that ended the run says why

    def timings(self) -> dict[str, float]:
        """The answer's timings as the API has always given them, from the steps'."""
        s = self.steps
        out = {"resolve_ms": round(s["clean"] + s["language"] + s["resolve"], 2),
               "understand_ms": s["understand"], "rules_ms": s["decide"]}
        if any(a.query is not None for a in self.asks):
            out["retrieval_ms"] = round(s["retrieve"] + s["select"], 2)
        if "check" in s:
            out["llm_ms"] = s["check"]
        out["total_ms"] = elapsed_ms(self.started)
        return out


def elapsed_ms(since: float) -> float:
    """Milliseconds since a ``time.perf_counter()`` reading, to two decimals."""
    return round((time.perf_counter() - since) * 1000, 2)
