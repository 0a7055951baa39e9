"""Scoring the eval's answers: one row per case, and the figures over rows.

Pure functions over saved answers (``evals/runner.py`` generates them): nothing here asks
the assistant or loads a model, so ``pulje eval --rescore`` scores a saved run alone.
The shares a classifier report has (verdict accuracy and its confusion matrix,
abstention precision and recall, false abstentions) are scikit-learn's; the sums over
facts, citations and ranks are counted here.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sklearn.metrics import accuracy_score, confusion_matrix, precision_score, recall_score

from assistant.answering.composition import Answer
from assistant.corpus.passages import ANSWERING_ROLES, sentence_role
from assistant.corpus.sentences import sentence_spans
from evals.retrieval import Passages, relevant_passages, score
from evals.runner import Run, matched

VERDICTS = ["yes", "no", "conditional", "unknown", "info"]
# The kinds a rule rarely decides: answered from the documents' own sentences.
DOCUMENTARY_KINDS = frozenset({"copenhagen", "foa", "amounts", "allocation", "overview",
                               "background", "multipart"})
# The figures printed side by side (--config) and in the report's side-by-side table.
TABLE_KEYS = ["verdict_accuracy", "fact_recall", "citation_precision", "citation_recall",
              "abstention_recall", "false_abstention", "recall_at_5", "mrr", "latency_p95_ms"]


def quotes_no_answer(quote: str) -> bool:
    """A cited quote that is only a question quoted in a document, page furniture, a
    lead-in or a fragment: nothing in it answers.

    >>> quotes_no_answer("Tlf. 46 97 26 26 foa.dk")
    True
    >>> quotes_no_answer("Midlerne skal sikre, at:")
    True
    >>> quotes_no_answer("Midlerne skal sikre, at: - ufaglært personale bliver klædt på.")
    False
    """
    roles = []
    for a, b in sentence_spans(quote):
        line_start = quote.rfind("\n", 0, a) + 1
        bullet = quote[line_start:a].strip().startswith("-")
        roles.append(sentence_role(quote[a:b].lstrip("- "), bullet))
    return not any(r in ANSWERING_ROLES for r in roles)


_NEGATION_BEFORE = re.compile(r"(?:\b(?:ikke|aldrig|not|never|no|intet|ingen)\s+(?:\w+\s+)?)$",
                              re.IGNORECASE)


def fact_found(fact: str, text: str) -> bool:
    """Whether one of a fact's alternatives ("240.000|240,000") is in the text.

    A figure counts only as a whole number, not inside a longer one, and not when the
    answer negates it:

    >>> fact_found("18.000", "loftet er 180.000 kr.")
    False
    >>> fact_found("18.000", "loftet er 18.000 kr.")
    True
    >>> fact_found("10 pct.", "det er ikke 10 pct., men 15")
    False
    >>> fact_found("ledelse", "specialisering i ledelse")
    True
    """
    return any(_alternative_found(alt.strip(), text) for alt in fact.split("|") if alt.strip())


def _alternative_found(alt: str, text: str) -> bool:
    if not re.search(r"\d", alt):
        return alt.lower() in text.lower()
    # A figure: no digit (or digit group) may continue it on either side.
    pattern = re.compile(r"(?<![\d])(?<![\d][.,])" + re.escape(alt) + r"(?![.,]?\d)",
                         re.IGNORECASE)
    return any(not _NEGATION_BEFORE.search(text[max(0, m.start() - 30):m.start()])
               for m in pattern.finditer(text))


def score_case(case: dict[str, Any], answer: Answer, ms: float, passages: Passages | None,
               ranked: list[str] | None) -> dict[str, Any]:
    """Everything measured on one case: ``passages`` are the corpus's (library mode; None
    against an API, whose citations carry their own copy), ``ranked`` the retriever's
    passage ids for the case's resolved question (library mode)."""
    text = answer.answer
    facts = case.get("must_include") or []
    forbidden = case.get("must_not_include") or []
    evidence = [(e["doc"], e["quote"]) for e in case.get("evidence") or []]
    row: dict[str, Any] = {
        "id": case["id"], "kind": case["kind"], "lang": case["lang"],
        "split": case["split"],
        "question": case.get("question") or " / ".join(case["turns"]),
        "expected": case["verdict"], "got": answer.verdict,
        "verdict_ok": answer.verdict == case["verdict"],
        "facts": len(facts), "facts_found": sum(fact_found(f, text) for f in facts),
        "missing_facts": [f for f in facts if not fact_found(f, text)],
        "forbidden_hits": [f for f in forbidden if fact_found(f, text)],
        "abstain_expected": bool(case["abstain"]), "abstained": answer.abstained,
        "lang_ok": answer.lang == case["lang"], "latency_ms": round(ms, 2),
        "answer": text, "cited": [c.passage_id for c in answer.citations],
        "words": len(text.split()),
        "quoted_no_answer": sum(quotes_no_answer(c.quote) for c in answer.citations),
    }
    # Citations: the quote must be an exact substring of the real passage (from the corpus
    # in library mode; the API's own copy otherwise).
    exact = []
    for c in answer.citations:
        real = (passages.passages[passages.rows[c.passage_id]].text
                if passages is not None and c.passage_id in passages.rows else c.text)
        exact.append(bool(c.quote.strip()) and c.quote in real and c.text == real)
    row["citations"], row["citations_exact"] = len(exact), sum(exact)
    row["evidence_items"], row["evidence_cited"] = 0, 0
    row["citations_on_evidence"] = 0
    if passages is not None and scores_evidence(case):
        per_item = [relevant_passages(passages, (item,)) for item in evidence]
        relevant = set().union(*per_item)
        cited = set(row["cited"])
        row["evidence_items"] = len(per_item)
        row["evidence_cited"] = sum(bool(ids & cited) for ids in per_item)
        row["citations_on_evidence"] = sum(pid in relevant for pid in row["cited"])
        if ranked is not None and case.get("question"):
            hit1, hit5, rr = score(ranked, relevant)
            row["retrieval"] = {"hit1": hit1, "hit5": hit5, "rr": rr}
    return row


