"""The eval suite: ``pulje eval`` / ``python -m evals``.

Runs the gold set (``evals/gold/*.yaml``) through the library, or through a running API
with ``--url``, and scores every case: retrieval against the evidence (recall@1/@5, MRR),
the verdict (with a confusion matrix), required and forbidden facts, citations (exact
quotes of real passages; whether they cite the evidence), abstention, language and
latency, broken down by kind and language. ``--config`` runs several configurations side
by side; ``--report`` writes Markdown + HTML with plots and a diff against a baseline;
``--gate`` checks ``evals/thresholds.toml`` and fails with the failing cases listed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

from assistant.answering.composition import Answer
from assistant.common.config import Settings
from assistant.corpus.passages import ANSWERING_ROLES, sentence_role
from assistant.corpus.sentences import sentence_spans
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.index import SearchIndex
from evals.gate import BASELINE, baseline_diff, gate, load_baseline
from evals.gold_set import load_gold
from evals.retrieval import relevant_passages, score

EVALS = Path(__file__).resolve().parent
REPORTS = EVALS / "reports"
VERDICTS = ["yes", "no", "conditional", "unknown", "info"]
# The kinds a rule rarely decides: answered from the documents' own sentences.
DOCUMENTARY_KINDS = frozenset({"copenhagen", "foa", "amounts", "allocation", "overview",
                               "background", "multipart"})


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

# Configurations for --config: settings overrides on top of the environment's settings.
CONFIGS: dict[str, dict[str, Any]] = {
    "hybrid": {},
    "bm25": {"retrieval_mode": "bm25"},
    "e5": {"retrieval_mode": "dense"},
    "minilm": {"retrieval_mode": "dense", "embedding_backend": "sentence-transformers",
               "embedding_model": ""},
    "llm": {},  # the environment's LLM (PULJE_LLM_BASE_URL); skipped when none is set
}

Ask = Callable[[str, list[dict[str, str]], dt.date], Answer]


def assistant_asker(assistant: Any) -> Ask:
    """An ``Ask`` over an assistant in this process."""
    def ask(question: str, history: list[dict[str, str]], as_of: dt.date) -> Answer:
        answer: Answer = assistant.ask(question, history=history, as_of=as_of)
        return answer

    return ask


def library_asker(settings: Settings) -> tuple[Ask, Any]:
    from assistant.service import Assistant

    assistant = Assistant(settings)
    return assistant_asker(assistant), assistant


def api_asker(url: str, key: str) -> Ask:
    client = httpx.Client(base_url=url.rstrip("/"), timeout=60,
                          headers={"X-API-Key": key} if key else {})

    def ask(question: str, history: list[dict[str, str]], as_of: dt.date) -> Answer:
        r = client.post("/v1/ask", json={"question": question, "history": history,
                                         "as_of": as_of.isoformat()})
        r.raise_for_status()
        return Answer.model_validate(r.json())

    return ask


def run_case(ask: Ask, case: dict[str, Any]) -> tuple[Answer, float]:
    """The case's last answer (after its earlier turns) and how long it took."""
    as_of = dt.date.fromisoformat(str(case["as_of"]))
    history: list[dict[str, str]] = []
    answer, elapsed = None, 0.0
    for turn in case.get("turns") or [case["question"]]:
        started = time.perf_counter()
        answer = ask(turn, history, as_of)
        elapsed = (time.perf_counter() - started) * 1000
        history += [{"role": "user", "content": turn},
                    {"role": "assistant", "content": answer.answer}]
    assert answer is not None
    return answer, elapsed


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


