"""The eval report: Markdown and HTML with plots (matplotlib), failing cases and a baseline diff."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from evals.suite import TABLE_KEYS, VERDICTS, _fmt, failing_cases


def _plots(folder: Path, result: dict[str, Any]) -> dict[str, str]:
    kinds = result["by_kind"]
    names = list(kinds)
    fig, ax = plt.subplots(figsize=(10, 4))
    width = 0.4
    xs = range(len(names))
    ax.bar([x - width / 2 for x in xs], [kinds[k]["verdict_accuracy"] or 0 for k in names],
           width, label="verdikt")
    ax.bar([x + width / 2 for x in xs], [kinds[k]["fact_recall"] or 0 for k in names],
           width, label="fakta")
    ax.set_xticks(list(xs), names, rotation=35, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_title("Verdikt og fakta pr. slags")
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "kinds.png", dpi=110)
    plt.close(fig)

    matrix = [[result["confusion"][e][g] for g in VERDICTS] for e in VERDICTS]
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(VERDICTS)), VERDICTS, rotation=30)
    ax.set_yticks(range(len(VERDICTS)), VERDICTS)
    ax.set_xlabel("svaret")
    ax.set_ylabel("forventet")
    for i, row in enumerate(matrix):
        for j, n in enumerate(row):
            if n:
                ax.text(j, i, str(n), ha="center", va="center",
                        color="white" if n > max(map(max, matrix)) / 2 else "black")
    ax.set_title("Forvekslingsmatrix")
    fig.tight_layout()
    fig.savefig(folder / "confusion.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist([c["latency_ms"] for c in result["cases"]], bins=40, color="#4a7")
    ax.set_xlabel("ms pr. svar")
    ax.set_ylabel("tilfælde")
    ax.set_title("Svartider")
    fig.tight_layout()
    fig.savefig(folder / "latency.png", dpi=110)
    plt.close(fig)
    return {"kinds": "kinds.png", "confusion": "confusion.png", "latency": "latency.png"}


def _table(headers: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def markdown(result: dict[str, Any], results: dict[str, dict[str, Any]],
             diff: dict[str, list[str]] | None, plots: dict[str, str]) -> str:
    t = result["totals"]
    parts = [f"# Eval-rapport ({result['split']}, {t['cases']} tilfælde)", "",
             f"Kørsel: {result['mode']}, {result['seconds']} s, indstillinger "
             f"{result['settings']}.", "", "## Tal", "",
             _table(["mål", "værdi"], [[k, _fmt(v)] for k, v in t.items()]), ""]
    if len(results) > 1:
        parts += ["## Side om side", "", _table(
            ["mål", *results], [[k, *(_fmt(r["totals"].get(k)) for r in results.values())]
                                for k in TABLE_KEYS]), ""]
    for title, key in (("Pr. slags", "by_kind"), ("Pr. sprog", "by_lang")):
        parts += [f"## {title}", "", _table(
            ["", "n", "verdikt", "fakta", "citater", "afståelse", "R@5"],
            [[k, str(v["cases"]), _fmt(v["verdict_accuracy"]), _fmt(v["fact_recall"]),
              _fmt(v["citation_precision"]), _fmt(v["abstention_recall"]),
              _fmt(v["recall_at_5"])] for k, v in result[key].items()]), ""]
    parts += [f"![{name}]({path})" for name, path in plots.items()] + [""]
    parts += ["## Forvekslingsmatrix (forventet → svaret)", "", _table(
        ["", *VERDICTS], [[e, *(str(result["confusion"][e][g]) for g in VERDICTS)]
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
            out.append(f"<p>{html.escape(line)}</p>")
    if table:
        out.append("</table>")
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px}"
             "img{max-width:100%}blockquote{color:#444;border-left:3px solid #ccc;"
             "margin:0;padding-left:8px;white-space:pre-wrap}")
    return (f'<!doctype html><html lang="da"><meta charset="utf-8"><title>Eval-rapport'
            f"</title><style>{style}</style><body>{''.join(out)}</body></html>")


def write_report(folder: Path, result: dict[str, Any], results: dict[str, dict[str, Any]],
                 diff: dict[str, list[str]] | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    plots = _plots(folder, result)
    md = markdown(result, results, diff, plots)
    (folder / "report.md").write_text(md, encoding="utf-8")
    (folder / "report.html").write_text(to_html(md), encoding="utf-8")
    return folder / "report.html"
