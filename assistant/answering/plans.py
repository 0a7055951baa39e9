"""Checking a spending plan: each item against the rules, informal items against the cap.

A plan is a grant and a list of items (a description, an optional category, an amount).
An item without a category is classified from its description by the same reader that
reads questions (a line is a cost or a programme by what it pays for: "Vikarer mens
medhjælperne er på AMU-kursus" is substitutes); what it cannot classify is reported as not
listed, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.answering.composition import CitationOut, Citations
from assistant.common.formatting import format_dkk, format_pct
from assistant.common.input_text import VISIBLE_PATTERN, clean_text
from assistant.common.jsontypes import Amount, IsoDate
from assistant.retrieval.index import SearchIndex
from assistant.rules.book import RuleBook, catalogue_ids
from assistant.rules.cap import informal_cap
from assistant.rules.decision import Decision, Text
from assistant.rules.eligibility import programme_eligibility
from assistant.rules.money import MAX_DKK
from assistant.rules.parameters import stated_value
from assistant.rules.registry import run_rule
from assistant.understanding import QuestionReader
from assistant.understanding.dispatch import decide_planned, named_calls
from assistant.understanding.frame import Ask
from assistant.understanding.gazetteer import Mention, mentions

# A plan line's category is a programme or cost of the catalogue; the schema lists them.
Category = Literal[catalogue_ids()]  # type: ignore[valid-type]
PlanVerdict = Literal["yes", "no", "conditional", "unknown"]

FIX_NO = Text("Punkt {n} ({what}) kan ikke betales af puljen: fjern det, eller find anden "
              "finansiering.",
              "Item {n} ({what}) cannot be paid by the pool: remove it or fund it otherwise.")
FIX_UNKNOWN = Text("Punkt {n} ({what}) er ikke en type forløb eller udgift, materialet nævner: "
                   "angiv en kategori, eller afklar det med Børne- og Undervisningsministeriet.",
                   "Item {n} ({what}) is not a kind of course or cost the material lists: give "
                   "a category or ask the Ministry of Children and Education.")
FIX_CONDITIONAL = Text("Punkt {n} ({what}) kræver, at betingelserne er opfyldt: {conditions}",
                       "Item {n} ({what}) requires that its conditions hold: {conditions}")
# The cap as the plan's schema and the API's texts state it ("10 pct."), from the parameters.
STATED_CAP = format_pct(stated_value("informal_cap"))
FIX_CAP = Text("Uformel opkvalificering fylder {informal}, {over} over loftet på {max}: skær "
               "ned, eller brug beløbet på formelle forløb.",
               "Informal upskilling comes to {informal}, {over} above the cap of {max}: cut it "
               "or spend the amount on formal courses.")


class PlanItem(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"description": "Diplommodul i ledelse for to afdelingsledere", "category": "diplom",
         "amount_dkk": 60000}]})

    # The pattern states what _cleaned refuses (a control character, nothing visible), so
    # the schema allows only what is accepted.
    description: str = Field(min_length=1, max_length=500,
                             json_schema_extra={"pattern": VISIBLE_PATTERN},
                             description="Hvad pengene skal bruges til")
    category: Category | None = Field(  # type: ignore[valid-type]
        default=None, description="Forløbets eller udgiftens type; udelades den, læses den "
                                  "af beskrivelsen")
    amount_dkk: Amount = Field(ge=0, le=MAX_DKK, description="Beløbet i kroner")

    @field_validator("description")
    @classmethod
    def _cleaned(cls, text: str) -> str:
        """The description as a question is cleaned (questions.clean_text): a look-alike
        letter or an invisible character must not turn a master's degree into an unknown
        line, and the result echoes the text that was judged."""
        text = clean_text(text, "Beskrivelsen")
        if not text.strip():
            raise ValueError("Beskrivelsen er tom; skriv, hvad pengene skal bruges til.")
        return text


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"grant_dkk": 2400000, "items": [
            {"description": "Meritpædagoguddannelse for fire medhjælpere",
             "amount_dkk": 1600000},
            {"description": "Privat kursus i konflikthåndtering", "category": "informal",
             "amount_dkk": 300000}], "lang": "da", "as_of": "2026-03-01"}]})

    grant_dkk: Amount = Field(gt=0, le=MAX_DKK, description="Kommunens tilskud i kroner")
    items: list[PlanItem] = Field(min_length=1, max_length=200)
    lang: Literal["da", "en"] = "da"
    as_of: IsoDate | None = Field(
        default=None, description="Dagen, planen bedømmes efter, som i chatten: forløb uden "
                                  "startdato regnes som startet denne dag (standard: i dag)")


class ItemResult(BaseModel):
    n: int
    description: str
    category: str | None = Field(description="Kategorien, givet eller læst af beskrivelsen; "
                                             "null når den ikke kunne bestemmes")
    amount_dkk: float
    verdict: PlanVerdict
    informal: bool = Field(
        description=f"Tæller med i loftet på {STATED_CAP}")
    explanation: str
    conditions: list[str]
    citations: list[int] = Field(description="Numre i planens citationsliste")


class PlanResult(BaseModel):
    verdict: PlanVerdict
    as_of: dt.date = Field(description="Dagen, planen er bedømt efter")
    grant_dkk: float
    informal_dkk: float
    cap_dkk: float
    within_cap: bool
    left_dkk: float = Field(description="Hvad der er tilbage under loftet (0 hvis det er "
                                        "overskredet)")
    over_dkk: float = Field(description="Hvor meget loftet er overskredet med (0 hvis ikke)")
    cap_explanation: str
    items: list[ItemResult]
    fixes: list[str] = Field(description="Hvad der skal rettes, før planen holder")
    citations: list[CitationOut]


def check_plan(book: RuleBook, index: SearchIndex, plan: Plan,
               reader: QuestionReader | None = None) -> PlanResult:
    """Every item's decision, the informal total against the cap, and what to fix."""
    lang = plan.lang
    cites = Citations(index)
    items: list[ItemResult] = []
    fixes: list[str] = []
    informal_total = 0.0
    as_of = plan.as_of or dt.date.today()  # the day the chat judges by when none is given
    for n, item in enumerate(plan.items, start=1):
        category, decisions = _decide(book, item, reader, as_of)
        decision = _item_decision(decisions)
        numbers = [int(cites.mark(c).strip("[]")) for c in decision.citations]
        informal = category == "informal"
        if informal:
            informal_total += item.amount_dkk
        verdict: PlanVerdict = "conditional" if decision.verdict == "info" else decision.verdict
        what = item.description if len(item.description) <= 60 else item.description[:57] + "…"
        if verdict == "no":
            fixes.append(FIX_NO.get(lang).format(n=n, what=what))
        elif verdict == "unknown":
            fixes.append(FIX_UNKNOWN.get(lang).format(n=n, what=what))
        elif verdict == "conditional" and decision.conditions:
            # The cap is settled for the whole plan below, not by a condition per item.
            conditions = " ".join(c.get(lang) for c in decision.conditions if c.id != "cap")
            if conditions:
                fixes.append(FIX_CONDITIONAL.get(lang).format(n=n, what=what,
                                                              conditions=conditions))
        items.append(ItemResult(
            n=n, description=item.description, category=category, amount_dkk=item.amount_dkk,
            verdict=verdict, informal=informal, explanation=decision.explanation.get(lang),
            conditions=[c.get(lang) for c in decision.conditions], citations=numbers))
    cap = informal_cap(book, plan.grant_dkk, informal_total)
    cites.mark(cap.citations[0])
    maximum = float(cap.trace["max_informal_dkk"])
    within = bool(cap.trace["within_cap"])
    over = max(informal_total - maximum, 0.0)
    if not within:
        fixes.append(FIX_CAP.get(lang).format(
            informal=format_dkk(informal_total, lang), over=format_dkk(over, lang),
            max=format_dkk(maximum, lang)))
    verdicts = {i.verdict for i in items}
    overall: PlanVerdict = (
        "no" if "no" in verdicts or not within else
        "unknown" if "unknown" in verdicts else
        "conditional" if "conditional" in verdicts else "yes")
    return PlanResult(
        verdict=overall, as_of=as_of, grant_dkk=plan.grant_dkk, informal_dkk=informal_total,
        cap_dkk=maximum, within_cap=within, left_dkk=max(maximum - informal_total, 0.0),
        over_dkk=over, cap_explanation=cap.explanation.get(lang), items=items, fixes=fixes,
        citations=cites.items)


