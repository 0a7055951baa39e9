"""How much work experience a question says someone has ("3 års erfaring", "ansat for
7 mdr siden", "just 1 year of experience", "uden erhvervserfaring")."""

from __future__ import annotations

import re

from assistant.common.calendar_words import NUMBER_WORDS

_FRACTIONS = {"halvt": 0.5, "halv": 0.5, "half a": 0.5, "et halvt": 0.5, "half": 0.5,
              "halvandet": 1.5, "one and a half": 1.5, "1½": 1.5, "½": 0.5}
_NUMBER = {**{word: float(n) for word, n in NUMBER_WORDS.items()}, **_FRACTIONS}
# Every number word the one table knows (longest first, so "et halvt" wins over "et").
_WORDS = sorted((re.escape(w) for w in _NUMBER), key=len, reverse=True)
_NUM = "(" + "|".join([r"\d+(?:[.,]\d+)?½?", *_WORDS]) + ")"
_UNIT = r"(års?|år|years?'?|mdr\.?|måneders?|months?'?)"
_EXPERIENCE = (r"(?:erhvervs|arbejds|praksis)?erfaring\w*"
               r"|(?:work |working |professional )?experience")
_PATTERNS = (
    # "3 års erfaring", "1 year of experience", "two years' experience", "7 mdr. erfaring"
    re.compile(rf"\b{_NUM}\s+{_UNIT}\s+(?:of\s+|med\s+|relevant\s+)?(?:{_EXPERIENCE})", re.I),
    # "ansat for 7 mdr siden", "har været ansat i 1 år", "employed for 8 months"
    re.compile(rf"\b(?:ansat|været her|arbejdet|employed|worked|working)\b[^.?!]{{0,25}}?"
               rf"\b(?:for|i|in)\s+(?:kun\s+|only\s+|just\s+)?{_NUM}\s+{_UNIT}", re.I),
    # "erfaring på 1 år", "experience of 6 months"
    re.compile(rf"(?:{_EXPERIENCE})\s+(?:på|of)\s+(?:kun\s+|only\s+)?{_NUM}\s+{_UNIT}", re.I),
)
# What a requirement says ("PAU kræver to års erfaring") is not what someone has.
_REQUIREMENT = re.compile(r"\b(?:kræve[rs]?|krav\w*|requires?|required|requirement|minimum|mindst|"
                          r"at least)\b[^.?!,]{0,20}$", re.I)
_NONE = re.compile(
    rf"\b(?:uden|ingen|no|without(?: any)?|not any)\s+(?:{_EXPERIENCE})", re.I)
# "under to års erfaring", "less than two years", "få måneders erfaring": below the amount
_BELOW = re.compile(
    rf"\b(?:under|mindre end|less than|fewer than|not yet|endnu ikke)\s+{_NUM}\s+{_UNIT}"
    rf"|\b(?:få|a few|few)\s+(?:måneders?|months?'?)", re.I)


def experience_years(text: str) -> float | None:
    """The shortest stated experience in years, 0 for "without experience", None when the
    question does not say.

    >>> experience_years("en medhjælper med 3 års erfaring")
    3.0
    >>> experience_years("vores nye medhjælper (ansat for 7 mdr siden)")
    0.58
    >>> experience_years("an assistant with just 1 year of experience")
    1.0
    >>> experience_years("kan en 20-årig uden erhvervserfaring tage PAU")
    0.0
    >>> experience_years("PAU kræver jo kun et halvt års erfaring, og hun er ansat for 3 år siden")
    3.0
    >>> experience_years("hun har under to års erfaring")
    1.99
    >>> experience_years("Hun har arbejdet hos os i halvandet år.")
    1.5
    >>> experience_years("Our childminders have worked for us for eight years")
    8.0
    >>> experience_years("Kan vi sende en medhjælper på PAU?") is None
    True
    """
    found: list[float] = []
    if _NONE.search(text):
        found.append(0.0)
    for m in _BELOW.finditer(text):
        if m.group(1):
            value = _number(m.group(1).lower())
            found.append(round(value / 12 if m.group(2).lower().startswith("m") else value, 2)
                         - 0.01)
        else:
            found.append(0.25)
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if _REQUIREMENT.search(text[max(0, m.start() - 40):m.start()]):
                continue
            number, unit = m.group(1).lower(), m.group(2).lower()
            value = _number(number)
            if unit.startswith(("m", "M")):
                value /= 12
            found.append(round(value, 2))
    return min(found) if found else None


def _number(word: str) -> float:
    known = _NUMBER.get(word)
    if known is not None:
        return known
    half = 0.5 if word.endswith("½") else 0.0
    return float(word.rstrip("½").replace(",", ".")) + half
