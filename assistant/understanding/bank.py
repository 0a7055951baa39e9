"""The example bank: intents with their descriptions and rules, and labelled questions.

Data, not code: ``intents.yaml`` lists what a question can ask about, and
``examples/<intent>.yaml`` holds the questions people wrote for each, labelled with the
form of the question, its polarity, the thing asked about and the conditions it settles.
A maintainer fixes a misunderstanding by adding an example here and retraining.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

HERE = Path(__file__).parent
INTENTS_FILE = HERE / "intents.yaml"
EXAMPLES_DIR = HERE / "examples"

Form = Literal["yn", "open", "claim", "either"]
FORMS: tuple[Form, ...] = ("yn", "open", "claim", "either")
State = Literal["met", "unmet"]


class BankError(ValueError):
    """An example or intent that does not fit the bank's labels (names the file and item)."""


@dataclass(frozen=True)
class Intent:
    id: str
    description: dict[str, str]
    rules: tuple[str, ...] = ()
    things: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Example:
    intent: str
    text: str
    lang: str
    form: Form
    neg: bool
    writer: str
    thing: str | None = None
    cond: dict[str, State] = field(default_factory=dict)


@dataclass(frozen=True)
class Bank:
    intents: dict[str, Intent]
    conditions: dict[str, dict[str, str]]
    examples: tuple[Example, ...]

    @property
    def fingerprint(self) -> str:
        """A hash of every intent and example: part of the model's cache key."""
        payload = json.dumps(
            [[i.id, i.rules, i.things] for i in self.intents.values()]
            + [[e.intent, e.text, e.lang, e.form, e.neg, e.thing, sorted(e.cond.items()),
                e.writer] for e in self.examples], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def by_intent(self) -> dict[str, list[Example]]:
        out: dict[str, list[Example]] = {i: [] for i in self.intents}
        for e in self.examples:
            out[e.intent].append(e)
        return out


def _intents(raw: dict[str, Any]) -> dict[str, Intent]:
    return {name: Intent(id=name, description=dict(spec["description"]),
                         rules=tuple(spec.get("rules", ())),
                         things=tuple(spec.get("things", ())),
                         sources=tuple(spec.get("source", ())))
            for name, spec in raw["intents"].items()}


def _example(item: dict[str, Any], intent: Intent, conditions: dict[str, Any],
             where: str) -> Example:
    text = str(item.get("q", "")).strip()
    if not text:
        raise BankError(f"{where}: eksemplet har ingen tekst (q)")
    form = item.get("form", "yn")
    if form not in FORMS:
        raise BankError(f"{where}: form {form!r} er ikke en af {FORMS}")
    thing = item.get("thing")
    if thing is not None and thing not in intent.things:
        raise BankError(f"{where}: thing {thing!r} hører ikke til {intent.id} "
                        f"({', '.join(intent.things) or 'ingen'})")
    cond = dict(item.get("cond") or {})
    for name, state in cond.items():
        if name not in conditions or state not in ("met", "unmet"):
            raise BankError(f"{where}: betingelsen {name}: {state} er ukendt")
    lang = item.get("lang", "da")
    if lang not in ("da", "en"):
        raise BankError(f"{where}: lang {lang!r} skal være da eller en")
    return Example(intent=intent.id, text=text, lang=lang, form=form,
                   neg=bool(item.get("neg", False)), writer=str(item.get("writer", "?")),
                   thing=thing, cond=cond)


def load_bank(intents_file: Path = INTENTS_FILE, examples_dir: Path = EXAMPLES_DIR) -> Bank:
    """Every intent and example, checked: unknown intents, things, forms or conditions
    are a ``BankError`` naming the file and the item."""
    raw = yaml.safe_load(intents_file.read_text(encoding="utf-8"))
    intents = _intents(raw)
    conditions = dict(raw.get("conditions", {}))
    examples: list[Example] = []
    for path in sorted(examples_dir.glob("*.yaml")):
        name = path.stem
        if name not in intents:
            raise BankError(f"{path.name}: intentionen {name!r} findes ikke i intents.yaml")
        for i, item in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            examples.append(_example(item, intents[name], conditions, f"{path.name}[{i}]"))
    return Bank(intents=intents, conditions=conditions, examples=tuple(examples))


@lru_cache(maxsize=1)
def default_bank() -> Bank:
    return load_bank()
