from __future__ import annotations

import re
import unicodedata

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.common.errors import InvalidQuestionError
from assistant.common.input_text import PLAIN_PATTERN, VISIBLE_PATTERN, clean_question, clean_text


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "tomt"),
        ("   \n\t ", "tomt"),
        ("\u200b\u200b", "tomt"),
        ("x" * 2001, "2001 tegn langt; højst 2000"),
        ("Kan vi\x00 bruge AMU?", "kontroltegn \\(U\\+0000\\)"),
        ("Kan vi\x1b[31m bruge AMU?", "kontroltegn \\(U\\+001B\\)"),
        (None, "skal være tekst, ikke NoneType"),
        (42, "skal være tekst, ikke int"),
    ],
)
def test_bad_questions_are_refused_with_a_reason(question: object, message: str) -> None:
    with pytest.raises(InvalidQuestionError, match=message):
        clean_question(question)


def test_question_is_normalised() -> None:
    assert clean_question(" Kan\u00a0vi  bruge\u200b\n puljen? ") == "Kan vi bruge puljen?"
    assert clean_question("x" * 2000) == "x" * 2000
    assert clean_question("a" * 30, max_chars=30) == "a" * 30
    with pytest.raises(InvalidQuestionError):
        clean_question("a" * 31, max_chars=30)


def test_direction_overrides_are_refused_not_silently_dropped() -> None:
    import pytest

    from assistant.common.errors import InvalidQuestionError
    from assistant.common.input_text import clean_question

    with pytest.raises(InvalidQuestionError, match="U\\+202E"):
        clean_question("Kan vi finansiere en mas\u202eret\u202cuddannelse?")
    assert clean_question("Kan\u200b vi\u200e?") == "Kan vi?"


# --- clean_text: look-alike and invisible characters (issue 14) ----------------------------

PLAIN = "Kan vi finansiere en masteruddannelse?"
# Each disguise of PLAIN that was answered "info" instead of "no" before clean_text.
DISGUISED = {
    "cyrillic a": "Kan vi finansiere en m\u0430steruddannelse?",
    "greek kappa, cyrillic e": "\u039aan vi finansiere en mast\u0435ruddannelse?",
    "combining acute": "Kan vi finansiere en maste\u0301ruddannelse?",
    "stacked marks": "Kan vi finansiere en ma\u0300\u0301\u0308steruddannelse?",
    "grapheme joiner": "Kan vi finansiere en mas\u034fteruddannelse?",
    "arabic letter mark": "Kan vi finansiere en mas\u061cteruddannelse?",
    "hangul filler": "Kan vi finansiere en mas\u3164teruddannelse?",
    "variation selector": "Kan vi finansiere en mas\ufe0fteruddannelse?",
    "tag character": "Kan vi finansiere en mas\U000e0041teruddannelse?",
    "fullwidth": "Kan vi finansiere en \uff4d\uff41\uff53\uff54\uff45\uff52uddannelse?",
    "mathematical bold": "Kan vi finansiere en "
                         "\U0001d426\U0001d41a\U0001d42c\U0001d42deruddannelse?",
}


@pytest.mark.parametrize("disguised", DISGUISED.values(), ids=DISGUISED.keys())
def test_disguised_letters_read_as_the_plain_word(disguised: str) -> None:
    assert disguised != PLAIN
    assert clean_text(disguised) == PLAIN
    assert clean_question(disguised) == PLAIN


def test_danish_letters_survive() -> None:
    text = "Må Søren, Ærø og Åse få løn? ÆØÅ æøå"
    assert clean_text(text) == text
    # å written as a + combining ring (NFD) is å; an accent on å keeps the ring.
    assert clean_text("pa\u030a A\u030ase") == "på Åse"
    assert clean_text("pa\u034f\u030a") == "på"
    assert clean_text("pa\u0301\u030a") == "på"
    # The Angstrom sign is Å (NFKC); a ring on another letter is a stray mark.
    assert clean_text("\u212bse e\u030a") == "Åse e"


def test_loan_word_accents_are_folded() -> None:
    # Danish spells with æ, ø, å only; idé/ide and allé/alle are both written, and the
    # reader matches plain letters.
    assert clean_text("en god idé, müsli og café") == "en god ide, musli og cafe"


def test_a_word_wholly_in_another_script_is_left_as_written() -> None:
    for text in ("мир", "Спасибо за помощь", "λόγος", "Κάτι", "й"):
        assert clean_text(text) == text
    # Inside a Latin word, a Cyrillic letter without a Latin look-alike stays (д).
    assert clean_text("masдer") == "masдer"


def test_whitespace_is_kept_and_normalised_only_by_nfkc() -> None:
    assert clean_text("Tak!\n\nGod  hjælp") == "Tak!\n\nGod  hjælp"
    assert clean_text("a\u00a0b\u3000c") == "a b c"


@pytest.mark.parametrize("text", ["mas\u202eret\u202cuddannelse", "a\u2066b\u2069", "a\x00b",
                                  "a\x1b[2Jb", "a\x85b"])
def test_direction_and_control_characters_are_refused_by_clean_text(text: str) -> None:
    with pytest.raises(InvalidQuestionError, match="Beskrivelsen indeholder"):
        clean_text(text, "Beskrivelsen")


_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")
_SAFE = st.characters(blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068"
                      "\u2069", blacklist_categories=("Cc", "Cs"))


@settings(max_examples=400, deadline=None)
@given(st.text(_SAFE, max_size=40) | st.lists(st.sampled_from(
    ["m", "a", "\u0430", "\u0301", "\u030a", "\u034f", "\u3164", "\ufe0f", "\U000e0041", "\uff41",
     "\u039f", "\u03bf", " ", "\u00e5", "\u00f8", "A", "\u212b", "\u1160", "\u0306", "\u0438"]),
    max_size=20).map("".join))
def test_clean_text_is_idempotent_and_leaves_nothing_invisible(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    assert not _IGNORABLE.search(once), ascii(once)
    assert unicodedata.is_normalized("NFC", once)


def test_the_schema_patterns_state_exactly_what_clean_text_refuses_and_blanks() -> None:
    # The API's description allows what the server accepts (schemathesis's positive data
    # check): a character is refused by PLAIN_PATTERN exactly when clean_text refuses it,
    # and a one-character text is visible by VISIBLE_PATTERN exactly when clean_text leaves
    # something that is not whitespace. Every code point but the surrogates.
    plain, visible = re.compile(PLAIN_PATTERN), re.compile(VISIBLE_PATTERN)
    wrong: list[str] = []
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        try:
            kept: str | None = clean_text(char)
        except InvalidQuestionError:
            kept = None
        if (plain.match(char) is None) != (kept is None):
            wrong.append(f"U+{code:04X} refused")
        elif kept is not None and (visible.match(char) is None) != (not kept.strip()):
            wrong.append(f"U+{code:04X} blank")
    assert not wrong, wrong[:20]
