"""Reading a spending plan from a CSV or Excel file into the plan page's table.

Every file that cannot be read gives a :class:`PlanFileError` whose message says why, in
the page's language; the page shows it. Cells are read as text and never evaluated: a
formula (``=HYPERLINK(…)``) in a CSV is only its text, and an Excel cell gives the value
Excel stored, not a formula run here.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from assistant.rules.money import AmountError, parse_amount
from ui.texts import CATEGORIES, t

_COLUMNS = {
    "activity": {"aktivitet", "activity", "beskrivelse", "description", "forløb", "kursus"},
    "category": {"kategori", "category", "type"},
    "amount": {"beløb", "belob", "amount", "amount_dkk", "beløb (kr.)", "amount (dkk)", "kr",
               "pris"},
}


class PlanFileError(ValueError):
    """A plan file that cannot be read; the message says why, for the page to show."""


def read_plan_file(name: str, data: bytes, lang: str = "da") -> pd.DataFrame:
    """A plan from CSV (comma or semicolon) or Excel, as the editor's three columns.

    >>> df = read_plan_file("p.csv", "Aktivitet;Beløb\\nPAU for Ida;1.600.000\\n".encode())
    >>> [str(v) for v in df.iloc[0].tolist()]
    ['PAU for Ida', '(ud fra beskrivelsen)', '1600000.0']
    >>> read_plan_file("p.csv", b"")
    Traceback (most recent call last):
    ...
    ui.plan_file.PlanFileError: filen er tom
    """
    raw = _read_excel(data, lang) if name.lower().endswith((".xlsx", ".xls")) else _read_csv(
        data, lang)
    if raw.columns.empty:
        raise PlanFileError(t("file_empty", lang))
    found: dict[str, str] = {}
    for col in raw.columns:
        key = str(col).strip().lower()
        for target, names in _COLUMNS.items():
            if key in names and target not in found:
                found[target] = col
    for needed in ("activity", "amount"):
        if needed not in found:
            raise PlanFileError(t("file_columns", lang).format(
                missing=t(needed, lang), found=", ".join(str(c) for c in raw.columns)[:200]))
    act, cat, amt = t("activity", lang), t("category", lang), t("amount", lang)
    labels = {cid: names[lang] for cid, names in CATEGORIES.items()}
    by_label = {label: cid for cid, label in labels.items()}
    rows = []
    for n, (_, r) in enumerate(raw.iterrows(), start=2):  # row 1 is the header
        activity = _cell(r[found["activity"]])
        if not activity:
            continue
        category = _cell(r[found["category"]]) if "category" in found else ""
        category = category if category in CATEGORIES else by_label.get(category, "")
        amount = _cell(r[found["amount"]])
        try:
            value = _amount(amount)
        except AmountError:
            raise PlanFileError(t("file_amount", lang).format(
                row=n, value=amount[:40] or "tom")) from None
        rows.append({act: activity, cat: labels[category], amt: value})
    if not rows:
        raise PlanFileError(t("file_no_rows", lang))
    return pd.DataFrame(rows, columns=[act, cat, amt])


# A cell of only digits is an amount even where free text would take it for a year
# (parse_amount leaves "2000" out of "in 2000 …"); Danish decimals use a comma.
_PLAIN = re.compile(r"-?[0-9]+(?:[.,][0-9]{1,2})?")


def _amount(cell: str) -> float:
    """The amount column's cell.

    >>> _amount("2000"), _amount("-5000"), _amount("1234,50"), _amount("1.600.000 kr.")
    (2000.0, -5000.0, 1234.5, 1600000.0)
    """
    if _PLAIN.fullmatch(cell):
        return float(cell.replace(",", "."))
    return parse_amount(cell)


def _cell(value: object) -> str:
    return "" if pd.isna(value) else str(value).strip()


def _read_excel(data: bytes, lang: str) -> pd.DataFrame:
    try:
        return pd.read_excel(io.BytesIO(data), dtype=str)
    except Exception:  # not a workbook: zip, XML and format errors of every kind
        raise PlanFileError(t("file_not_excel", lang)) from None


def _read_csv(data: bytes, lang: str) -> pd.DataFrame:
    if b"\x00" in data:  # text never holds NUL; a renamed binary (or UTF-16) file does
        raise PlanFileError(t("file_binary", lang))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanFileError(t("file_encoding", lang)) from None
    if not text.strip():
        raise PlanFileError(t("file_empty", lang))
    header = text.lstrip().splitlines()[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, skip_blank_lines=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        raise PlanFileError(t("file_not_csv", lang)) from None
