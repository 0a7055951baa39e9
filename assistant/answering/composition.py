"""Composing the cited answer from rule decisions and retrieved sentences (no LLM)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.answering.phrases import (
    ABSTAIN,
    CLAIM_HOLDS,
    CONDITIONS,
    CONDITIONS_MET,
    CONTRADICT_LEAD,
    NOT_A_RULE,
    OVERVIEW,
    PREMISE,
    RECOMMENDS_LABEL,
    REPEATED,
    SOURCE_LABEL,
    SOURCE_LABEL_OTHER,
    SOURCE_NAME,
    VERDICT_LEAD,
    WHERE_TO_ASK,
)
from assistant.answering.selection import Extract, Selection, grouped
from assistant.common.calendar_words import MONTHS_DA, spelled_numbers
from assistant.retrieval.index import SearchIndex
from assistant.rules.book import Entry, RuleBook
from assistant.rules.decision import Citation, Decision

AnswerVerdict = Literal["yes", "no", "conditional", "unknown", "info"]


class DocumentRef(BaseModel):
    id: str
    title: str
    publisher: str
    authority: str


class CitationOut(BaseModel):
    n: int = Field(description="Nummeret, som svaret henviser til med [n]")
    passage_id: str
    document: DocumentRef
    quote: str = Field(description="Den eller de sætninger, svaret bygger på, ordret")
    text: str = Field(description="Hele passagen")
    start: int = Field(description="Citatets start i dokumentets tekst")
    end: int


Route = Literal["premise", "rules", "overview", "out_of_scope", "not_a_rule", "documents",
                "abstain"]
StopReason = Literal["answered", "abstain", "out_of_scope"]


class Trace(BaseModel):
    """How the service came to the answer (assistant/service.py): its steps and routes."""

    steps: dict[str, float] = Field(
        description="De trin, der kørte, i rækkefølge, med tid i ms: clean, language, resolve, "
                    "understand, decide, retrieve, select, compose og (med LLM) check")
    routes: list[Route] = Field(
        description="Hvad der besvarede hvert delspørgsmål, i rækkefølge: premise (en præmis, "
                    "reglerne afviser, rettes), rules, overview, out_of_scope, not_a_rule "
                    "(kun kommunens eller FOA's ord), documents eller abstain")
    stopped: StopReason = Field(
        description="Hvorfor kørslen sluttede: answered (alle trin kørte), abstain (materialet "
                    "besvarer det ikke) eller out_of_scope (uden for materialet); ved "
                    "abstain og out_of_scope køres check ikke")


class Answer(BaseModel):
    """What the assistant answers: the same object in the library, the CLI and the API."""

    id: str
    answer: str
    verdict: AnswerVerdict
    abstained: bool = Field(description="Materialet besvarer ikke spørgsmålet (verdikt "
                                        "unknown): svaret siger det og hvor man kan spørge")
    citations: list[CitationOut]
    rules: list[dict[str, Any]]
    lang: Literal["da", "en"]
    question: str
    resolved_question: str
    as_of: dt.date
    timings: dict[str, float] = Field(default_factory=dict)
    llm: dict[str, Any] | None = None
    understanding: dict[str, Any] | None = Field(
        default=None, description="Hvordan spørgsmålet blev læst: delspørgsmål med intention, "
                                  "sandsynlighed, form, ting, betingelser og nærmeste eksempler")
    trace: Trace | None = Field(default=None, description="Svarets vej gennem tjenestens trin")


@dataclass
class Citations:
    """Numbers the citations in order of first use; the same quote keeps its number."""

    index: SearchIndex
    items: list[CitationOut] = field(default_factory=list)

    def mark(self, cite: Citation) -> str:
        for item in self.items:
            if item.passage_id == cite.passage_id and item.quote == cite.quote:
                return f"[{item.n}]"
        passage = self.index.passages[self.index.rows[cite.passage_id]]
        meta = self.index.documents[passage.doc_id].meta
        self.items.append(CitationOut(
            n=len(self.items) + 1, passage_id=passage.id,
            document=DocumentRef(id=meta.id, title=meta.title, publisher=meta.publisher,
                                 authority=meta.authority),
            quote=cite.quote, text=passage.text, start=cite.start, end=cite.end,
        ))
        return f"[{len(self.items)}]"


def compose_rules(decisions: list[Decision], lang: str, cites: Citations, form: str = "yn",
                  negated: bool = False, premise_false: bool = False
                  ) -> tuple[str, AnswerVerdict]:
    """Verdict first, about the substance, then the reason with its sources, then the
    conditions.

    ``form`` and ``negated`` come from the question's frame. A negated or leading yes/no
    question ("Dagplejerne er vel ikke med?") gets the rule's verdict, opened with "Jo"
    and the premise corrected; a claim to verify gets whether the claim holds (a negated
    claim the rule contradicts is false); an open question gets the facts (info).
    """
    decisions = order_decisions(decisions)
    primary = decisions[0]
    verdict: AnswerVerdict = primary.verdict
    allowed = primary.verdict in ("yes", "conditional")
    # premise_false on entry: the caller found the question's premise contradicted ("no").
    if not premise_false and negated:
        if form == "claim" and allowed:
            verdict, premise_false = "no", True  # "Er det rigtigt, at X slet ikke må …?"
        elif form == "claim" and primary.verdict == "no":
            verdict = "yes"  # "Er det rigtigt, at X ikke kan betales?" Ja, det er rigtigt
        elif allowed:
            premise_false = True
            if form != "yn":
                verdict = "no"  # "Since private institutions are excluded, how do we …?"
    if verdict in ("yes", "conditional") and form == "open" and not premise_false:
        verdict = "info"  # "Hvor længe har vi endnu …?" is answered with the facts
    lines = []
    lead = VERDICT_LEAD[verdict].get(lang)
    if premise_false and verdict in ("yes", "conditional"):
        lead = CONTRADICT_LEAD[verdict].get(lang)
    if premise_false:
        lead = f"{lead} {PREMISE.get(lang)}"
    elif form == "claim" and verdict in ("yes", "no"):
        lead = f"{lead} {CLAIM_HOLDS[verdict].get(lang)}"
    seen_rules: set[tuple[str, str]] = set()
    body = []
    for decision in decisions[:3]:
        key = (decision.rule, decision.explanation.da)
        if key in seen_rules:
            continue
        seen_rules.add(key)
        marks = "".join(cites.mark(c) for c in decision.citations)
        body.append(f"{decision.explanation.get(lang)} {marks}".strip())
    # The verdict is said here, once: no rule sentence opens with one (tested).
    lines.append(" ".join(x for x in [lead, body[0]] if x))
    lines += body[1:]
    # The conditions are listed as open only while the decision still depends on them: a
    # rule turns "conditional" into yes or no when the question states them met or unmet,
    # and a "no" for another reason (a closed window) does not hinge on them either. A yes
    # that rests on them says which the question meets.
    conditions = [c.get(lang) for c in primary.conditions]
    if conditions and primary.verdict == "conditional":
        lines.append(CONDITIONS.get(lang))
        lines += [f"- {c}" for c in conditions]
    elif conditions and primary.verdict == "yes" and primary.trace.get("conditions_met"):
        lines.append(CONDITIONS_MET[min(len(conditions), 2)].get(lang))
        lines += [f"- {c}" for c in conditions]
    # Where to ask, once: not again when a rule's own sentence already says whom to ask.
    if verdict == "unknown" and not any(_SAYS_WHERE_TO_ASK.search(b) for b in body):
        lines.append(WHERE_TO_ASK.get(lang))
    return "\n".join(lines), verdict


_SAYS_WHERE_TO_ASK = re.compile(r"\b(?:spørg|ask)\b", re.IGNORECASE)


DATE_RULES = frozenset({"activity_start", "first_round_open", "completion_deadline"})


def order_decisions(decisions: list[Decision]) -> list[Decision]:
    """The decision that settles the question first: any "no" (every requirement must
    hold), else a date decision (the question is about timing), else the order of the
    calls (the ask's own rule first); a "yes, they are in the target group" comes after a
    programme's decision, whose conditions still bind."""
    def key(item: tuple[int, Decision]) -> tuple[int, int]:
        i, d = item
        if d.verdict == "no":
            return (0, i)
        if d.rule in DATE_RULES:
            return (1, i)
        return (3 if d.rule == "target_group" and len(decisions) > 1 else 2, i)
    return [d for _, d in sorted(enumerate(decisions), key=key)]


def source_label(authority: str, publisher: str, lang: str, recommends: bool = False) -> str:
    """How the quoted sentences of one source are introduced: the rules, the ministry,
    Copenhagen's practice or FOA's view by name ("FOA anbefaler" only when every sentence
    recommends), and any other municipality or organisation by its publisher.

    >>> source_label("opinion", "FOA", "da")
    "FOA's rapport (fagforeningens holdning, ikke puljens regler):"
    >>> source_label("opinion", "FOA", "da", recommends=True)
    'FOA anbefaler (fagforeningens holdning, ikke puljens regler):'
    >>> source_label("opinion", "Testforening", "da")
    'Testforening mener (en holdning, ikke puljens regler):'
    """
    known = {"municipal": "Københavns Kommune", "opinion": "FOA"}
    if authority in known and not publisher.startswith(known[authority]):
        return SOURCE_LABEL_OTHER[authority].get(lang).format(publisher=publisher)
    if authority == "opinion" and recommends:
        return RECOMMENDS_LABEL.get(lang)
    return SOURCE_LABEL[authority].get(lang)


def compose_documents(selection: Selection, lang: str, cites: Citations) -> str:
    """The selected extracts, grouped by source with one label each; a source that only
    repeats one of them is said to agree, once."""
    index = cites.index
    lines = []
    for group in grouped(index, selection):
        meta = index.documents[group[0].doc].meta
        label = source_label(meta.authority, meta.publisher, lang,
                             recommends=all(e.recommends() for e in group))
        body = [f"{_display(e)} {cites.mark(e.citation(index))}" for e in group]
        if len(body) == 1 and "\n" not in body[0]:
            lines.append(f"{label} {body[0]}")
        else:
            lines += [label, *body]
    shown = {e.doc for e in selection.extracts}
    repeats: dict[str, list[Extract]] = {}
    for e in selection.repeated_by:
        if e.doc not in shown:
            repeats.setdefault(e.doc, []).append(e)
    for doc, extracts in repeats.items():
        meta = index.documents[doc].meta
        name = SOURCE_NAME[meta.authority].get(lang) if meta.authority in (
            "rules", "official") else meta.publisher
        marks = "".join(cites.mark(e.citation(index)) for e in extracts)
        lines.append(REPEATED.get(lang).format(source=name, marks=marks))
    return "\n".join(lines)


def _display(extract: Extract) -> str:
    """A run of sentences as shown: sentences of a paragraph after each other, list items
    on their own lines (the citation holds the document's exact text)."""
    parts: list[str] = []
    for c in extract.sentences:
        if c.role == "item" and len(extract.sentences) > 1:
            parts.append(f"\n- {c.quote}")
        elif parts and parts[-1].startswith("\n- "):
            parts.append(f"\n{c.quote}")
        else:
            parts.append(f" {c.quote}" if parts else c.quote)
    return "".join(parts).strip()


_ASKS_IF_RULE = re.compile(
    r"\b(krav (i|fra|for) puljen|et krav|kræver puljen|reglen i puljen|puljens regler? om|"
    r"gælder (det|reglen|kravet) (også )?(for )?(os|hos os|alle)|skal vi (så )?(også|følge)|"
    r"skal vi\b.{0,30}\bogså\b|"
    r"opkvalificeringspuljen til|requirement|required by the pool|rule (of|in) the pool|"
    r"do we (also )?have to|must we (also)?)", re.IGNORECASE)


def not_a_rule(question: str, selection: Selection) -> bool:
    """The question asks whether something is a rule of the pool, and the material has it
    only from Copenhagen or FOA: then it is not a rule of the pool."""
    return bool(_ASKS_IF_RULE.search(question)) and bool(selection.extracts) and all(
        e.authority in ("municipal", "opinion") for e in selection.extracts)


def compose_not_a_rule(selection: Selection, lang: str, cites: Citations) -> str:
    return f"{NOT_A_RULE.get(lang)}\n{compose_documents(selection, lang, cites)}"


_ASKS_FIGURE = re.compile(
    r"\b(hvor (meget|mange|stor|store|længe|lang)|hvornår|hvilken dato|hvad koster|"
    r"how (much|many|long|big)|when|what date|what does .{0,30} cost)\b", re.IGNORECASE)
_FIGURE = re.compile(rf"\d|\b({'|'.join(spelled_numbers('da', 1, 10))}|halvanden|"
                     rf"{'|'.join(spelled_numbers('en', 1, 5))}|{'|'.join(MONTHS_DA)}|forår|"
                     r"efterår|medio)\b", re.IGNORECASE)


_MONEY = re.compile(r"\d[\d.,]*\s*(kr\.?|kroner|mio\.?|mia\.?|millioner|dkk)|\bdkk\b",
                    re.IGNORECASE)
_PERCENT = re.compile(r"\d[\d.,]*\s*(pct\.?|procent|%|per ?cent)", re.IGNORECASE)
# What a "hvor mange …" / "how many …" / "hvor meget koster …" question counts.
_COUNTED = re.compile(r"\b(?:hvor mange|how many)\s+(\w+)", re.IGNORECASE)
_ASKS_MONEY = re.compile(
    r"\b(hvor (meget|mange penge)|hvad (koster|er|udgør)|how much)\b.{0,60}"
    r"(\bkoste\w*|\w*løn(?:nen|ninger|s)?\b|\bbeløb\w*|\btilskud\w*|\bstøtte\w*|\bsats\w*|"
    r"\bpris\w*|\bpenge|"
    r"får (man|en|vi|de|hun|han)|cost\w*|pay|wage\w*|salary|rate|amount|get)\b"
    r"|\b(hvor mange penge|how much money)\b"
    r"|\b(hvad|hvor meget|what|how much)\b.{0,60}\b(om måneden|pr\.? måned|om ugen|pr\.? uge|"
    r"per (month|week|hour)|a (month|week))", re.IGNORECASE)


def asked_figure_kind(question: str) -> re.Pattern[str] | None:
    """What a figure answering the question must look like: an amount of money, a
    percentage, a count of the thing asked about ("hvor mange deltagere" needs a number
    of deltagere), or None when the question names no such kind.

    >>> asked_figure_kind("Hvor mange procent må gå til private kurser?") is _PERCENT
    True
    >>> bool(asked_figure_kind("Hvor mange deltagere skal der være?").search("mindst 8 deltagere"))
    True
    >>> asked_figure_kind("Hvornår skal forløbet slutte?") is None
    True
    """
    counted = _COUNTED.search(question)
    if counted:
        word = counted.group(1).lower()
        if word in ("procent", "pct", "percent", "per"):
            return _PERCENT
        if word in ("penge", "kroner", "kr", "money"):
            return _MONEY
        stem = re.escape(word[:max(4, len(word) - 3)])
        return re.compile(rf"\d[\d.,]*\s+(?:\w+\s+){{0,2}}\w*{stem}|{stem}\w*\D{{0,20}}\d",
                          re.IGNORECASE)
    if _ASKS_MONEY.search(question):
        return _MONEY
    return None


def lacks_asked_figure(question: str, sentences: list[str]) -> bool:
    """A question asking for an amount, a number or a date, and sentences (or a rule's
    explanations) that state none, or none of the kind asked (a count of participants is
    not answered by a date): the material does not give what is asked, however close."""
    if not _ASKS_FIGURE.search(question) and not _ASKS_MONEY.search(question):
        return False
    kind = asked_figure_kind(question) or _FIGURE
    return not any(kind.search(t) for t in sentences)


def compose_overview(book: RuleBook, lang: str, cites: Citations) -> str:
    """What the pool covers, from the catalogue and the parameters: the programmes and
    costs it may fund, the cap on informal upskilling, the target group, what it may not
    fund; each line with the sentences of the fact sheet it rests on."""
    def line(head: str, entries: list[Entry]) -> str:
        marks = "".join(cites.mark(e.citations[0]) for e in entries if e.citations)
        return f"- {head}: {', '.join(e.label.get(lang) for e in entries)} {marks}"

    allowed = [e for e in book.programmes.values()
               if e.verdict in ("yes", "conditional") and e.id != "informal"]
    costs = [e for e in book.costs.values()
             if e.verdict in ("yes", "conditional") and e.id != "informal"]
    excluded = [e for e in [*book.programmes.values(), *book.costs.values()]
                if e.verdict == "no"]
    percent = f"{book.params.informal_cap.value * 100:g}"
    lines = [OVERVIEW["lead"].get(lang), line(OVERVIEW["programmes"].get(lang), allowed),
             line(OVERVIEW["costs"].get(lang), costs),
             f"- {OVERVIEW['informal'].get(lang).format(cap=percent)} "
             f"{cites.mark(book.params.informal_cap.citation)}",
             f"- {OVERVIEW['target'].get(lang)} {cites.mark(book.role_quote('target_quote'))}",
             line(OVERVIEW["excluded"].get(lang), excluded),
             OVERVIEW["conditions"].get(lang)]
    return "\n".join(lines)


def compose_abstention(lang: str) -> str:
    return f"{ABSTAIN.get(lang)}\n{WHERE_TO_ASK.get(lang)}"


_NUMBER = re.compile(r"\d[\d.,]*\d|\d")


def numbers_in(text: str) -> set[str]:
    """The numbers in a text, normalised (separators dropped), for checking that an answer
    states no figure that its sources do not.

    >>> sorted(numbers_in("240.000 kr. den 31. juli 2026 [1]"))
    ['1', '2026', '240000', '31']
    """
    return {re.sub(r"[.,]", "", m.group(0)) for m in _NUMBER.finditer(text)}
