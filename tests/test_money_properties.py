"""Properties of reading amounts (assistant.rules.money) and of the 10 pct. cap."""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import cache

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from assistant.common.config import Settings
from assistant.corpus.documents import load_corpus
from assistant.corpus.passages import chunk_corpus
from assistant.rules.book import RuleBook
from assistant.rules.cap import informal_cap
from assistant.rules.money import MAX_DKK, AmountError, check_grant, find_amounts, parse_amount

FAST = settings(max_examples=200, deadline=None, database=None)  # no .hypothesis writes
KRONER = st.integers(min_value=1, max_value=2_000_000_000)
GRANTS = st.integers(min_value=1, max_value=MAX_DKK)
YEARS = st.integers(min_value=1990, max_value=2099)
ORE = Decimal("0.01")


@cache
def book() -> RuleBook:
    docs = load_corpus(Settings().corpus_dir)
    return RuleBook({d.id: d for d in docs}, chunk_corpus(docs))


def danish(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def max_informal(grant: float) -> float:
    return float(informal_cap(book(), grant).trace["max_informal_dkk"])


# --- parse_amount / find_amounts --------------------------------------------------------

@FAST
@given(KRONER)
def test_danish_thousands_round_trip(n: int) -> None:
    assert parse_amount(f"{danish(n)} kr.") == n


@FAST
@given(KRONER)
def test_english_thousands_round_trip(n: int) -> None:
    assert parse_amount(f"DKK {n:,}") == n


@FAST
@given(st.integers(min_value=2100, max_value=2_000_000_000))
def test_bare_large_numbers_round_trip(n: int) -> None:
    """Without a money word a number counts when it is at least 1000 and not a year."""
    assert parse_amount(danish(n)) == n
    assert parse_amount(str(n)) == n


@FAST
@given(KRONER, st.integers(min_value=0, max_value=99))
def test_danish_kroner_and_oere_round_trip(n: int, oere: int) -> None:
    assert parse_amount(f"{danish(n)},{oere:02d} kr.") == float(f"{n}.{oere:02d}")


@FAST
@given(st.integers(min_value=1, max_value=2_000_000))
def test_thousands_unit_round_trip(n: int) -> None:
    assert parse_amount(f"{n} t.kr.") == n * 1000


@FAST
@given(st.integers(min_value=0, max_value=1999), st.integers(min_value=0, max_value=9))
def test_decimal_millions_are_right_to_the_oere(whole: int, tenth: int) -> None:
    """'x,y mio.' is (10x + y) * 100.000 kr. to within half an øre."""
    expected = (10 * whole + tenth) * 100_000
    for text in (f"{whole},{tenth} mio.", f"{whole},{tenth} mio. kr.",
                 f"DKK {whole}.{tenth} million"):
        assert abs(parse_amount(text) - expected) < 0.005, text


@FAST
@given(st.integers(min_value=0, max_value=1999), st.integers(min_value=0, max_value=9))
@example(4, 1)
def test_decimal_millions_round_trip_exactly(whole: int, tenth: int) -> None:
    assert parse_amount(f"{whole},{tenth} mio.") == (10 * whole + tenth) * 100_000


@FAST
@given(KRONER, KRONER, YEARS)
def test_find_amounts_reads_every_amount_in_a_sentence(a: int, b: int, year: int) -> None:
    text = f"Vi fik {danish(a)} kr. i {year} og bruger DKK {b:,} på kurser."
    assert find_amounts(text) == [a, b]


@FAST
@given(YEARS)
def test_years_alone_are_never_amounts(year: int) -> None:
    for text in (str(year), f"i {year}", f"{year - 1}-{year}", f"31. juli {year}",
                 f"bevillingen fra {year}", f"in {year}."):
        assert find_amounts(text) == [], text
    with pytest.raises(AmountError):
        parse_amount(str(year))


# --- check_grant and the cap --------------------------------------------------------------

@FAST
@given(st.floats(min_value=0.01, max_value=MAX_DKK))
def test_check_grant_accepts_every_possible_grant(amount: float) -> None:
    assert check_grant(amount) == amount


@FAST
@given(st.one_of(st.integers(max_value=0), st.floats(max_value=0, allow_nan=False),
                 st.integers(min_value=MAX_DKK + 1),
                 st.floats(min_value=MAX_DKK + 1, allow_nan=False)))
def test_zero_negative_and_absurd_grants_are_refused(amount: float) -> None:
    with pytest.raises(AmountError):
        check_grant(amount)
    with pytest.raises(AmountError):
        informal_cap(book(), amount)


@FAST
@given(KRONER.map(lambda n: -n))
def test_negative_grants_as_text_are_refused(n: int) -> None:
    with pytest.raises(AmountError):
        check_grant(parse_amount(f"-{danish(-n)} kr."))


def test_nan_grant_is_refused() -> None:
    with pytest.raises(AmountError):
        check_grant(math.nan)


@FAST
@given(GRANTS)
def test_cap_is_exactly_ten_percent(grant: int) -> None:
    expected = float((Decimal(grant) * Decimal("0.10")).quantize(ORE))
    assert max_informal(grant) == expected


@FAST
@given(st.integers(min_value=1, max_value=MAX_DKK * 100))
def test_cap_of_a_grant_with_oere_is_ten_percent_to_the_oere(oere: int) -> None:
    """10 pct. of a grant with øre is rounded to the øre below or above (ties may go either way)."""
    exact = Decimal(oere) / 1000
    allowed = {float(exact.quantize(ORE, rounding=r)) for r in (ROUND_FLOOR, ROUND_CEILING)}
    assert max_informal(oere / 100) in allowed


@FAST
@given(GRANTS)
def test_planned_equal_to_cap_is_within_and_one_krone_more_is_not(grant: int) -> None:
    cap = max_informal(grant)
    at = informal_cap(book(), grant, cap)
    over = informal_cap(book(), grant, cap + 1)
    assert (at.verdict, at.trace["within_cap"], at.trace["left_dkk"]) == ("yes", True, 0)
    assert (over.verdict, over.trace["within_cap"], over.trace["left_dkk"]) == ("no", False, -1)


@FAST
@given(GRANTS, GRANTS)
def test_cap_is_monotone_in_the_grant(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert max_informal(low) <= max_informal(high)


@FAST
@given(GRANTS, st.floats(max_value=-0.01, allow_nan=False, allow_infinity=False))
def test_negative_planned_amounts_are_refused(grant: int, planned: float) -> None:
    with pytest.raises(AmountError):
        informal_cap(book(), grant, planned)
