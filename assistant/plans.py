"""Checking a spending plan: each item against the rules, informal items against the cap.

A plan is a grant and a list of items (a description, an optional category, an amount).
An item without a category is classified from its description by the same reader that
reads questions (a line is a cost or a programme by what it pays for: "Vikarer mens
medhjælperne er på AMU-kursus" is substitutes); what it cannot classify is reported as not
listed, never guessed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.answer import CitationOut, Citations
from assistant.format import format_dkk
from assistant.index import SearchIndex
from assistant.rules.book import RuleBook
from assistant.rules.cap import informal_cap
from assistant.rules.decision import Decision, Text
from assistant.rules.eligibility import programme_eligibility
from assistant.rules.money import MAX_DKK
from assistant.rules.registry import run_rule
from assistant.understanding import QuestionReader
from assistant.understanding.dispatch import covered_cost
from assistant.understanding.dispatch import programme_eligibility as programme_inputs

Category = Literal[
    "master", "pau", "meritpaedagog", "amu", "avu", "professionshojskole", "diplom",
    "informal", "participant_fees", "study_costs", "administration", "audit", "substitutes",
    "wages", "svu", "not_upskilling",
]
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
FIX_CAP = Text("Uformel opkvalificering fylder {informal}, {over} over loftet på {max}: skær "
               "ned, eller brug beløbet på formelle forløb.",
               "Informal upskilling comes to {informal}, {over} above the cap of {max}: cut it "
               "or spend the amount on formal courses.")


class PlanItem(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"description": "Diplommodul i ledelse for to afdelingsledere", "category": "diplom",
         "amount_dkk": 60000}]})

    description: str = Field(min_length=1, max_length=500,
                             description="Hvad pengene skal bruges til")
    category: Category | None = Field(
        default=None, description="Forløbets eller udgiftens type; udelades den, læses den "
                                  "af beskrivelsen")
    amount_dkk: float = Field(ge=0, le=MAX_DKK, description="Beløbet i kroner")


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"grant_dkk": 2400000, "items": [
            {"description": "Meritpædagoguddannelse for fire medhjælpere",
             "amount_dkk": 1600000},
            {"description": "Privat kursus i konflikthåndtering", "category": "informal",
             "amount_dkk": 300000}], "lang": "da"}]})

    grant_dkk: float = Field(gt=0, le=MAX_DKK, description="Kommunens tilskud i kroner")
    items: list[PlanItem] = Field(min_length=1, max_length=200)
    lang: Literal["da", "en"] = "da"


class ItemResult(BaseModel):
    n: int
    description: str
    category: str | None = Field(description="Kategorien, givet eller læst af beskrivelsen; "
                                             "null når den ikke kunne bestemmes")
    amount_dkk: float
    verdict: PlanVerdict
    informal: bool = Field(description="Tæller med i loftet på 10 pct.")
    explanation: str
    conditions: list[str]
    citations: list[int] = Field(description="Numre i planens citationsliste")


class PlanResult(BaseModel):
    verdict: PlanVerdict
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
    for n, item in enumerate(plan.items, start=1):
        category, decision = _decide(book, item, reader)
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
            conditions = " ".join(c.get(lang) for c in decision.conditions
                                  if not c.da.startswith("Højst 10 pct."))
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
        verdict=overall, grant_dkk=plan.grant_dkk, informal_dkk=informal_total,
        cap_dkk=maximum, within_cap=within, left_dkk=max(maximum - informal_total, 0.0),
        over_dkk=over, cap_explanation=cap.explanation.get(lang), items=items, fixes=fixes,
        citations=cites.items)


def _decide(book: RuleBook, item: PlanItem, reader: QuestionReader | None
            ) -> tuple[str | None, Decision]:
    """The item's category (given, or read from its description) and the decision of the
    rule for it, with the conditions the description states."""
    category: str | None = item.category
    ask = reader.read(item.description).first if reader is not None else None
    if category is None and ask is not None:
        thing = ask.thing or ""
        if (ask.intent == "cost_coverage" and thing in book.costs) or thing in book.programmes:
            category = ask.thing
        else:
            named = [m for m in ask.mentions if m.kind in ("programme", "cost")]
            category = named[0].id if named else None
    for rule, intent, known in (("programme_eligibility", "programme_funding", book.programmes),
                                ("covered_cost", "cost_coverage", book.costs)):
        if category in known:
            key = "programme" if rule == "programme_eligibility" else "cost"
            inputs: dict[str, object] = {key: category, "named_as": item.description}
            if ask is not None:
                framed = replace(ask, intent=intent, thing=category)
                build = programme_inputs if rule == "programme_eligibility" else covered_cost
                inputs |= {k: v for k, v in (build(framed, book) or {}).items()
                           if k not in (key, "named_as")}
            return category, run_rule(book, rule, inputs)
    return None, programme_eligibility(book, "unlisted", named_as=item.description)
