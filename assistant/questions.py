"""Validation of a user's question before any work is done on it."""

from __future__ import annotations

import re
import unicodedata

from assistant.errors import InvalidQuestionError

# Zero-width characters and direction marks: invisible to the reader, so they are dropped.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
# Direction embeddings, overrides and isolates reorder what the reader sees: dropping them
# would leave text the reader never saw ("mas\u202eret\u202cuddannelse" looks like
# "masteruddannelse"), so a question with one is refused.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_question(question: object, max_chars: int = 2000) -> str:
    """The question, normalised; raises InvalidQuestionError for input that can't be searched.

    >>> clean_question("  Kan vi\\u200b bruge puljen til AMU?  ")
    'Kan vi bruge puljen til AMU?'
    """
    if not isinstance(question, str):
        raise InvalidQuestionError(
            f"Spørgsmålet skal være tekst, ikke {type(question).__name__}."
        )
    bidi = _BIDI.search(question)
    if bidi:
        raise InvalidQuestionError(
            f"Spørgsmålet indeholder et tegn, der vender tekstens retning "
            f"(U+{ord(bidi.group(0)):04X}); skriv det som almindelig tekst."
        )
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", question))
    if _CONTROL.search(text):
        bad = _CONTROL.search(text)
        assert bad is not None
        raise InvalidQuestionError(
            f"Spørgsmålet indeholder et kontroltegn (U+{ord(bad.group(0)):04X}); "
            "skriv det som almindelig tekst."
        )
    text = " ".join(text.split())
    if not text:
        raise InvalidQuestionError("Spørgsmålet er tomt; skriv et spørgsmål om puljen.")
    if len(text) > max_chars:
        raise InvalidQuestionError(
            f"Spørgsmålet er {len(text)} tegn langt; højst {max_chars} tegn er tilladt."
        )
    return text
