"""The eval report: Markdown and HTML with plots (matplotlib), failing cases and a baseline diff."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from evals.gate import load_thresholds
from evals.metrics import TABLE_KEYS, VERDICTS, failing_cases, fmt

# One language in the plots and tables: the gold set's ids in Danish.
KIND_LABELS = {
    "accounts": "regnskab", "allocation": "fordeling", "amounts": "beløb", "cap": "loft",
    "copenhagen": "København", "costs": "udgifter", "dates": "datoer",
    "eligibility": "forløb", "false_premise": "forkert præmis", "foa": "FOA",
    "injection": "injektion", "multi_turn": "opfølgning", "out_of_scope": "uden for",
    "reporting": "afrapportering", "target_group": "målgruppe", "overview": "overblik",
    "background": "baggrund",
}
VERDICT_LABELS = {"yes": "Ja", "no": "Nej", "conditional": "Ja, hvis",
                  "unknown": "Fremgår ikke", "info": "Oplysning"}


def _kinds_plot(folder: Path, result: dict[str, Any], config: dict[str, Any]) -> str:
    kinds = result["by_kind"]
    names = list(kinds)
    fig, ax = plt.subplots(figsize=(11, 4.8))
    width = 0.4
    xs = range(len(names))
    ax.bar([x - width / 2 for x in xs], [kinds[k]["verdict_accuracy"] or 0 for k in names],
           width, label="verdikt", color="#1f77b4")
    ax.bar([x + width / 2 for x in xs], [kinds[k]["fact_recall"] or 0 for k in names],
           width, label="fakta", color="#ff7f0e")
    # The whole split's floors (the gate) and targets, for the two figures drawn.
    for metric, colour in (("verdict_accuracy", "#1f77b4"), ("fact_recall", "#ff7f0e")):
        name = "verdikt" if metric == "verdict_accuracy" else "fakta"
        floor = config.get("floor", {}).get(metric)
        target = config.get("target", {}).get(metric)
        if floor is not None:
            ax.axhline(floor, color=colour, linestyle="--", linewidth=1,
                       label=f"gulv, {name} ({floor:.2f})")
        if target is not None:
            ax.axhline(target, color=colour, linestyle=":", linewidth=1.5,
                       label=f"mål, {name} ({target:.2f})")
    ax.set_xticks(list(xs), [KIND_LABELS.get(k, k) for k in names], rotation=35, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("andel")
    ax.set_title("Verdikt og fakta pr. slags (gulv og mål gælder hele splittet)")
    # Below the axes, so it covers no bar.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=3, frameon=False)
    fig.tight_layout()
    fig.savefig(folder / "kinds.png", dpi=110)
    plt.close(fig)
    return "kinds.png"


def _confusion_plot(folder: Path, result: dict[str, Any]) -> str:
    matrix = [[result["confusion"][e][g] for g in VERDICTS] for e in VERDICTS]
    labels = [VERDICT_LABELS.get(v, v) for v in VERDICTS]
    fig, ax = plt.subplots(figsize=(5.8, 4.8))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(VERDICTS)), labels, rotation=30)
    ax.set_yticks(range(len(VERDICTS)), labels)
    ax.set_xlabel("svaret")
    ax.set_ylabel("forventet")
    top = max(map(max, matrix)) or 1
    for i, row in enumerate(matrix):
        for j, n in enumerate(row):
            if n:
                ax.text(j, i, str(n), ha="center", va="center",
                        color="white" if n > top / 2 else "black")
    ax.set_title("Forvekslingsmatrix")
    fig.tight_layout()
    fig.savefig(folder / "confusion.png", dpi=110)
    plt.close(fig)
    return "confusion.png"


def _latency_plot(folder: Path, result: dict[str, Any]) -> str:
    times = [max(float(c["latency_ms"]), 0.1) for c in result["cases"]]
    fig, ax = plt.subplots(figsize=(7, 3.8))
    if times:
        # Logarithmic bins: a few slow answers no longer squeeze the rest into one bar.
        low, high = min(times), max(times)
        edges = [low * (high / low) ** (i / 30) for i in range(31)] if high > low else 10
        ax.hist(times, bins=edges, color="#4a7")
        ax.set_xscale("log")
        for key, style in (("latency_p50_ms", "--"), ("latency_p95_ms", ":")):
            value = result["totals"].get(key)
            if value:
                ax.axvline(value, color="black", linestyle=style, linewidth=1,
                           label=f"{key.split('_')[1]}: {value:.0f} ms")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, frameon=False)
    ax.set_xlabel("ms pr. svar (logaritmisk)")
    ax.set_ylabel("tilfælde")
    ax.set_title("Svartider")
    fig.tight_layout()
    fig.savefig(folder / "latency.png", dpi=110)
    plt.close(fig)
    return "latency.png"


def _plots(folder: Path, result: dict[str, Any], config: dict[str, Any]) -> dict[str, str]:
    return {"kinds": _kinds_plot(folder, result, config),
            "confusion": _confusion_plot(folder, result),
            "latency": _latency_plot(folder, result)}


def _threshold(metric: str, config: dict[str, Any]) -> tuple[str, str]:
    """The gate's bound for a figure ("≥ 0.83", "≤ 0.045") and its target, or "–"."""
    if metric in config.get("floor", {}):
        bound = f"≥ {config['floor'][metric]}"
    elif metric in config.get("ceiling", {}):
        bound = f"≤ {config['ceiling'][metric]}"
    else:
        bound = "–"
    target = config.get("target", {}).get(metric)
    if target is None:
        return bound, "–"
    lower_is_better = metric in config.get("ceiling", {})
    return bound, f"{'≤' if lower_is_better else '≥'} {target}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def gate_line(failures: list[str] | None) -> str:
    if failures is None:
        return "**Gate:** gælder kun test-splittet (ikke målt her)."
    if not failures:
        return "**Gate: bestået** (evals/thresholds.toml og baseline)."
    return "**Gate: FEJLER** – " + "; ".join(failures)


