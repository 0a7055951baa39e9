"""Redaction of personal data in questions before anything is stored.

``redact`` replaces e-mail addresses, CPR numbers, Danish phone numbers and names that
follow an introducing phrase ("jeg hedder", "medarbejderen", ...) with fixed placeholders.
Amounts, dates, years and passage ids are left as they are.

>>> redact("Jeg hedder Søren, CPR 010190-1234, tlf. +45 12 34 56 78, soren@example.dk")
'Jeg hedder [NAVN], CPR [CPR], tlf. [TELEFON], [EMAIL]'
>>> redact("Kan vi få 240.000 kr. fra 1. august 2026 (faktaark-007)?")
'Kan vi få 240.000 kr. fra 1. august 2026 (faktaark-007)?'

Every pattern is a compiled regex whose quantifiers are possessive or bounded, so the
running time is linear in the length of the text.
"""

from __future__ import annotations

import re

__all__ = ["REDACTION_LABELS", "redact"]

CPR = "[CPR]"
EMAIL = "[EMAIL]"
PHONE = "[TELEFON]"
NAME = "[NAVN]"
REDACTION_LABELS = (CPR, EMAIL, PHONE, NAME)

# Digits that are not part of a longer number such as 12.345.678 or 1,5.
_START = r"(?<!\d)(?<!\d[.,])"
_END = r"(?!\d)(?![.,]\d)"
_DAY = r"(?:0[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0[1-9]|1[0-2])"

# The local part may only start where a run of local-part characters starts; otherwise a
# long run without "@" would be rescanned from every position (quadratic time).
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++")

# DDMMYY-SSSS in all the usual spellings; the check digit is never required (many CPR
# numbers issued since 2007 do not satisfy modulus 11).
_CPR_RE = re.compile(
    _START + _DAY + r"(?P<sep>[. -]?)" + _MONTH + r"(?P=sep)\d\d[-–/ ]?\d{4}" + _END
)

_PHONE_RE = re.compile(
    _START
    + r"(?P<prefix>(?:\+|00) ?45[ -]?)?"
    + r"(?:\d\d(?P<sep>[ -]?)\d\d(?P=sep)\d\d(?P=sep)\d\d|\d{4} \d{4})"
    + _END
)
_MONEY_AFTER = re.compile(r"[ \t]{0,3}(?:kr\b|kroner\b|dkk\b|,-)", re.IGNORECASE)
_MONEY_BEFORE = re.compile(r"(?:\bkr\.?|\bdkk)[ \t]{0,3}\Z", re.IGNORECASE)

_TRIGGERS = (
    "jeg hedder",
    "mit navn er",
    "medarbejderen",
    "medarbejder",
    "min kollega",
    "vores medhjælper",
    "pædagogen",
    "my name is",
    "i am called",
    "the employee",
    "our assistant",
    "my colleague",
)
# Capitalised words that start a sentence or clause far more often than they are names.
_STOPWORDS = (
    "Jeg Vi Du De Den Det Der Dem Han Hun Hvad Hvem Hvor Hvordan Hvornår Hvorfor Hvilke "
    "Hvilken Hvis Og Men Eller Som Kan Kunne Må Skal Vil Er Har Var Hej Tak Ja Nej Også Nu "
    "Efter Fra Til Med Om På En Et Vores Min Mit Mine Sin Sit Sine Hans Hendes Deres Denne "
    "Dette Disse The We You He She It They What Who Where When Why How Which If And Or But "
    "Is Are Was Can Could Will Would Should Has Have Had Do Does Did This That My Our Your "
    "His Her Their An Also Yes No Thanks From To With On In At For Of"
).split()
_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_WORD = (
    rf"(?!(?:{'|'.join(_STOPWORDS)})(?!\w))"
    rf"[{_UPPER}](?:['’][{_UPPER}])?[{_LOWER}][{_UPPER}{_LOWER}]*+(?:[-'’][{_UPPER}{_LOWER}]++)*+(?!\w)"
)
_TRIGGER = "|".join(
    r"\s++".join(map(re.escape, t.split())) for t in sorted(_TRIGGERS, key=len, reverse=True)
)
_NAME_RE = re.compile(
    rf"(?P<lead>\b(?i:{_TRIGGER}):?[ \t]++)(?P<name>{_WORD}(?:[ \t]++{_WORD}){{0,2}})"
)


def _phone(match: re.Match[str]) -> str:
    """Redact a phone number unless, without +45, it reads as an amount in kroner."""
    if match["prefix"] is None:
        text = match.string
        before = text[max(0, match.start() - 8) : match.start()]
        if _MONEY_AFTER.match(text, match.end()) or _MONEY_BEFORE.search(before):
            return match[0]
    return PHONE


def _name(match: re.Match[str]) -> str:
    return match["lead"] + NAME


def redact(text: str) -> str:
    """Return ``text`` with CPR numbers, e-mails, phone numbers and names replaced.

    >>> redact("Medarbejderen Anne-Marie Hansen vil tage PAU")
    'Medarbejderen [NAVN] vil tage PAU'
    >>> redact("Ring på 12345678, ikke 12345678 kr.")
    'Ring på [TELEFON], ikke 12345678 kr.'
    """
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _CPR_RE.sub(CPR, text)
    text = _PHONE_RE.sub(_phone, text)
    return _NAME_RE.sub(_name, text)
