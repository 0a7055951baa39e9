"""Properties of redaction (assistant.storage.redact) as a whole: its labels, every kind in
one text, idempotence, no exception on any text, and linear time on long adversarial input."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.storage.redact import REDACTION_LABELS, redact
from tests.hypothesis_settings import FAST


def test_labels() -> None:
    assert REDACTION_LABELS == ("[CPR]", "[EMAIL]", "[TELEFON]", "[NAVN]")
    for label in REDACTION_LABELS:
        assert redact(label) == label


def test_all_kinds_together() -> None:
    text = (
        "Jeg hedder Søren Hansen (sh@dagtilbud.dk, 22 33 44 55). Medarbejderen Anne "
        "har CPR 010190-1234 og søger 240.000 kr. inden 31. juli 2026."
    )
    assert redact(text) == (
        "Jeg hedder [NAVN] ([EMAIL], [TELEFON]). Medarbejderen [NAVN] "
        "har CPR [CPR] og søger 240.000 kr. inden 31. juli 2026."
    )


TRICKY = st.sampled_from(
    [
        "010190", "-", "1234", " ", ".", "12", "34", "56", "78", "+45", "0045", "kr.", "DKK",
        "@", "a", "dk", "Anne", "Hansen", "medarbejderen", "jeg hedder", "[CPR]", "[NAVN]",
        "2.400.000", ",", "/", "\n", "Jeg", "Marie-", "'", "O", "0", "9",
    ]
)


@FAST
@given(st.lists(TRICKY | st.text(max_size=4), max_size=20).map("".join))
def test_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


@FAST
@given(st.text())
def test_never_raises(text: str) -> None:
    assert isinstance(redact(text), str)


@pytest.mark.parametrize(
    "unit",
    [
        "a",
        "1",
        "1 ",
        "12 ",
        "a.",
        "a@",
        "a@b.",
        "01.",
        "+45 ",
        "Medarbejder ",
        "jeg hedder ",
        "Aa ",
        "\x00\u2028",
    ],
)
def test_long_adversarial_input_returns(unit: str) -> None:
    text = unit * (200_000 // len(unit))
    out = redact(text)
    assert redact(out) == out


@pytest.mark.parametrize(
    "unit",
    [
        "Mette ", "Mette Hansen ", "mette hansen ", "pædagogen, ", "jeg hedder ", "Aa ",
        "a (at) ", "a at b dot ", "a(at)b.", "a at ", "１２ ", "12.34.", "x.x.", "Anne-", "O'",
        "Mettes ", "jeg hedder jeg hedder zz ", "a.", "a@", "12 ",
    ],
)
def test_100k_adversarial_input_is_fast(unit: str) -> None:
    """Linear time: 100,000 characters of any of these take well under 2 s (about 0.3 s
    here); a quadratic pattern takes minutes."""
    text = unit * (100_000 // len(unit))
    start = time.perf_counter()
    redact(text)
    assert time.perf_counter() - start < 2.0