def scores_evidence(case: dict[str, Any]) -> bool:
    """Whether a case's citations are scored against its evidence (and, asked in one
    turn, its retrieval ranked): it has evidence and is not meant to be refused."""
    return bool(case.get("evidence")) and not case["abstain"]


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 3) if den else None


def _share(value: float, den: int) -> float | None:
    """A scikit-learn share, rounded as every figure is; None when nothing was counted."""
    return round(float(value), 3) if den else None


def totals(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The figures the gate and the report read (None where nothing could be measured)."""
    expected = [bool(r["abstain_expected"]) for r in rows]
    abstained = [bool(r["abstained"]) for r in rows]
    n_oos, n_abstained, n_ins = sum(expected), sum(abstained), len(rows) - sum(expected)
    retrieval = [r["retrieval"] for r in rows if "retrieval" in r]
    with_evidence = [r for r in rows if r["evidence_items"]]
    latencies = sorted(r["latency_ms"] for r in rows) or [0.0]
    pct = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
    return {
        "cases": len(rows),
        "verdict_accuracy": _share(accuracy_score([r["expected"] for r in rows],
                                                  [r["got"] for r in rows]) if rows else 0,
                                   len(rows)),
        "fact_recall": _ratio(sum(r["facts_found"] for r in rows),
                              sum(r["facts"] for r in rows)),
        "forbidden_hits": sum(len(r["forbidden_hits"]) for r in rows),
        "citation_precision": _ratio(sum(r["citations_exact"] for r in rows),
                                     sum(r["citations"] for r in rows)),
        "citation_recall": _ratio(sum(r["evidence_cited"] for r in with_evidence),
                                  sum(r["evidence_items"] for r in with_evidence)),
        "citation_relevance": _ratio(sum(r["citations_on_evidence"] for r in with_evidence),
                                     sum(r["citations"] for r in with_evidence)),
        "abstention_recall": _share(recall_score(expected, abstained, zero_division=0)
                                    if n_oos else 0, n_oos),
        "abstention_precision": _share(precision_score(expected, abstained, zero_division=0)
                                       if n_abstained else 0, n_abstained),
        "false_abstention": _share(_false_positive_rate(expected, abstained)
                                   if n_ins else 0, n_ins),
        "language_match": _ratio(sum(r["lang_ok"] for r in rows), len(rows)),
        "recall_at_1": _ratio(sum(x["hit1"] for x in retrieval), len(retrieval)),
        "recall_at_5": _ratio(sum(x["hit5"] for x in retrieval), len(retrieval)),
        "mrr": _ratio(sum(x["rr"] for x in retrieval), len(retrieval)),
        "quoted_no_answer": sum(r.get("quoted_no_answer", 0) for r in rows),
        "words_median": statistics.median([r.get("words", 0) for r in rows]) if rows else None,
        "latency_p50_ms": round(statistics.median(latencies), 2),
        "latency_p95_ms": round(pct[18], 2),
    }


def _false_positive_rate(expected: list[bool], predicted: list[bool]) -> float:
    """Of the cases not to be refused, the share refused."""
    (tn, fp), _ = confusion_matrix(expected, predicted, labels=[False, True])
    return float(fp / (tn + fp))


def breakdown(rows: Sequence[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[r[key]].append(r)
    return {k: totals(v) for k, v in sorted(groups.items())}


def confusion(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Expected verdict → answered verdict → count."""
    if not rows:
        return {e: dict.fromkeys(VERDICTS, 0) for e in VERDICTS}
    matrix = confusion_matrix([r["expected"] for r in rows], [r["got"] for r in rows],
                              labels=VERDICTS)
    return {e: {g: int(n) for g, n in zip(VERDICTS, line, strict=True)}
            for e, line in zip(VERDICTS, matrix, strict=True)}


def score_run(run: Run, cases: list[dict[str, Any]],
              passages: Passages | None) -> dict[str, Any]:
    """A run's answers scored against the gold set's cases: the result the suite prints,
    gates, reports and saves (``passages`` None for a run against an API)."""
    rows = [score_case(case, g.answer, g.ms, passages, g.ranked)
            for case, g in matched(run, cases)]
    return {
        "split": run.split, "mode": run.mode, "settings": run.settings,
        "seconds": run.seconds,
        "totals": totals(rows), "by_kind": breakdown(rows, "kind"),
        "documentary": totals([r for r in rows if r["kind"] in DOCUMENTARY_KINDS
                               and not r["abstain_expected"]]),
        "by_lang": breakdown(rows, "lang"), "confusion": confusion(rows),
        "cases": rows, "redteam": run.redteam,
    }


def failing_cases(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The cases the gate lists: a wrong verdict, a missing or forbidden fact, an inexact
    quote, or abstaining where it should not (or not where it should)."""
    return [r for r in result["cases"] if not r["verdict_ok"] or r["missing_facts"]
            or r["forbidden_hits"] or r["citations_exact"] < r["citations"]
            or r["abstained"] != r["abstain_expected"]]


def compact(result: dict[str, Any]) -> dict[str, Any]:
    """What a baseline keeps: totals and per-case outcomes."""
    return {"totals": result["totals"], "split": result["split"], "cases": [
        {k: c[k] for k in ("id", "kind", "verdict_ok", "facts_found", "got")}
        for c in result["cases"]]}


def fmt(v: Any) -> str:
    """A figure as printed: three decimals, "–" for one not measured.

    >>> fmt(0.8541), fmt(None), fmt(12)
    ('0.854', '–', '12')
    """
    return "–" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)
