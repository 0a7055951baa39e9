"""Reading a spending plan from a CSV or Excel file into the plan page's table."""

from __future__ import annotations

import io

import pandas as pd

from assistant.rules.money import parse_amount
from ui.texts import CATEGORIES, t

_COLUMNS = {
    "activity": {"aktivitet", "activity", "beskrivelse", "description", "forløb", "kursus"},
    "category": {"kategori", "category", "type"},
    "amount": {"beløb", "belob", "amount", "amount_dkk", "beløb (kr.)", "amount (dkk)", "kr",
               "pris"},
}


def read_plan_file(name: str, data: bytes, lang: str = "da") -> pd.DataFrame:
    """A plan from CSV (comma or semicolon) or Excel, as the editor's three columns.

    >>> df = read_plan_file("p.csv", "Aktivitet;Beløb\\nPAU for Ida;1.600.000\\n".encode())
    >>> [str(v) for v in df.iloc[0].tolist()]
    ['PAU for Ida', '(ud fra beskrivelsen)', '1600000.0']
    """
    if name.lower().endswith((".xlsx", ".xls")):
        raw = pd.read_excel(io.BytesIO(data), dtype=str)
    else:
        text = data.decode("utf-8-sig")
        sep = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
        raw = pd.read_csv(io.StringIO(text), sep=sep, dtype=str)
    found: dict[str, str] = {}
    for col in raw.columns:
        key = str(col).strip().lower()
        for target, names in _COLUMNS.items():
            if key in names and target not in found:
                found[target] = col
    if "activity" not in found or "amount" not in found:
        raise ValueError("kolonnerne aktivitet og beløb mangler")
    act, cat, amt = t("activity", lang), t("category", lang), t("amount", lang)
    labels = {cid: names[lang] for cid, names in CATEGORIES.items()}
    by_label = {label: cid for cid, label in labels.items()}
    rows = []
    for _, r in raw.iterrows():
        activity = str(r[found["activity"]]).strip()
        if not activity or activity == "nan":
            continue
        category = str(r[found["category"]]).strip() if "category" in found else ""
        category = category if category in CATEGORIES else by_label.get(category, "")
        rows.append({act: activity, cat: labels[category],
                     amt: parse_amount(str(r[found["amount"]]))})
    return pd.DataFrame(rows, columns=[act, cat, amt])