# Which of an item's decisions settles it: a "no" (every requirement must hold), then a
# silent material, then conditions, then a yes; at equal weight the item's own rule first.
_WEIGHT = {"no": 0, "unknown": 1, "conditional": 2, "info": 2, "yes": 3}
_OWN_RULES = ("programme_eligibility", "covered_cost")


def _item_decision(decisions: list[Decision]) -> Decision:
    """One decision for an item: the settling one's verdict and conditions, with the
    reasons of every decision of that verdict (under a no, only why it is a no; otherwise
    also the dates that bind it) and all their sources."""
    ordered = sorted(decisions, key=lambda d: (_WEIGHT[d.verdict], d.rule not in _OWN_RULES,
                                               d.rule == "target_group"))
    first = ordered[0]
    shown = [d for d in ordered if d.verdict == "no"] if first.verdict == "no" else ordered
    reasons = list(dict.fromkeys(d.explanation for d in shown))
    return replace(
        first, explanation=Text(" ".join(t.da for t in reasons), " ".join(t.en for t in reasons)),
        citations=tuple(dict.fromkeys(c for d in shown for c in d.citations)),
        conditions=first.conditions if first.verdict == "conditional" else ())


def _decide(book: RuleBook, item: PlanItem, reader: QuestionReader | None, as_of: dt.date
            ) -> tuple[str | None, list[Decision]]:
    """The item's category (given, or read from its description) and the decisions of the
    rules the chat runs for it on the day ``as_of`` (dispatch.decide_planned), with the
    conditions and dates the description states."""
    read = reader.read(item.description, as_of).first if reader is not None else None
    category = item.category or paid_for(book, item.description,
                                         read.thing if read is not None else None)
    if category in book.programmes:
        intent = "programme_funding"
    elif category in book.costs:
        intent = "cost_coverage"
    else:
        # Quoted: the line's own words, not a name ("Materialet nævner ikke “Kursus i …”").
        return None, [programme_eligibility(book, "unlisted",
                                            named_as=f"“{item.description}”")]
    base = read or Ask(text=item.description, intent=intent, confidence=1.0, alternatives=(),
                       form="yn", negated=False)
    framed = replace(base, intent=intent, thing=category, thing_words=item.description)
    # Whatever else the line names binds it too when the rules exclude it: a fee for a
    # master's course, or a given category that the description contradicts ("amu" for
    # "Masteruddannelse i ledelse"), is not let through by the category.
    others = [m for m in mentions(book, item.description)
              if m.kind in ("programme", "cost") and m.id != category]
    excluded = [d for d in (run_rule(book, name, inputs) for name, inputs in named_calls(others))
                if d.verdict == "no"]
    return category, decide_planned(framed, book, as_of) + excluded