def score_case(case: dict[str, Any], answer: Answer, ms: float, index: SearchIndex | None,
               retriever: HybridRetriever | None) -> dict[str, Any]:
    """Everything measured on one case."""
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
    # Citations: the quote must be an exact substring of the real passage (from the index
    # in library mode; the API's own copy otherwise).
    exact = []
    for c in answer.citations:
        real = (index.passages[index.rows[c.passage_id]].text
                if index is not None and c.passage_id in index.rows else c.text)
        exact.append(bool(c.quote.strip()) and c.quote in real and c.text == real)
    row["citations"], row["citations_exact"] = len(exact), sum(exact)
    row["evidence_items"], row["evidence_cited"] = 0, 0
    row["citations_on_evidence"] = 0
    if index is not None and evidence and not case["abstain"]:
        per_item = [relevant_passages(index, (item,)) for item in evidence]
        relevant = set().union(*per_item)
        cited = set(row["cited"])
        row["evidence_items"] = len(per_item)
        row["evidence_cited"] = sum(bool(ids & cited) for ids in per_item)
        row["citations_on_evidence"] = sum(pid in relevant for pid in row["cited"])
        if retriever is not None and case.get("question"):
            ranked = [p.id for p, _ in retriever.search(answer.resolved_question)]
            hit1, hit5, rr = score(ranked, relevant)
            row["retrieval"] = {"hit1": hit1, "hit5": hit5, "rr": rr}
    return row


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 3) if den else None


