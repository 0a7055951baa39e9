"""Reading a message into asks: split it, classify each part, fill its frame.

A message with several questions ("Må vi betale transport? Og gælder puljen også for
privatinstitutioner?") gives one ask per question, each read with the statements before
it; consecutive questions about the same thing stay one ask ("Kan vi betale vikarer?
Hvad kræver det?").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from assistant.rules.book import RuleBook
from assistant.understanding.frame import Ask, Understanding
from assistant.understanding.gazetteer import Mention, formal_names, informal_names, mentions
from assistant.understanding.model import CONDITION_INTENTS, Label, Model, Prediction, space_of
from assistant.understanding.scope import out_of_scope
from assistant.understanding.values import Values, parse_values

# Below these the model's guess is not used: the thing stays unknown, the condition unsaid.
THING_THRESHOLD = 0.45
CONFIDENT_THING = 0.75
CONDITION_THRESHOLD = 0.55
# Which gazetteer kinds name a thing of which thing space.
SPACE_KINDS = {"programme": ("programme",), "cost": ("cost", "programme"),
               "role": ("role", "outside", "private")}
# Conditions that bind each programme or cost (catalogue ids), as the rules state them.
BINDING = {"pau": ("experience", "agreement"), "amu": ("relevance",),
           "professionshojskole": ("relevance",), "diplom": ("relevance",),
           "avu": ("access",),
           # informal upskilling is also bound by the 10 pct. cap, which only amounts settle
           "informal": ("relevance", "cap"),
           "substitutes": ("tied", "agreements"), "wages": ("agreements",)}

_SENTENCE = re.compile(r"(?<=[?!.])\s+(?=\S)")
# A premise stated as a subordinate clause before the question: "Da masteruddannelser nu er
# tilladt, hvordan …?", "Since private institutions are excluded, …". A fixed grammatical
# shape (the conjunction, then the clause up to its comma), so it is parsed, not learned.
_PREMISE = re.compile(r"^\W*(?:da|eftersom|når nu|nu hvor|nu da|since|as|given that|now that)"
                      r"\s+([^,?]{6,}),", re.IGNORECASE)


def premise_of(text: str) -> str:
    """The premise clause a question opens with, or "".

    >>> premise_of("Da masteruddannelser nu er tilladt, hvordan søger vi?")
    'masteruddannelser nu er tilladt'
    >>> premise_of("Kan vi søge?")
    ''
    """
    m = _PREMISE.search(text)
    return m.group(1).strip() if m else ""


def split_parts(text: str) -> list[tuple[str, str]]:
    """(context, question) pairs: each question sentence with the statements before it.

    >>> split_parts("Vi har 2 mio. Må vi betale transport? Gælder det private?")
    [('Vi har 2 mio.', 'Må vi betale transport?'), ('Vi har 2 mio.', 'Gælder det private?')]
    >>> split_parts("Kan vi finansiere en masteruddannelse")
    [('', 'Kan vi finansiere en masteruddannelse')]
    """
    sentences = [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]
    questions = [i for i, s in enumerate(sentences) if s.endswith("?")]
    if len(questions) < 2:
        return [("", text.strip())]
    parts: list[tuple[str, str]] = []
    context: list[str] = []
    for i, s in enumerate(sentences):
        if i in questions:
            parts.append((" ".join(context), s))
        else:
            context.append(s)
    # Statements after the last question belong to it.
    tail = sentences[questions[-1] + 1:]
    if tail:
        ctx, q = parts[-1]
        parts[-1] = (ctx, " ".join([q, *tail]))
    return parts


@dataclass
class QuestionReader:
    book: RuleBook
    model: Model
    embed: Callable[[str], np.ndarray] | None

    def predict(self, text: str) -> Prediction:
        return self.model.predict(text, self.embed)

    def read(self, question: str, as_of: dt.date | None = None) -> Understanding:
        """The message's asks (at least one) and any uncovered topic it names."""
        parts = split_parts(question)
        asks: list[Ask] = []
        if len(parts) == 1:
            asks.append(self._ask(question, self.predict(question), as_of))
        else:
            for context, part in parts:
                text = f"{context} {part}".strip()
                ask = self._ask(text, self.predict(text), as_of)
                if asks and ((asks[-1].intent, asks[-1].thing) == (ask.intent, ask.thing)
                             or (not mentions(self.book, part)
                                 and len(part.split()) <= 6)):
                    continue  # a second question about the same thing: one ask
                asks.append(ask)
        return Understanding(question=question, asks=tuple(asks),
                             scope_topic=out_of_scope(question))

    def _ask(self, text: str, p: Prediction, as_of: dt.date | None) -> Ask:
        found = mentions(self.book, text)
        if p.intent.value == "overview" and p.alternatives and any(
                m.kind in ("programme", "cost") for m in found):
            # "Can the pool fund the meritpædagog programme?": a named programme or cost
            # makes it a question about that one, not about the whole pool.
            p = replace(p, intent=p.alternatives[0],
                        alternatives=[p.intent, *p.alternatives[1:]])
        thing, words, thing_p = self._thing(p, found, text)
        values = parse_values(text, as_of, informal_names(self.book), formal_names(self.book),
                              self.book.params.completion_deadline.value.year)
        premise = premise_of(text)
        return Ask(
            text=text, premise=premise,
            premise_mentions=tuple(mentions(self.book, premise)) if premise else (),
            intent=p.intent.value, confidence=p.intent.prob,
            alternatives=tuple(p.alternatives), form=p.form.value,
            negated=p.negated.value == "neg", thing=thing, thing_words=words,
            thing_confidence=thing_p, conditions=self._conditions(p, thing, values, found),
            values=values, mentions=tuple(found), nearest=tuple(p.nearest),
        )

    def _thing(self, p: Prediction, found: list[Mention], text: str
               ) -> tuple[str | None, str, float]:
        """The thing asked about: a name the gazetteer found (the model choosing among
        several), else the model's own reading when it is confident enough."""
        space = space_of(p.intent.value)
        if space is None:
            return None, "", 0.0
        guess = p.thing.get(space, Label("", 0.0))
        kinds = SPACE_KINDS.get(space, ())
        named = [m for m in found if m.kind in kinds]
        if space == "cost":  # informal upskilling is a cost kind too
            named = [m for m in named if m.kind == "cost" or m.id == "informal"]
        if named and not (guess.prob >= CONFIDENT_THING
                          and guess.value not in {m.id for m in named}):
            # Several names ("AVU for at komme ind på PAU"): the model's pick if it is
            # among them, else the first named. A confident reading that differs from
            # every name wins ("et enkeltfag på Åben Uddannelse (universitet)" is not
            # general adult education, though "enkeltfag" names it).
            pick = next((m for m in named if m.id == guess.value), named[0])
            return pick.id, pick.words, guess.prob if pick.id == guess.value else 0.5
        if guess.prob >= THING_THRESHOLD:
            return guess.value, _noun_phrase(text) if guess.value == "unlisted" else "", guess.prob
        return None, "", guess.prob

    def _conditions(self, p: Prediction, thing: str | None, values: Values,
                    found: list[Mention]) -> dict[str, str]:
        """The conditions the ask settles: the model's reading; a theme the fact sheet
        names as relevant (a course "i sprog", "for dagplejere") meets the relevance
        condition unless the model reads it as unmet; a required work experience is
        judged from the stated years, which the typed parser reads exactly."""
        out = {name: label.value for name, label in p.conditions.items()
               if p.intent.value in CONDITION_INTENTS[name]
               and label.value != "none" and label.prob >= CONDITION_THRESHOLD}
        if any(m.kind == "theme" for m in found) and out.get("relevance") != "unmet" and (
                p.intent.value in CONDITION_INTENTS["relevance"]):
            out["relevance"] = "met"
        years = values.experience_years
        if years is not None and thing == "pau":
            entry = self.book.programmes["pau"]
            out["experience"] = "met" if years >= (entry.min_experience_years or 0) else "unmet"
        return out


# The name with up to two words before it ("en bachelor i pædagogik"), but not a preposition
# or the asking verb before those ("til en kandidatuddannelse", "fund a PhD"): the answer
# says "Materialet nævner ikke en kandidatuddannelse".
_NOT_IN_NAME = (r"(?:til|på|for|om|med|af|ved|fra|i|to|on|of|at|in|fund|pay|cover|finansiere|"
                r"betale|bruge|dække|tage|take|få|get|søge|apply)")
_PROGRAMME_WORD = re.compile(
    rf"(?:\b(?!{_NOT_IN_NAME}\b)[\wæøå-]+\s+){{0,2}}\b[\wæøå-]*(?:uddannelse|kursus|kurser|"
    r"forløb|course|degree|programme|program|training|licen[cs]e|kørekort|bachelor|ph\.?d)\w*",
    re.IGNORECASE)


def _noun_phrase(text: str) -> str:
    """The words naming an unlisted programme ("en bachelor i pædagogik"), for the answer."""
    m = _PROGRAMME_WORD.search(text)
    return m.group(0).strip() if m else ""
