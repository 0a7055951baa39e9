"""Validation and cleaning of every text a user hands the assistant before any work is done.

``clean_text`` is the one cleaning step; questions, their history, plan item descriptions
and feedback comments all pass it, so that what is read (and echoed as "understood as") is
what the reader saw. It refuses direction controls and control characters, drops invisible
characters (Unicode's Default_Ignorable_Code_Point), folds compatibility forms (NFKC:
fullwidth and mathematical letters), folds look-alike letters of other scripts inside a
Latin word to Latin by Unicode's confusables data (TR39, shipped by ``confusable-homoglyphs``),
and drops accents on Latin letters except the ring of å/Å. A lone word in another script
("мир", "λόγος") is left as written: it is not a disguised Latin word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import regex
from confusable_homoglyphs.confusables import confusables_data

from assistant.common.errors import InvalidQuestionError

# Direction embeddings, overrides and isolates reorder what the reader sees: dropping them
# would leave text the reader never saw ("mas\u202eret\u202cuddannelse" looks like
# "masteruddannelse"), so a text with one is refused. (U+061C and the marks U+200E/F only
# set the direction of neutral characters: they are dropped as invisible.)
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Invisible by Unicode's own property: zero-width characters, joiners, the grapheme joiner,
# variation selectors, tag characters, Hangul fillers, soft hyphens, direction marks.
_INVISIBLE = regex.compile(r"\p{Default_Ignorable_Code_Point}+")
# A word, with the marks on its letters; a letter of the Latin script; a letter of another
# script (not Common/Inherited, which digits, punctuation and marks belong to).
_WORD = regex.compile(r"[\w\p{M}]+")
_LATIN = regex.compile(r"\p{Script=Latin}")
_OTHER_LETTER = regex.compile(r"(?=\p{L})[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]")
# What a look-alike may be folded to: a plain Latin letter, or a Danish one.
_FOLD_TARGETS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZæøåÆØÅ")
_RING = "\u030a"

# What clean_text refuses and what it leaves blank, as JSON Schema patterns for the API's
# description (Python's re and ECMA 262 read the \u escapes alike; the astral ranges are
# written as Python's \U, which only Python-based validators read). BLANK is exactly the
# characters that are whitespace to str.split() or dropped as invisible, less the refused
# ones; tests/test_questions.py checks it against clean_text over every code point.
REFUSED = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
BLANK = (r"\t\n\r \u00a0\u00ad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f"
         r"\u2000-\u200f\u2028\u2029\u202f\u205f-\u2065\u206a-\u206f\u3000\u3164"
         r"\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
         r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff")
PLAIN_PATTERN = f"^[^{REFUSED}]*$"
VISIBLE_PATTERN = f"^[^{REFUSED}]*[^{REFUSED}{BLANK}][^{REFUSED}]*$"


def clean_text(text: str, subject: str = "Teksten") -> str:
    """The text as the reader saw it, in Latin letters where it was disguised; raises
    InvalidQuestionError (named by ``subject``) for direction or control characters.
    Length and emptiness are the caller's rules; whitespace is kept as written.

    >>> clean_text("Kan vi finansiere en m\\u0430ste\\u0301r\\u034fuddannelse på ＡＭＵ?")
    'Kan vi finansiere en masteruddannelse på AMU?'
    >>> clean_text("Må Søren og Æbla få en idé om λόγος?")
    'Må Søren og Æbla få en ide om λόγος?'
    """
    bidi = _BIDI.search(text)
    if bidi:
        raise InvalidQuestionError(
            f"{subject} indeholder et tegn, der vender tekstens retning "
            f"(U+{ord(bidi.group(0)):04X}); skriv det som almindelig tekst."
        )
    bad = _CONTROL.search(text)
    if bad:
        raise InvalidQuestionError(
            f"{subject} indeholder et kontroltegn (U+{ord(bad.group(0)):04X}); "
            "skriv det som almindelig tekst."
        )
    # Invisibles go before NFKC (a grapheme joiner between a and its ring would keep å
    # apart) and after it (NFKC maps the Hangul filler U+3164 to U+1160, also invisible).
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)))
    text = _WORD.sub(_fold_word, text)
    return _strip_latin_accents(text)


def _fold_word(match: regex.Match[str]) -> str:
    """A word that mixes Latin letters with letters of another script, with those letters
    folded to the Latin letter they look like; any other word unchanged. A real word of
    Danish or English has no Cyrillic or Greek letter in it, so a mixed word is a disguise
    (or a typo) either way, while a whole Greek or Russian word is left alone."""
    word = match.group(0)
    if not (_LATIN.search(word) and _OTHER_LETTER.search(word)):
        return word
    return "".join(_latin_lookalike(c) if _OTHER_LETTER.match(c) else c for c in word)


@cache
def _latin_lookalike(char: str) -> str:
    """The Latin letter that Unicode's confusables data says ``char`` looks like, or
    ``char`` itself where it looks like none (Cyrillic д, Greek λ)."""
    for glyph in confusables_data.get(char, ()):
        if glyph["c"] in _FOLD_TARGETS:
            return str(glyph["c"])
    return char


def _strip_latin_accents(text: str) -> str:
    """The text without combining marks on Latin letters, except the ring of å and Å.

    Danish spells with æ, ø and å only; the reader and the rules match plain letters, so a
    stray accent ("maste\\u0301ruddannelse") must not break a word. Loan words lose their
    accent (idé -> ide, müsli -> musli), which Danish also writes and the reader knows.
    Marks on letters of other scripts (Cyrillic й, Greek ό) are kept: they are spelling."""
    out: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if _LATIN.match(base) and not (char == _RING and base in "aA" and out[-1] == base):
                continue
        else:
            base = char
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def clean_question(question: object, max_chars: int = 2000) -> str:
    """The question, cleaned (``clean_text``) with its whitespace collapsed; raises
    InvalidQuestionError for input that can't be searched.

    >>> clean_question("  Kan vi\\u200b bruge puljen til AMU?  ")
    'Kan vi bruge puljen til AMU?'
    """
    if not isinstance(question, str):
        raise InvalidQuestionError(
            f"Spørgsmålet skal være tekst, ikke {type(question).__name__}."
        )
    text = " ".join(clean_text(question, "Spørgsmålet").split())
    if not text:
        raise InvalidQuestionError("Spørgsmålet er tomt; skriv et spørgsmål om puljen.")
    if len(text) > max_chars:
        raise InvalidQuestionError(
            f"Spørgsmålet er {len(text)} tegn langt; højst {max_chars} tegn er tilladt."
        )
    return text
