"""Amounts and dates as users read them: Danish form in Danish, English form in English."""

from __future__ import annotations

import datetime as dt
import re

from assistant.common.calendar_words import MONTHS_DA, MONTHS_EN


def format_dkk(amount: float, lang: str = "da") -> str:
    """
    Whole kroner without decimals; øre shown when there are any, so that a difference
    of less than a krone is never hidden.

    >>> format_dkk(240000), format_dkk(1234567.5, "en"), format_dkk(123456.7)
    ('240.000 kr.', 'DKK 1,234,567.50', '123.456,70 kr.')
    """
    amount = round(amount, 2)
    text = f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"
    if lang == "en":
        return f"DKK {text}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".") + " kr."


def format_date(day: dt.date, lang: str = "da") -> str:
    """
    >>> format_date(dt.date(2026, 7, 31)), format_date(dt.date(2026, 7, 31), "en")
    ('31. juli 2026', '31 July 2026')
    """
    if lang == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.day}. {MONTHS_DA[day.month - 1]} {day.year}"


def format_pct(share: float, lang: str = "da") -> str:
    """
    >>> format_pct(0.1), format_pct(0.125, "en")
    ('10 pct.', '12.5 per cent')
    """
    value = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return f"{value} per cent" if lang == "en" else f"{value.replace('.', ',')} pct."


def format_days(days: int, lang: str = "da") -> str:
    """
    >>> format_days(1), format_days(152), format_days(1, "en"), format_days(2, "en")
    ('1 dag', '152 dage', '1 day', '2 days')
    """
    if lang == "en":
        return f"{days} day" if days == 1 else f"{days} days"
    return f"{days} dag" if days == 1 else f"{days} dage"


def format_mio(amount: float, lang: str = "da") -> str:
    """Millions as the fact sheet writes them.

    >>> format_mio(195_900_000), format_mio(195_900_000, "en")
    ('195,9 mio. kr.', 'DKK 195.9 million')
    """
    value = f"{amount / 1e6:,.1f}"
    if lang == "en":
        return f"DKK {value} million"
    return value.replace(",", "\0").replace(".", ",").replace("\0", ".") + " mio. kr."


def end_sentence(text: str) -> str:
    """Drop the full stop a template adds after an abbreviation that already has one.

    >>> end_sentence("det er højst 240.000 kr.. Og 10 pct..")
    'det er højst 240.000 kr. Og 10 pct.'
    """
    return re.sub(r"\b(kr|pct|mio)\.\.(?!\.)", r"\1.", text)
