"""Which language a question is in: Danish (the default) or English."""

from __future__ import annotations

import re

_DA = frozenset("""og i at er det en til på med af for ikke kan vi må har som der om den
de skal hvad hvor hvordan hvornår hvem hvilke hvis eller også men så fra ved nu jo vel
puljen midlerne pengene kommunen vores vil får""".split())
_EN = frozenset("""the and is are of to in for can we may our what how when who which
does do if or also but from with this that pool money grant municipality will get would
should could about any there it be""".split())


def detect_language(text: str) -> str:
    """``"en"`` when the question reads as English, otherwise ``"da"``.

    >>> detect_language("Kan vi finansiere en masteruddannelse?")
    'da'
    >>> detect_language("Can we fund a master's degree?")
    'en'
    >>> detect_language("PAU?")
    'da'
    """
    words = re.findall(r"[a-zæøå']+", text.lower())
    da_bonus = 2 if re.search(r"[æøå]", text.lower()) else 0
    da = sum(w in _DA for w in words) + da_bonus
    en = sum(w in _EN for w in words)
    return "en" if en > da else "da"
