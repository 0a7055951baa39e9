"""Redaction (assistant.storage.redact) of CPR numbers, e-mail addresses and phone numbers
before questions are stored, plain and disguised, and the text that looks like them but is
kept: amounts, dates, years, words around an @."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from assistant.storage.redact import redact
from tests.hypothesis_settings import FAST

FILLER = st.sampled_from(
    [
        "Kan", "vi", "søge", "puljen", "til", "en", "medhjælper", "hvad", "er", "mit",
        "cpr-nummer", "CPR:", "tlf.", "og", "?", ",", ".", "Hej", "tak", "leder",
        "børnehave", "dagpleje", "Å", "æøå", "PAU", "kr.", "(", ")", "\n", "-", "/",
    ]
)
TEXT = st.lists(FILLER, max_size=8).map(" ".join)

CPR_FORMATS = (
    "{d}{m}{y}-{s}",
    "{d}{m}{y}{s}",
    "{d}{m}{y} {s}",
    "{d}.{m}.{y}-{s}",
    "{d} {m} {y} {s}",
    "{d}{m}{y}/{s}",
    "{d}-{m}-{y}-{s}",
    "{d}.{m}.{y} {s}",
    "{d}{m}{y}–{s}",
)


def danish(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# --- CPR ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("010190-1234", "[CPR]"),
        ("0101901234", "[CPR]"),
        ("010190 1234", "[CPR]"),
        ("01.01.90-1234", "[CPR]"),
        ("01 01 90 1234", "[CPR]"),
        ("010190/1234", "[CPR]"),
        ("Mit CPR er 311299-4321.", "Mit CPR er [CPR]."),
        ("cpr:2512854000, og hva' så?", "cpr:[CPR], og hva' så?"),
        # Fails modulus 11 (sum 129) – still a CPR number.
        ("010190-1235", "[CPR]"),
        ("Hun har 310207-0001 og 150565-9876", "Hun har [CPR] og [CPR]"),
    ],
)
def test_cpr_is_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2400000000",  # month 00
        "1234567890",  # month 34
        "3201901234",  # day 32
        "320190-1234",
        "011390-1234",  # month 13
        "Beløbet er 2.400.000",
        "Vi fik 240.000 kr. i 2024",
        "1,2 mio. kr.",
        "Fristen er 31. juli 2026",
        "fra 2026-08-01",
        "1/8-2023",
        "i årene 2023-2025",
        "jf. faktaark-007",
        "31.12.2026",
        "12345678901",  # 11 digits
        "1.010190-1234",  # part of a longer number
    ],
)
def test_cpr_lookalikes_are_kept(text: str) -> None:
    assert redact(text) == text


@FAST
@given(
    day=st.integers(1, 31),
    month=st.integers(1, 12),
    year=st.integers(0, 99),
    serial=st.integers(0, 9999),
    fmt=st.sampled_from(CPR_FORMATS),
    before=TEXT,
    after=TEXT,
)
@example(day=1, month=1, year=90, serial=1234, fmt="{d}{m}{y}{s}", before="", after="kr.")
def test_any_valid_date_cpr_is_redacted(
    day: int, month: int, year: int, serial: int, fmt: str, before: str, after: str
) -> None:
    cpr = fmt.format(d=f"{day:02d}", m=f"{month:02d}", y=f"{year:02d}", s=f"{serial:04d}")
    out = redact(f"{before} {cpr} {after}")
    assert "[CPR]" in out
    assert not re.search(r"\d", out)


# --- e-mail ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("skriv til anne.hansen@kommune.dk", "skriv til [EMAIL]"),
        ("Mail: søren_b+pulje@børnehuset.example.dk.", "Mail: [EMAIL]."),
        ("(leder@x-y.dk)", "([EMAIL])"),
        ("010190.1234@firma.dk", "[EMAIL]"),
    ],
)
def test_email_is_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", ["skriv @ os", "a@b", "@kommune.dk", "user@localhost"])
def test_non_emails_are_kept(text: str) -> None:
    assert redact(text) == text


# --- phone -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12345678", "[TELEFON]"),
        ("12 34 56 78", "[TELEFON]"),
        ("1234 5678", "[TELEFON]"),
        ("12-34-56-78", "[TELEFON]"),
        ("+45 12 34 56 78", "[TELEFON]"),
        ("0045 12345678", "[TELEFON]"),
        ("+4512345678", "[TELEFON]"),
        ("Ring på tlf. 87654321.", "Ring på tlf. [TELEFON]."),
        ("tlf:20304050, mobil 6070 8090", "tlf:[TELEFON], mobil [TELEFON]"),
        ("+45 12345678 kr.", "[TELEFON] kr."),  # +45 settles it
    ],
)
def test_phone_is_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12.345.678 kr.",
        "12345678 kr.",
        "12345678 kr",
        "12345678 kroner",
        "12345678 DKK",
        "12345678,- i alt",
        "DKK 12345678",
        "kr. 12345678",
        "1234567",  # 7 digits
        "123456789",  # 9 digits
        "12345678,50",
        "2023-2025",
    ],
)
def test_phone_lookalikes_are_kept(text: str) -> None:
    assert redact(text) == text


@FAST
@given(n=st.integers(0, 10**13), before=TEXT, after=TEXT)
def test_danish_amounts_are_kept(n: int, before: str, after: str) -> None:
    text = f"{before} {danish(n)} kr. {after}"
    assert redact(text) == text


@FAST
@given(
    n=st.integers(10_000_000, 99_999_999),
    unit=st.sampled_from([" kr.", " kr", " kroner", " DKK", ",-"]),
)
def test_plain_eight_digit_amounts_are_kept(n: int, unit: str) -> None:
    text = f"Vi søger {n}{unit}"
    assert redact(text) == text


# --- e-mail, phone and CPR in the forms issue 14 found ------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ring på 12.34.56.78", "Ring på [TELEFON]"),
        ("Ring på 12 345 678", "Ring på [TELEFON]"),
        ("tlf. ＋４５ １２ ３４ ５６ ７８", "tlf. [TELEFON]"),
        ("tlf. 12\u00a034\u00a056\u00a078", "tlf. [TELEFON]"),
        ("skriv til mette (at) kk.dk", "skriv til [EMAIL]"),
        ("skriv til mette[at]kk.dk", "skriv til [EMAIL]"),
        ("skriv til mette(at)kk(dot)dk", "skriv til [EMAIL]"),
        ("skriv til mette at kk dot dk", "skriv til [EMAIL]"),
        ("skriv til mette.hansen AT kk DOT dk.", "skriv til [EMAIL]."),
        ("skriv til mette＠kk．dk", "skriv til [EMAIL]"),
        ("CPR ０１０１９０-１２３４", "CPR [CPR]"),
        ("CPR ０１０１９０－１２３４", "CPR [CPR]"),
        ("CPR ٠١٠١٩٠١٢٣٤", "CPR [CPR]"),  # Arabic-Indic digits
    ],
)
def test_disguised_numbers_and_emails_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12.345.678 kr.",
        "31.12.2026",
        "01.08.2026",
        "i 2023 2024 og 2025",
        "Det er vigtigt at kk.dk svarer",
        "tid at gå",
        "beløbet ＄ 100",
    ],
)
def test_disguise_lookalikes_are_kept(text: str) -> None:
    assert redact(text) == text
