from __future__ import annotations

import pytest

from assistant.errors import InvalidQuestionError
from assistant.questions import clean_question


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

    from assistant.errors import InvalidQuestionError
    from assistant.questions import clean_question

    with pytest.raises(InvalidQuestionError, match="U\\+202E"):
        clean_question("Kan vi finansiere en mas\u202eret\u202cuddannelse?")
    assert clean_question("Kan\u200b vi\u200e?") == "Kan vi?"