def markdown(result: dict[str, Any], results: dict[str, dict[str, Any]],
             diff: dict[str, list[str]] | None, plots: dict[str, str],
             failures: list[str] | None = None, config: dict[str, Any] | None = None) -> str:
    t = result["totals"]
    config = config if config is not None else load_thresholds()
    rows = []
    for k, v in t.items():
        bound, target = _threshold(k, config)
        rows.append([k, fmt(v), bound, target])
    parts = [f"# Eval-rapport ({result['split']}, {t['cases']} tilfælde)", "",
             gate_line(failures), "",
             f"Kørsel: {result['mode']}, {result['seconds']} s, indstillinger "
             f"{result['settings']}.", "", "## Tal", "",
             _table(["tal", "værdi", "gate", "mål"], rows), ""]
    if len(results) > 1:
        parts += ["## Side om side", "", _table(
            ["mål", *results], [[k, *(fmt(r["totals"].get(k)) for r in results.values())]
                                for k in TABLE_KEYS]), ""]
    for title, key in (("Pr. slags", "by_kind"), ("Pr. sprog", "by_lang")):
        parts += [f"## {title}", "", _table(
            ["", "n", "verdikt", "fakta", "citater", "afståelse", "R@5"],
            [[KIND_LABELS.get(k, k), str(v["cases"]), fmt(v["verdict_accuracy"]),
              fmt(v["fact_recall"]),
              fmt(v["citation_precision"]), fmt(v["abstention_recall"]),
              fmt(v["recall_at_5"])] for k, v in result[key].items()]), ""]
    parts += [f"![{name}]({path})" for name, path in plots.items()] + [""]
    parts += ["## Forvekslingsmatrix (forventet → svaret)", "", _table(
        ["", *(VERDICT_LABELS[v] for v in VERDICTS)],
        [[VERDICT_LABELS[e], *(str(result["confusion"][e][g]) for g in VERDICTS)]
         for e in VERDICTS]), ""]
    if result.get("redteam") is not None:
        rt = result["redteam"]
        parts += [f"## Red-team: {sum(r['ok'] for r in rt)}/{len(rt)} holder", ""]
        parts += [f"- ✗ {r['id']} ({r['kind']}): {'; '.join(r['problems'])}"
                  + (f" — kendt fejl: {r['xfail']}" if r.get("xfail") else "")
                  for r in rt if not r["ok"]] + [""]
    if diff is not None:
        parts += ["## Mod baseline", "", f"Bedre: {', '.join(diff['better']) or '–'}", "",
                  f"Værre: {', '.join(diff['worse']) or '–'}", ""]
    failing = failing_cases(result)
    parts += [f"## Fejlede tilfælde ({len(failing)})", ""]
    for r in failing:
        parts += [f"### {r['id']} ({r['kind']}, {r['lang']})", "",
                  f"- Spørgsmål: {r['question']}",
                  f"- Forventet: {r['expected']}"
                  + (" (afstå)" if r["abstain_expected"] else "")
                  + f"; svaret: {r['got']}" + (" (afstod)" if r["abstained"] else ""),
                  f"- Manglende fakta: {', '.join(r['missing_facts']) or '–'}"
                  + (f"; forbudte fundet: {', '.join(r['forbidden_hits'])}"
                     if r["forbidden_hits"] else ""),
                  "", "> " + r["answer"].replace("\n", "\n> "), ""]
    return "\n".join(parts)


def to_html(md: str) -> str:
    """A small, dependency-free rendering of the report's Markdown (tables, images, lists)."""
    out, table = [], False
    for line in md.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= {"-"} for c in cells):
                continue
            tag = "th" if not table else "td"
            if not table:
                out.append("<table>")
                table = True
            out.append("<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells)
                       + "</tr>")
            continue
        if table:
            out.append("</table>")
            table = False
        if line.startswith("!["):
            alt, src = line[2:].split("](")
            out.append(f'<img alt="{html.escape(alt)}" src="{html.escape(src.rstrip(")"))}">')
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{html.escape(line[level:].strip())}</h{level}>")
        elif line.startswith("- "):
            out.append(f"<li>{html.escape(line[2:])}</li>")
        elif line.startswith("> "):
            out.append(f"<blockquote>{html.escape(line[2:])}</blockquote>")
        elif line.strip():
            out.append("<p>" + re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>",
                                      html.escape(line)) + "</p>")
    if table:
        out.append("</table>")
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px}"
             "img{max-width:100%}blockquote{color:#444;border-left:3px solid #ccc;"
             "margin:0;padding-left:8px;white-space:pre-wrap}")
    return (f'<!doctype html><html lang="da"><meta charset="utf-8"><title>Eval-rapport'
            f"</title><style>{style}</style><body>{''.join(out)}</body></html>")


def write_report(folder: Path, result: dict[str, Any], results: dict[str, dict[str, Any]],
                 diff: dict[str, list[str]] | None,
                 failures: list[str] | None = None) -> Path:
    """The report in ``folder``; ``failures`` is the gate's result (None: not gated)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = load_thresholds()
    plots = _plots(folder, result, config)
    md = markdown(result, results, diff, plots, failures, config)
    (folder / "report.md").write_text(md, encoding="utf-8")
    (folder / "report.html").write_text(to_html(md), encoding="utf-8")
    return folder / "report.html"
