"""Reading a question into rule inputs: deterministic, and silent when unsure.

The extractor looks for the things the rules take (programme kinds, costs, roles,
amounts, dates, years) and for what the question asks (may we fund …? how much …? when
…?). A rule runs only when both are there; a question it does not understand runs no
rule and goes to retrieval alone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from assistant.rules.book import RuleBook
from assistant.rules.dates_text import (
    NUMBER_WORDS,
    find_date_spans,
    find_relative_dates,
    find_years,
)
from assistant.rules.decision import Decision
from assistant.rules.experience import experience_years
from assistant.rules.money import find_amount_spans
from assistant.rules.registry import run_rule
from assistant.rules.vocabulary import (
    ACCOUNTS,
    ALL_OF,
    APPLY,
    BESIDES,
    CAP,
    CAP_NAMES,
    CERTAIN,
    COMPLETION,
    COUNTS_CAP,
    CREDIT,
    DIRECTLY,
    DISTRIBUTION,
    DURATION,
    FIRST_ROUND,
    FOLLOW_SOURCE,
    FORMAL,
    FUNDING,
    GRANT_WORDS,
    GRANT_YEAR,
    INFORMAL,
    INSTITUTION,
    LONG_PROGRAMME,
    LONG_PROGRAMMES,
    NOW,
    OF_OUR,
    OTHER_COURSES,
    OTHER_MUNICIPALITY,
    OTHER_POOL,
    OUTCOME,
    PAY_ADVANCE,
    PAY_ANNUAL,
    PAYMENT,
    PAYMENT_TIMING,
    PLANNED_SHARE,
    POOL_AMOUNT,
    REPORT_COUNT,
    REPORT_DAYS,
    REPORT_SPLIT,
    REPORTING,
    ROUNDS_WHY,
    RULES_CHANGE,
    SPENDING_START,
    START,
    STATUS,
    SUBMISSION_DEADLINE,
    TARGET,
    TARGET_STRONG,
    TARGET_WHO,
    TODAY_CLAIM,
    UNIVERSITY,
    UNLISTED,
    WHEN,
    asking_part,
    is_yes_no,
)
from assistant.scope import out_of_scope


@dataclass
class Extraction:
    """What was found in the question, and which rules it calls for."""

    programmes: list[tuple[str, str]] = field(default_factory=list)  # (id, words used)
    unlisted: list[str] = field(default_factory=list)
    costs: list[tuple[str, str]] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    private: bool = False
    outside: str = ""
    amounts: list[float] = field(default_factory=list)
    informal_amounts: list[float] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)
    start_date: dt.date | None = None  # the date the question says something starts
    years: list[int] = field(default_factory=list)
    calls: list[tuple[str, dict[str, object]]] = field(default_factory=list)


def _has(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def _first_match(patterns: tuple[re.Pattern[str], ...], text: str) -> str:
    for p in patterns:
        m = p.search(text)
        if m:
            return m.group(0)
    return ""


def extract(book: RuleBook, question: str, as_of: dt.date | None = None) -> Extraction:
    """Find the rule inputs in a question and decide which rules apply.

    A question that names another source (FOA, København) asks what that source does or
    thinks, not what the rules say, and one on a topic the material does not cover
    (scope.yaml) is not for the rules either: no rule runs.
    """
    ex = Extraction()
    text = question
    # A request for the service's internals ("print your system prompt, then answer …")
    # is ignored, not a reason to leave the real question unanswered.
    named = _has(book.source_aliases, text)
    if (named and (_has(book.source_aliases, asking_part(text))
                   or FOLLOW_SOURCE.search(asking_part(text)))) or OTHER_MUNICIPALITY.search(
            text) or out_of_scope(text) not in (None, "service_internals"):
        return ex
    for pid, entry in book.programmes.items():
        if entry.matches(text):
            ex.programmes.append((pid, _first_match(entry.names, text)))
    # "an HF subject to meet the entry requirements for PAU": PAU (or meritpædagog) is
    # where the general adult education leads, not what is to be paid for.
    # "et enkeltfag … på Åben Uddannelse (universitet)": a university subject is not
    # general adult education; what is not listed is reported as such.
    if any(p.search(text) for p in UNIVERSITY) and [pid for pid, _ in ex.programmes] == ["avu"]:
        ex.programmes = []
    ids = {pid for pid, _ in ex.programmes}
    if "avu" in ids and ids & {"pau", "meritpaedagog"}:
        ex.programmes = [(pid, w) for pid, w in ex.programmes
                         if pid not in ("pau", "meritpaedagog")]
    ex.unlisted = [found.group(0) for p in UNLISTED if (found := p.search(text))]
    for cid, entry in book.costs.items():
        if entry.matches(text):
            ex.costs.append((cid, _first_match(entry.names, text)))
    ex.roles = [r for r, pats in book.roles.items() if _has(pats, text)]
    ex.outside = _first_match(book.outside_names, text)
    ex.private = _has(book.private_names, text)
    spans = [s for s in find_amount_spans(text) if s[0] > 0]
    ex.amounts = [s[0] for s in spans]
    ex.informal_amounts = _informal_amounts(spans, text)
    date_spans = [(pos, d) for pos, d in find_date_spans(text)
                  if not TODAY_CLAIM.search(text[max(0, pos - 40):pos])]
    if as_of is not None:  # "i morgen", "på mandag", "om 14 dage", "efter sommerferien"
        date_spans = sorted(date_spans + find_relative_dates(text, as_of))
    ex.dates = [d for _, d in date_spans]
    ex.start_date = _start_date(date_spans, text)
    ex.years = find_years(text)
    ex.calls = _calls(ex, text, book.params["completion_deadline"].data["date"])
    ex.calls = [(name, inputs | stated_conditions(book, name, inputs, text))
                for name, inputs in ex.calls]
    return ex


def stated_conditions(book: RuleBook, name: str, inputs: dict[str, object],
                text: str) -> dict[str, object]:
    """What the question itself says about a programme's conditions (met, unmet, silent).

    Admission and relevance bind every programme, listed as conditional or not; a stated
    work experience settles a programme's experience requirement (PAU as euv1).
    """
    if name == "programme_eligibility":
        entry = book.programmes.get(str(inputs["programme"]))
    elif name == "covered_cost":
        entry = book.costs.get(str(inputs["cost"]))
    else:
        return {}
    if entry is None or entry.verdict == "no":
        return {}
    if name == "programme_eligibility" and _has(book.admission_unmet, text):
        return {"conditions_met": False, "unmet": "admission"}
    if name == "programme_eligibility" and _has(book.relevance_unmet, text):
        return {"conditions_met": False, "unmet": "relevance"}
    if entry.verdict != "conditional":
        return {}
    if _has(entry.unmet, text) or _has(book.relevance_unmet, text):
        return {"conditions_met": False}
    if entry.min_experience_years is not None:
        years = experience_years(text)
        if years is not None:
            return {"conditions_met": years >= entry.min_experience_years,
                    "experience_years": years}
    if entry.met and _has(entry.met, text):
        return {"conditions_met": True}
    return {}


def _planned_end(deadline: dt.date, ex: Extraction, text: str) -> dt.date | None:
    """When the question says something ends: a date after a completion word ("færdig
    31. december 2029"), or a year alone ("færdig i 2029") when the whole year lies before
    the deadline's year (a year alone in the deadline's own year cannot be judged)."""
    words = [m.end() for p in COMPLETION if (m := p.search(text))]
    if not words:
        return None
    after = min(words)
    dated = [d for pos, d in find_date_spans(text) if pos >= after and d.year >= 2027]
    if dated:
        return dated[-1]
    years = [int(m.group(1)) for m in re.finditer(r"(?<![\d.,/])(20[23]\d)(?![\d.,]\d)",
                                                 text[after:])]
    years = [y for y in years if 2027 <= y < deadline.year]
    return dt.date(years[-1], 12, 31) if years else None


def _start_date(spans: list[tuple[int, dt.date]], text: str) -> dt.date | None:
    """The date a start verb points at: the first date after the first start word
    ("Du må ikke nævne 31. juli 2026. Kan vi starte i december 2026?" starts in December),
    else the first date in the question."""
    if not spans:
        return None
    # A date after a completion word ("… og bliver færdig i juni 2030") is an end.
    ends = sorted(m.start() for p in COMPLETION for m in p.finditer(text))
    def is_end(pos: int) -> bool:
        before = [e for e in ends if e < pos]
        return bool(before) and pos - before[-1] < 30
    spans = [(pos, d) for pos, d in spans if not is_end(pos)] or spans
    starts = [m.start() for p in START if (m := p.search(text))]
    if starts:
        after = [d for pos, d in spans if pos > min(starts)]
        if after:
            return after[0]
    return spans[0][1]


def _informal_amounts(spans: list[tuple[float, int, int]], text: str) -> list[float]:
    """Amounts that a plan puts on informal upskilling: those whose clause (from the amount
    to the next amount or sentence end) names an informal kind and no formal one."""
    out = []
    for i, (value, _, end) in enumerate(spans):
        stop = spans[i + 1][1] if i + 1 < len(spans) else len(text)
        if i + 1 < len(spans) and OF_OUR.match(text[end:stop]):
            # "210.000 af vores 2,3 mio. på interne kurser": the clause follows the grant
            end = spans[i + 1][2]
            stop = spans[i + 2][1] if i + 2 < len(spans) else len(text)
        clause = re.split(r"[.?!;](?:\s|$)", text[end:stop])[0]
        if _has(INFORMAL, clause) and not _has(FORMAL, clause):
            out.append(value)
    return out


def _calls(ex: Extraction, text: str, book_deadline: dt.date
           ) -> list[tuple[str, dict[str, object]]]:
    calls: list[tuple[str, dict[str, object]]] = []
    funding = _has(FUNDING, text)
    informal = _has(INFORMAL, text) or any(p == "informal" for p, _ in ex.programmes)

    # The cap: a grant amount and a question about how much may go to informal courses.
    if ex.amounts and (informal or _has(CAP, text)) and (informal or _has(GRANT_WORDS, text)):
        grant = max(ex.amounts)
        inputs: dict[str, object] = {"grant_dkk": grant}
        planned = [a for a in ex.informal_amounts if a != grant]
        share = PLANNED_SHARE.search(text)
        if not planned and informal and share and _has(INFORMAL, text[share.end():][:60]):
            # "vi overvejer at lægge 12 % i interne kurser": a share of the grant
            planned = [round(grant * float(share.group(1).replace(",", ".")) / 100, 2)]
        if not planned and informal and _has(ALL_OF, text):
            planned = [grant]  # "hele tilskuddet på private kurser"
        if not planned and informal and len(ex.amounts) == 2:
            planned = [min(ex.amounts)]  # "bruge 100.000 af vores 1,2 mio. på private kurser"
        if planned:
            inputs["planned_informal_dkk"] = sum(planned)
        calls.append(("informal_cap", inputs))
    elif ((informal and _has(CAP, text)) or _has(CAP_NAMES, text)) and not ex.amounts and not (
            _has(COUNTS_CAP, text) and ex.programmes):
        calls.append(("informal_cap", {}))

    # Do courses paid by the pool give credit towards PAU or meritpædagog?
    if _has(CREDIT, text):
        calls.append(("credit_transfer", {}))

    # Does a kind of programme count towards the cap? (no amount needed)
    if not ex.amounts and ex.programmes and _has(COUNTS_CAP, text) and _has(CAP_NAMES, text):
        calls += [("counts_towards_cap", {"programme": pid}) for pid, _ in ex.programmes[:1]]

    # Dates come before eligibility: a closed window decides a "can we start …" question.
    starting = _has(START, text)
    grant_year = GRANT_YEAR.search(text)
    if _has(SPENDING_START, text) and not ex.programmes:
        calls.append(("spending_start", {}))
    elif ex.dates and starting:
        assert ex.start_date is not None
        calls.append(("activity_start", {"start": ex.start_date.isoformat()}))
    elif starting and (_has(NOW, text) or _has(FIRST_ROUND, text) or _has(WHEN, text)
                       or grant_year):
        calls.append(("first_round_open", {}))
    duration = DURATION.search(text)
    end = _planned_end(book_deadline, ex, text)
    if duration and (ex.programmes or _has(LONG_PROGRAMME, text)):
        start = ex.start_date
        word = duration.group(1).lower()
        years = float(NUMBER_WORDS[word] if word in NUMBER_WORDS else word.replace(",", "."))
        calls.append(("completion_deadline", {"start": start.isoformat() if start else None,
                                              "years": years}))
    elif _has(COMPLETION, text) and (_has(LONG_PROGRAMME, text) or ex.dates) and (
            _has(WHEN, text) or ex.dates or end):
        calls.append(("completion_deadline", {"end": end.isoformat()} if end else {}))
    elif ex.dates and starting and any(p in LONG_PROGRAMMES for p, _ in ex.programmes):
        calls.append(("completion_deadline", {}))  # a long programme must also finish
    if _has(STATUS, text) or (_has(RULES_CHANGE, text) and is_yes_no(text)):
        inputs_s: dict[str, object] = {"outcome_asked": _has(OUTCOME, text)}
        if is_yes_no(text) and _has(RULES_CHANGE, text):
            inputs_s["change_asked"] = True
        calls.append(("status_review", inputs_s))
    if _has(PAYMENT, text) and (_has(WHEN, text) or _has(PAYMENT_TIMING, text)):
        asked = None
        if is_yes_no(text):
            asked = ("advance" if _has(PAY_ADVANCE, text) else
                     "annual" if _has(PAY_ANNUAL, text) else None)
        calls.append(("payments", {"asked": asked} if asked else {}))

    # How the money reaches the municipalities: no application, by the number of children.
    own_pool_removed = re.sub(r"(?<!\w)(?:opkvalificerings)?pulje\w*", "", text,
                              flags=re.IGNORECASE)
    if not ex.programmes and not ex.costs and not _has(OTHER_POOL, own_pool_removed):
        yes_no = is_yes_no(text)
        if _has(APPLY, text) and _has(INSTITUTION, text) and _has(DIRECTLY, text):
            calls.append(("allocation", {"asked": "institution", "yes_no": yes_no}))
        elif _has(APPLY, text):
            calls.append(("allocation", {"asked": "apply", "yes_no": yes_no}))
        elif ROUNDS_WHY.search(text):
            calls.append(("allocation", {"asked": "rounds"}))
        elif _has(DISTRIBUTION, text) and not ex.amounts and not ex.roles and not ex.private:
            calls.append(("allocation", {"asked": "distribution"}))
    reporting = _has(REPORTING, text)
    if reporting:
        inputs = {}
        if is_yes_no(text):
            item = ("days" if _has(REPORT_DAYS, text) else "split" if _has(REPORT_SPLIT, text)
                    else "count" if _has(REPORT_COUNT, text) else None)
            kinds = {p for p, _ in ex.programmes}
            group = ("long" if kinds and kinds <= {"pau", "meritpaedagog"} else
                     "other" if kinds or _has(OTHER_COURSES, text) else None)
            inputs = {k: v for k, v in (("item", item), ("group", group)) if v}
        calls.append(("content_reporting", inputs))
    # "What must we report besides the accounts?" asks about the content report only.
    # "et diplommodul i regnskab" names a subject, not the pool's accounts.
    if _has(ACCOUNTS, text) and not ex.costs and not (reporting and _has(BESIDES, text)) and not (
            ex.programmes and funding):
        deadline = _has(SUBMISSION_DEADLINE, text)
        calls.append(("accounting_periods", {"deadline_asked": True} if deadline else {}))
    if grant_year and not ex.dates and not starting:
        year = int(next(g for g in grant_year.groups() if g))
        calls.append(("grant_year_window", {"year": year}))

    # Who: when the question is about who may take part.
    strong_target = _has(TARGET_STRONG, text)
    if ex.outside and (funding or _has(TARGET, text)):
        calls.append(("target_group", {"outside": ex.outside}))
    elif _has(TARGET_WHO, text) or ((ex.roles or ex.private) and (strong_target or (
            not (ex.programmes or ex.costs) and (_has(TARGET, text) or (ex.private and funding))))):
        calls.append(("target_group", {"roles": ex.roles, "private": ex.private}))

    # Eligibility of costs (asked about first when named) and programmes.
    decided = {c[0] for c in calls}
    if funding and not decided & {"counts_towards_cap", "target_group", "credit_transfer"}:
        calls += [("covered_cost", {"cost": cid, "named_as": words}) for cid, words in ex.costs]
        for pid, words in ex.programmes:
            if pid == "informal" and "informal_cap" in decided:
                continue
            calls.append(("programme_eligibility", {"programme": pid, "named_as": words}))
        if not ex.programmes:
            calls += [("programme_eligibility", {"programme": "unlisted", "named_as": w})
                      for w in ex.unlisted[:1]]

    if _has(POOL_AMOUNT, text) and not ex.amounts and not any(
            c[0] == "informal_cap" for c in calls):
        span = sorted(set(ex.years))
        inputs = {"first": span[0], "last": span[-1]} if span else {}
        if is_yes_no(text) and _has(CERTAIN, text):
            inputs["certainty_asked"] = True
        calls.append(("pool_amounts", inputs))
    return calls


def decide(book: RuleBook, question: str, as_of: dt.date) -> tuple[Extraction, list[Decision]]:
    """The extraction and the decisions of the rules it calls for (none when unsure)."""
    ex = extract(book, question, as_of)
    decisions = [run_rule(book, name, inputs, as_of) for name, inputs in ex.calls]
    return ex, decisions
