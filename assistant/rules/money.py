"""Reading amounts of money as Danish and English users write them."""

from __future__ import annotations

import math
import re

from assistant.common.calendar_words import ANY_YEAR
from assistant.common.errors import PuljeError

MAX_DKK = 2_000_000_000  # far above any municipality's grant: larger is a typo


class AmountError(PuljeError, ValueError):
    """An amount that cannot be read or cannot be right (negative, zero, absurd)."""


_UNITS = {
    "mia": 1e9, "milliard": 1e9, "milliarder": 1e9, "billion": 1e9, "bn": 1e9,
    "mio": 1e6, "million": 1e6, "millioner": 1e6, "millions": 1e6, "m": 1e6, "mn": 1e6,
    "t.kr": 1e3, "tkr": 1e3, "tusind": 1e3, "thousand": 1e3, "k": 1e3, "t": 1e3,
}
AMOUNT = re.compile(
    r"(?<![\w.,])(?P<neg>-\s*)?(?:(?:dkk|kr\.?)\s*)?"
    r"(?P<num>\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"\s*(?P<unit>mia\.?|milliard(?:er)?|billion|bn|mio\.?|millioner|million(?:s)?|mn|m(?=\b)|"
    r"t\.\s?kr\.?|tkr\.?|tusind|thousand|k(?=\b)|t(?=\.)\.?)?"
    r"(?:\s*(?:kr\.?|kroner|dkk)(?!\w))?",
    re.IGNORECASE,
)


def _number(text: str) -> float:
    """'2.400.000' / '2,400,000' / '2,4' / '2.4' / '1 500 000' -> float."""
    t = text.replace(" ", "")
    if re.fullmatch(r"\d{1,3}([.,])\d{3}(\1\d{3})*", t):
        return float(re.sub(r"[.,]", "", t))  # thousands separators only
    if re.fullmatch(r"\d{1,3}(\.\d{3})+,\d+", t):
        return float(t.replace(".", "").replace(",", "."))  # Danish 1.234,5
    if re.fullmatch(r"\d{1,3}(,\d{3})+\.\d+", t):
        return float(t.replace(",", ""))  # English 1,234.5
    return float(t.replace(",", "."))


def parse_amount(text: str) -> float:
    """The amount in DKK that ``text`` states.

    >>> [parse_amount(s) for s in ("2,4 mio.", "2.400.000 kr.", "240.000", "500 t.kr.")]
    [2400000.0, 2400000.0, 240000.0, 500000.0]
    >>> parse_amount("DKK 1.5 million")
    1500000.0
    """
    found = find_amounts(text)
    if not found:
        raise AmountError(f"Kunne ikke læse et beløb i {text!r}; skriv fx '2,4 mio. kr.'.")
    return found[0]


def find_amounts(text: str) -> list[float]:
    """Every amount of money in a free text, in order; numbers that are years or dates,
    percentages and counts without a money word are left out."""
    return [value for value, _, _ in find_amount_spans(text)]


def find_amount_spans(text: str) -> list[tuple[float, int, int]]:
    """Like find_amounts, with each amount's start and end in the text."""
    out: list[tuple[float, int, int]] = []
    for m in AMOUNT.finditer(text):
        raw, unit = m.group("num"), (m.group("unit") or "").lower()
        after = text[m.end():m.end() + 12].lower()
        has_money_word = bool(unit) or bool(re.search(r"kr|dkk|kroner", m.group(0), re.I))
        if not has_money_word:
            # A bare number counts only when it is large and is not a year or a percentage.
            if re.fullmatch(ANY_YEAR, raw) or after.lstrip().startswith(("pct", "%",
                                                                         "procent")):
                continue
            if _number(raw) < 1000:
                continue
        key = unit.rstrip(".").replace(" ", "")
        factor = _UNITS.get(key, 1.0)
        value = round(_number(raw) * factor, 2)  # "4,1 mio." is 4.100.000,00, not 4.099.999,99…
        if m.group("neg"):
            value = -value
        out.append((value, m.start(), m.start() + len(m.group(0).rstrip())))
    return out


def check_grant(amount: float) -> float:
    """Refuse amounts that cannot be a municipality's grant."""
    if not math.isfinite(amount):
        raise AmountError(f"Tilskuddet skal være et endeligt beløb (fik {amount}).")
    if amount <= 0:
        raise AmountError(f"Tilskuddet skal være større end 0 kr. (fik {amount:,.0f}).")
    if amount > MAX_DKK:
        raise AmountError(
            f"Et tilskud på {amount:,.0f} kr. er større end hele puljen; tjek beløbet."
        )
    return amount