def totals(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The figures the gate and the report read (None where nothing could be measured)."""
    oos = [r for r in rows if r["abstain_expected"]]
    ins = [r for r in rows if not r["abstain_expected"]]
    abstained = [r for r in rows if r["abstained"]]
    retrieval = [r["retrieval"] for r in rows if "retrieval" in r]
    with_evidence = [r for r in rows if r["evidence_items"]]
    latencies = sorted(r["latency_ms"] for r in rows) or [0.0]
    pct = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
    return {
        "cases": len(rows),
        "verdict_accuracy": _ratio(sum(r["verdict_ok"] for r in rows), len(rows)),
        "fact_recall": _ratio(sum(r["facts_found"] for r in rows),
                              sum(r["facts"] for r in rows)),
        "forbidden_hits": sum(len(r["forbidden_hits"]) for r in rows),
        "citation_precision": _ratio(sum(r["citations_exact"] for r in rows),
                                     sum(r["citations"] for r in rows)),
        "citation_recall": _ratio(sum(r["evidence_cited"] for r in with_evidence),
                                  sum(r["evidence_items"] for r in with_evidence)),
        "citation_relevance": _ratio(sum(r["citations_on_evidence"] for r in with_evidence),
                                     sum(r["citations"] for r in with_evidence)),
        "abstention_recall": _ratio(sum(r["abstained"] for r in oos), len(oos)),
        "abstention_precision": _ratio(sum(r["abstain_expected"] for r in abstained),
                                       len(abstained)),
        "false_abstention": _ratio(sum(r["abstained"] for r in ins), len(ins)),
        "language_match": _ratio(sum(r["lang_ok"] for r in rows), len(rows)),
        "recall_at_1": _ratio(sum(x["hit1"] for x in retrieval), len(retrieval)),
        "recall_at_5": _ratio(sum(x["hit5"] for x in retrieval), len(retrieval)),
        "mrr": _ratio(sum(x["rr"] for x in retrieval), len(retrieval)),
        "quoted_no_answer": sum(r.get("quoted_no_answer", 0) for r in rows),
        "words_median": statistics.median([r.get("words", 0) for r in rows]) if rows else None,
        "latency_p50_ms": round(statistics.median(latencies), 2),
        "latency_p95_ms": round(pct[18], 2),
    }


def breakdown(rows: Sequence[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[r[key]].append(r)
    return {k: totals(v) for k, v in sorted(groups.items())}


def confusion(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Expected verdict → answered verdict → count."""
    out: dict[str, dict[str, int]] = {e: dict.fromkeys(VERDICTS, 0) for e in VERDICTS}
    for r in rows:
        out[r["expected"]][r["got"]] += 1
    return out


def run(settings: Settings, split: str | None, url: str = "", key: str = "",
        progress: bool = False) -> dict[str, Any]:
    """One configuration over the gold set (and the red-team set in library mode)."""
    cases = load_gold(split)
    index: SearchIndex | None = None
    retriever: HybridRetriever | None = None
    redteam: list[dict[str, Any]] | None = None
    if url:
        ask = api_asker(url, key)
    else:
        ask, assistant = library_asker(settings)
        index = assistant.index
        retriever = HybridRetriever(index=index, k=20, candidates=settings.candidates,
                                    rrf_k=settings.rrf_k, mode=settings.retrieval_mode)
    if cases:  # warm-up: models loaded and caches primed, as in a running server
        run_case(ask, {"as_of": cases[0]["as_of"], "question": "Hvad er puljen til?"})
    started = time.perf_counter()
    rows = []
    for i, case in enumerate(cases, 1):
        answer, ms = run_case(ask, case)
        rows.append(score_case(case, answer, ms, index, retriever))
        if progress and i % 50 == 0:
            print(f"  {i}/{len(cases)}", file=sys.stderr)
    if not url:
        redteam = _redteam(assistant)
    return {
        "split": split or "all", "mode": url or "library",
        "settings": {"retrieval_mode": settings.retrieval_mode,
                     "embedding_backend": settings.embedding_backend,
                     "llm": bool(settings.llm_base_url)},
        "seconds": round(time.perf_counter() - started, 1),
        "totals": totals(rows), "by_kind": breakdown(rows, "kind"),
        "documentary": totals([r for r in rows if r["kind"] in DOCUMENTARY_KINDS
                               and not r["abstain_expected"]]),
        "by_lang": breakdown(rows, "lang"), "confusion": confusion(rows),
        "cases": rows, "redteam": redteam,
    }


def _redteam(assistant: Any) -> list[dict[str, Any]] | None:
    try:
        from evals import redteam
    except ImportError:  # pragma: no cover - the red-team set is optional for a fork
        return None
    known = {c["id"]: c.get("xfail") for c in redteam.load_cases()}
    return [{"id": r["id"], "kind": r["kind"], "ok": r["ok"], "problems": r["problems"],
             "xfail": known.get(r["id"])} for r in redteam.run_all(assistant)]


# --- the gate -----------------------------------------------------------------------

def failing_cases(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in result["cases"] if not r["verdict_ok"] or r["missing_facts"]
            or r["forbidden_hits"] or r["citations_exact"] < r["citations"]
            or r["abstained"] != r["abstain_expected"]]


def compact(result: dict[str, Any]) -> dict[str, Any]:
    """What a baseline keeps: totals and per-case outcomes."""
    return {"totals": result["totals"], "split": result["split"], "cases": [
        {k: c[k] for k in ("id", "kind", "verdict_ok", "facts_found", "got")}
        for c in result["cases"]]}


# --- command line -------------------------------------------------------------------

TABLE_KEYS = ["verdict_accuracy", "fact_recall", "citation_precision", "citation_recall",
              "abstention_recall", "false_abstention", "recall_at_5", "mrr", "latency_p95_ms"]


def _fmt(v: Any) -> str:
    return "–" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def print_summary(result: dict[str, Any], verbose: bool = False) -> None:
    t = result["totals"]
    print(f"Guldsættet ({result['split']}, {t['cases']} tilfælde, {result['mode']}, "
          f"{result['seconds']} s)")
    for k, v in t.items():
        print(f"  {k:<22}{_fmt(v)}")
    print("  pr. slags (verdikt):  " + ", ".join(
        f"{k} {_fmt(v['verdict_accuracy'])}" for k, v in result["by_kind"].items()))
    d = result.get("documentary") or {}
    if d.get("cases"):
        print(f"  dokumentspørgsmål ({d['cases']}): fakta {_fmt(d['fact_recall'])}, "
              f"citatrelevans {_fmt(d['citation_relevance'])}, citerede spørgsmål/sidefyld "
              f"{d['quoted_no_answer']}, median {d['words_median']} ord")
    print("  pr. sprog (verdikt):  " + ", ".join(
        f"{k} {_fmt(v['verdict_accuracy'])}" for k, v in result["by_lang"].items()))
    if result.get("redteam") is not None:
        held = sum(r["ok"] for r in result["redteam"])
        print(f"  red-team              {held}/{len(result['redteam'])} holder")
    if verbose:
        for r in failing_cases(result):
            print(f"  ✗ {r['id']:<30} forventet {r['expected']:<11} fik {r['got']:<11} "
                  f"mangler {r['missing_facts']} | {r['question'][:70]}")


def print_side_by_side(results: dict[str, dict[str, Any]]) -> None:
    names = list(results)
    print("\n" + f"{'':<22}" + "".join(f"{n:>11}" for n in names))
    for k in TABLE_KEYS:
        print(f"{k:<22}" + "".join(f"{_fmt(results[n]['totals'].get(k)):>11}" for n in names))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pulje eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["dev", "test", "blind", "blind-docs"], default=None,
                        help="kun dev eller test (standard: alle)")
    parser.add_argument("--json", type=Path, help="skriv resultatet som JSON")
    parser.add_argument("--url", default="", help="en kørende API-server i stedet for biblioteket")
    parser.add_argument("--key", default=os.environ.get("PULJE_API_KEY", ""),
                        help="API-nøgle til --url")
    parser.add_argument("--config", default="",
                        help="konfigurationer side om side, fx hybrid,bm25,e5,minilm,llm")
    parser.add_argument("--report", type=Path, nargs="?", const=REPORTS / "latest",
                        help="skriv rapport (Markdown + HTML + figurer) i mappen")
    parser.add_argument("--baseline", type=Path, default=BASELINE,
                        help="tidligere kørsel at sammenligne med")
    parser.add_argument("--save-baseline", action="store_true",
                        help="gem denne kørsel som ny baseline")
    parser.add_argument("--gate", action="store_true",
                        help="fejl (exit 1), hvis tallene er under evals/thresholds.toml")
    parser.add_argument("-v", "--verbose", action="store_true", help="vis fejlede tilfælde")
    args = parser.parse_args(argv)
    base = Settings()
    names = [n.strip() for n in args.config.split(",") if n.strip()] or ["hybrid"]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        parser.error(f"ukendt konfiguration {unknown}; vælg blandt {list(CONFIGS)}")
    results: dict[str, dict[str, Any]] = {}
    for name in names:
        if name == "llm" and not base.llm_base_url:
            print("llm: springes over (PULJE_LLM_BASE_URL er ikke sat)", file=sys.stderr)
            continue
        overrides = dict(CONFIGS[name])
        if name != "llm":
            overrides.setdefault("llm_base_url", "")
        settings = base.model_copy(update=overrides)
        results[name] = run(settings, args.split, url=args.url, key=args.key)
    main_name = names[0] if names[0] in results else next(iter(results))
    result = results[main_name]
    print_summary(result, args.verbose)
    if len(results) > 1:
        print_side_by_side(results)
    baseline = load_baseline(args.baseline)
    diff = None
    if baseline is not None and baseline.get("split") == result["split"]:
        diff = baseline_diff(result, baseline)
        print(f"  mod baseline: {len(diff['better'])} bedre, {len(diff['worse'])} værre"
              + (f" ({', '.join(diff['worse'][:10])})" if diff["worse"] else ""))
    # The gate's thresholds are set for the test split; other splits are measured only.
    failures = gate(result, baseline=baseline) if result["split"] == "test" else None
    if args.json:
        args.json.write_text(json.dumps({"totals": result["totals"], "result": result,
                                         "side_by_side": {n: r["totals"]
                                                          for n, r in results.items()}},
                                        ensure_ascii=False, indent=2, default=str))
    if args.report:
        from evals.report import write_report

        path = write_report(args.report, result, results, diff, failures)
        print(f"  rapport: {path}")
    if args.save_baseline:
        args.baseline.write_text(json.dumps(compact(result), ensure_ascii=False, indent=1))
        print(f"  baseline gemt: {args.baseline}")
    if args.gate:
        if failures is None:
            parser.error("--gate gælder test-splittet: brug --split test")
        if failures:
            print("\nGATE FEJLER:", file=sys.stderr)
            for f in failures:
                print(f"  {f}", file=sys.stderr)
            for r in failing_cases(result)[:40]:
                print(f"  ✗ {r['id']}: forventet {r['expected']}, fik {r['got']}; "
                      f"mangler {r['missing_facts']}", file=sys.stderr)
            return 1
        print("  gate: bestået")
    return 0


if __name__ == "__main__":
    sys.exit(main())
