"""The eval suite: ``pulje eval`` / ``python -m evals``.

Runs the gold set (``evals/gold/*.yaml``) through the library, or through a running API
with ``--url``, and scores every case: retrieval against the evidence (recall@1/@5, MRR),
the verdict (with a confusion matrix), required and forbidden facts, citations (exact
quotes of real passages; whether they cite the evidence), abstention, language and
latency, broken down by kind and language. ``--config`` runs several configurations side
by side; ``--report`` writes Markdown + HTML with plots and a diff against a baseline;
``--gate`` checks ``evals/thresholds.toml`` and fails with the failing cases listed.
``--save-answers`` keeps the generated answers; ``--rescore`` scores saved answers again
without asking (no model is loaded).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from assistant.common.config import Settings
from evals.gate import BASELINE, baseline_diff, gate, load_baseline
from evals.gold_set import load_gold
from evals.metrics import TABLE_KEYS, compact, failing_cases, fmt, score_run
from evals.retrieval import CorpusPassages
from evals.runner import Run, generate, load_answers, save_answers

EVALS = Path(__file__).resolve().parent
REPORTS = EVALS / "reports"

# Configurations for --config: settings overrides on top of the environment's settings.
CONFIGS: dict[str, dict[str, Any]] = {
    "hybrid": {},
    "bm25": {"retrieval_mode": "bm25"},
    "e5": {"retrieval_mode": "dense"},
    "minilm": {"retrieval_mode": "dense", "embedding_backend": "sentence-transformers",
               "embedding_model": ""},
    "llm": {},  # the environment's LLM (PULJE_LLM_BASE_URL); skipped when none is set
}


def redteam_results(assistant: Any) -> list[dict[str, Any]] | None:
    """The red-team set's outcomes on the assistant (library mode), with its known
    failures (``xfail``) named."""
    try:
        from evals import redteam
    except ImportError:  # pragma: no cover - the red-team set is optional for a fork
        return None
    known = {c["id"]: c.get("xfail") for c in redteam.load_cases()}
    return [{"id": r["id"], "kind": r["kind"], "ok": r["ok"], "problems": r["problems"],
             "xfail": known.get(r["id"])} for r in redteam.run_all(assistant)]


def score(run: Run, corpus_dir: Path) -> dict[str, Any]:
    """A generated or saved run scored on today's gold set: in library mode against the
    corpus's passages (chunked as the index chunks them; no model)."""
    split = None if run.split == "all" else run.split
    passages = CorpusPassages.load(corpus_dir) if run.mode == "library" else None
    return score_run(run, load_gold(split), passages)


def run(settings: Settings, split: str | None, url: str = "", key: str = "",
        progress: bool = False) -> dict[str, Any]:
    """One configuration over the gold set (and the red-team set in library mode)."""
    generated = generate(settings, split, url=url, key=key, redteam=redteam_results,
                         progress=progress)
    return score(generated, settings.corpus_dir)


def _runs(args: argparse.Namespace, parser: argparse.ArgumentParser,
          base: Settings) -> dict[str, Run]:
    """The configurations' runs: read from ``--rescore``, or generated now."""
    if args.rescore:
        saved = load_answers(args.rescore)
        splits = {r.split for r in saved.values()}
        if args.split and splits != {args.split}:
            parser.error(f"{args.rescore} er en kørsel af split {', '.join(sorted(splits))}, "
                         f"ikke {args.split}")
        return saved
    names = [n.strip() for n in args.config.split(",") if n.strip()] or ["hybrid"]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        parser.error(f"ukendt konfiguration {unknown}; vælg blandt {list(CONFIGS)}")
    runs: dict[str, Run] = {}
    for name in names:
        if name == "llm" and not base.llm_base_url:
            print("llm: springes over (PULJE_LLM_BASE_URL er ikke sat)", file=sys.stderr)
            continue
        overrides = dict(CONFIGS[name])
        if name != "llm":
            overrides.setdefault("llm_base_url", "")
        settings = base.model_copy(update=overrides)
        runs[name] = generate(settings, args.split, config=name, url=args.url, key=args.key,
                              redteam=redteam_results)
    return runs


# --- command line -------------------------------------------------------------------

def print_summary(result: dict[str, Any], verbose: bool = False) -> None:
    t = result["totals"]
    print(f"Guldsættet ({result['split']}, {t['cases']} tilfælde, {result['mode']}, "
          f"{result['seconds']} s)")
    for k, v in t.items():
        print(f"  {k:<22}{fmt(v)}")
    print("  pr. slags (verdikt):  " + ", ".join(
        f"{k} {fmt(v['verdict_accuracy'])}" for k, v in result["by_kind"].items()))
    d = result.get("documentary") or {}
    if d.get("cases"):
        print(f"  dokumentspørgsmål ({d['cases']}): fakta {fmt(d['fact_recall'])}, "
              f"citatrelevans {fmt(d['citation_relevance'])}, citerede spørgsmål/sidefyld "
              f"{d['quoted_no_answer']}, median {d['words_median']} ord")
    print("  pr. sprog (verdikt):  " + ", ".join(
        f"{k} {fmt(v['verdict_accuracy'])}" for k, v in result["by_lang"].items()))
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
        print(f"{k:<22}" + "".join(f"{fmt(results[n]['totals'].get(k)):>11}" for n in names))


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
    parser.add_argument("--save-answers", type=Path, metavar="FIL",
                        help="gem alle genererede svar (JSON-linjer) til --rescore")
    parser.add_argument("--rescore", type=Path, metavar="FIL",
                        help="scor svar gemt med --save-answers igen uden at spørge "
                             "(ingen model indlæses)")
    args = parser.parse_args(argv)
    if args.rescore and (args.url or args.config or args.save_answers):
        parser.error("--rescore scorer gemte svar: brug det uden --url, --config og "
                     "--save-answers")
    base = Settings()
    runs = _runs(args, parser, base)
    if not runs:
        parser.error("ingen konfiguration at køre")
    if args.save_answers:
        save_answers(args.save_answers, runs.values())
        print(f"  svar gemt: {args.save_answers}")
    results = {name: score(r, base.corpus_dir) for name, r in runs.items()}
    result = next(iter(results.values()))
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
