"""The plan check's result as the page shows it: one block per item, the cap chart and
the CSV download. Amounts are shown in Danish form ("900.000 kr."), written to the CSV as
numbers a spreadsheet reads (900000)."""

from __future__ import annotations

import csv
import html
import io
from typing import Any

import altair as alt
import pandas as pd

from assistant.common.formatting import format_dkk
from ui.render import anchor
from ui.texts import CATEGORIES, VERDICT_BADGE, t

PLAN_ID = "plan"  # the anchor prefix of the plan's source cards
_COLOUR = {"yes": "#2e7d32", "no": "#c0392b", "conditional": "#b26a00", "unknown": "#555"}


def category_label(category: str | None, lang: str) -> str:
    names = CATEGORIES.get(category or "")
    return names[lang] if names and category else (category or "–")


def verdict_label(verdict: str, lang: str) -> str:
    return VERDICT_BADGE.get(verdict, {}).get(lang, verdict)


def csv_amount(amount: float, lang: str) -> str:
    """Whole kroner as an integer, øre with the language's decimal mark.

    >>> csv_amount(900000.0, "da"), csv_amount(1234.5, "da"), csv_amount(1234.5, "en")
    ('900000', '1234,50', '1234.50')
    """
    amount = round(amount, 2)
    if amount == int(amount):
        return str(int(amount))
    text = f"{amount:.2f}"
    return text.replace(".", ",") if lang == "da" else text


# What makes a spreadsheet read a cell as a formula (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """A text cell that a spreadsheet will show, not run: one starting like a formula gets
    a leading single quote (OWASP's advice for CSV injection).

    >>> csv_text("=1+2"), csv_text("@SUM(A1)"), csv_text("AMU-kursus")
    ("'=1+2", "'@SUM(A1)", 'AMU-kursus')
    """
    return "'" + value if value.lstrip(" ").startswith(_FORMULA_START) else value


def result_csv(result: dict[str, Any], lang: str) -> bytes:
    """The checked plan as CSV: semicolons and a BOM, so Danish Excel opens it as columns.
    Text cells (the plan's own descriptions above all) are neutralised by ``csv_text``;
    numbers are written as numbers."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(["#", t("activity", lang), t("category", lang), t("amount", lang),
                t("verdict", lang), t("why", lang), t("cites", lang)])
    for i in result["items"]:
        w.writerow([i["n"], csv_text(i["description"]),
                    csv_text(category_label(i["category"], lang)),
                    csv_amount(i["amount_dkk"], lang),
                    csv_text(verdict_label(i["verdict"], lang)), csv_text(i["explanation"]),
                    " ".join(f"[{n}]" for n in i["citations"])])
    return out.getvalue().encode("utf-8-sig")


def items_html(result: dict[str, Any], lang: str) -> str:
    """One block per item: number, activity, amount, category, verdict, the reason in full
    and links to the source cards (nothing cut off, whatever the width)."""
    blocks = []
    for i in result["items"]:
        links = " ".join(f'<a href="#{html.escape(anchor(PLAN_ID, n))}">[{n}]</a>'
                         for n in i["citations"])
        colour = _COLOUR.get(i["verdict"], "#555")
        category = html.escape(category_label(i["category"], lang))
        blocks.append(
            f'<div class="pulje-item" style="border:1px solid #ddd;border-radius:8px;'
            f'padding:0.5em 0.8em;margin:0.4em 0;border-left:6px solid {colour}">'
            '<div style="display:flex;gap:1em;justify-content:space-between;'
            'align-items:baseline;flex-wrap:wrap">'
            f'<b>{i["n"]}. {html.escape(i["description"])}</b>'
            f'<span class="pulje-amount" style="white-space:nowrap;font-weight:600">'
            f'{html.escape(format_dkk(i["amount_dkk"], lang))}</span></div>'
            f'<div style="font-size:0.9em;color:#444">'
            f'{html.escape(t("category", lang))}: {category}'
            f' · {html.escape(t("verdict", lang))}: <b class="pulje-verdict" '
            f'style="color:{colour}">{html.escape(verdict_label(i["verdict"], lang))}</b></div>'
            f'<div class="pulje-why" style="margin-top:0.3em">'
            f'{html.escape(i["explanation"])}</div>'
            + (f'<div style="font-size:0.9em;margin-top:0.2em">'
               f'{html.escape(t("cites", lang))}: {links}</div>' if links else "")
            + '</div>')
    return "".join(blocks)


def cap_chart(result: dict[str, Any], lang: str) -> alt.LayerChart | alt.FacetChart:
    """The informal total as a bar against the cap: a second bar and a dashed red line
    across both at the cap, each labelled with its amount in the language's form."""
    informal, cap = result["informal_dkk"], result["cap_dkk"]
    data = pd.DataFrame({
        "what": [t("informal", lang), t("cap", lang)],
        "kr": [informal, cap],
        "label": [format_dkk(informal, lang), format_dkk(cap, lang)],
        "colour": ["#2e7d32" if result["within_cap"] else "#c0392b", "#9e9e9e"],
    })
    top = max(informal, cap, 1) * 1.3
    amount = t("amount", lang)
    axis = alt.Axis(format=",.0f", labelExpr=(
        "replace(format(datum.value, ',.0f'), regexp(',', 'g'), '.')" if lang == "da"
        else "format(datum.value, ',.0f')"), tickCount=4)
    base = alt.Chart(data).encode(
        y=alt.Y("what:N", title=None, sort=None,
                scale=alt.Scale(paddingInner=0.35, paddingOuter=0.2),
                axis=alt.Axis(labelLimit=240, labelFontSize=13)),
        x=alt.X("kr:Q", title=amount, scale=alt.Scale(domain=[0, top]), axis=axis))
    bars = base.mark_bar().encode(
        color=alt.Color("colour:N", scale=None),
        tooltip=[alt.Tooltip("what:N", title=" "), alt.Tooltip("label:N", title=amount)])
    labels = base.mark_text(align="left", dx=6, fontSize=13).encode(text="label:N")
    line = pd.DataFrame({"kr": [cap], "label": [f"{t('cap_line', lang)} {format_dkk(cap, lang)}"]})
    rule = alt.Chart(line).mark_rule(color="#222", strokeDash=[6, 4], strokeWidth=2).encode(
        x="kr:Q")
    rule_label = alt.Chart(line).mark_text(align="left", dx=4, dy=-4, baseline="bottom",
                                           fontSize=12, color="#222").encode(
        x="kr:Q", y=alt.value(0), text="label:N")
    return alt.layer(bars, labels, rule, rule_label).properties(
        height=150, padding={"top": 22, "left": 4, "right": 4, "bottom": 4})