# Between a programme's name and a cost word: the cost word is what the course teaches
# ("Diplommodul i administration", "AMU-kursus om revision") or an extra it includes
# ("Meritpædagoguddannelse inkl. bøger"), so the line still pays for the programme.
_OF_THE_PROGRAMME = re.compile(
    r"^\S*\s+(?:i|om|in|on|about|inden for|inkl\.?|inklusive?|incl\.?|including|med|with)\s+"
    r"(?:\S+\s+){0,3}$", re.IGNORECASE)


def paid_for(book: RuleBook, line: str, read_as: str | None = None) -> str | None:
    """What a plan line pays for, a catalogue id: a line is a cost or a programme by what
    it pays for, not by the first name in it. A cost it names is what it pays for, the
    programme beside it only says what for ("Vikarer mens medhjælperne er på AMU-kursus",
    "Befordring til PAU-skolen", "PAU – deltagerbetaling"); a line naming only a programme
    pays for the programme; a line naming neither, for what the reader took it to be about
    (``read_as``), if that is in the catalogue.
    """
    named = mentions(book, line)
    programmes = [m for m in named if m.kind == "programme"]
    costs = [m for m in named if m.kind == "cost"
             and not any(_of_programme(line, p, m) for p in programmes)]
    if costs:
        return costs[0].id
    if programmes:
        return programmes[0].id
    return read_as if read_as in book.programmes or read_as in book.costs else None


def _of_programme(text: str, programme: Mention, cost: Mention) -> bool:
    end = programme.start + len(programme.words)
    return programme.start < cost.start and bool(_OF_THE_PROGRAMME.match(text[end:cost.start]))
