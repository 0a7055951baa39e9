from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.corpus.documents import load_corpus
from assistant.corpus.passages import chunk_corpus
from assistant.rules.book import CATALOGUE_FILE, RuleBook
from assistant.rules.parameters import (
    PARAMETERS_FILE,
    ParameterError,
    load_parameters,
    stated_value,
)
from assistant.rules.registry import run_rule
from assistant.understanding.gazetteer import mentions
from tests.servers import CORPUS

DOCS = load_corpus(CORPUS)
TEXTS = {d.id: d.text for d in DOCS}
PASSAGES = chunk_corpus(DOCS)
BOOK = RuleBook({d.id: d for d in DOCS}, PASSAGES)


def test_every_parameter_quotes_its_passage_verbatim() -> None:
    params = load_parameters(TEXTS, PASSAGES)
    by_id = {p.id: p for p in PASSAGES}
    assert len(list(params.items())) == 12
    for _, p in params.items():
        assert p.reference.quote in by_id[p.reference.passage_id].text
        assert TEXTS[p.reference.doc][p.reference.start : p.reference.end] == p.reference.quote
        assert p.description and p.unit and p.values


def test_parameter_values_match_the_fact_sheet() -> None:
    params = load_parameters(TEXTS, PASSAGES)
    assert params.informal_cap.value == 0.10
    assert params.amounts.at(dt.date(2023, 6, 1)) == 107_000_000
    assert params.amounts.at(dt.date(2030, 12, 31)) == 195_900_000
    assert params.amounts.at(dt.date(2022, 12, 31)) is None  # before the pool
    assert params.amounts.at(dt.date(2031, 1, 1)) is None  # after its last grant year
    window = params.first_round_activity_window.value
    assert (window.start, window.end) == (dt.date(2023, 8, 1), dt.date(2026, 7, 31))
    assert dt.date(2026, 7, 31) in window and dt.date(2026, 8, 1) not in window
    assert [str(r) for r in params.allocation_rounds.value] == ["2023-2025", "2026-2030"]
    periods = params.accounting_periods.value
    assert periods[0].start == dt.date(2023, 8, 1) and periods[-1].end == dt.date(2030, 7, 31)
    for a, b in itertools.pairwise(periods):
        assert b.start == a.end + dt.timedelta(days=1)  # no gaps, no overlaps


def test_the_book_sums_the_amounts_per_grant_year() -> None:
    assert BOOK.amounts_per_year == {2023: 107_000_000, **dict.fromkeys(range(2024, 2031),
                                                                         195_900_000)}


def _write(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    raw = yaml.safe_load(PARAMETERS_FILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "parameters.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_a_value_that_changes_over_time_is_read_at_a_day(tmp_path: Path) -> None:
    def raised(raw: dict[str, Any]) -> None:
        raw["informal_cap"]["values"][dt.date(2026, 8, 1)] = 0.2
    cap = load_parameters(TEXTS, PASSAGES, _write(tmp_path, raised)).informal_cap
    assert cap.at(dt.date(2026, 7, 31)) == 0.10 and cap.at(dt.date(2026, 8, 1)) == 0.2
    with pytest.raises(ParameterError, match="skifter værdi over tid"):
        _ = cap.value


def test_a_parameter_without_dated_values_or_out_of_place_is_refused(tmp_path: Path) -> None:
    def undated(raw: dict[str, Any]) -> None:
        raw["informal_cap"]["values"] = 0.10
    with pytest.raises(ParameterError, match="'informal_cap' skal have værdier efter dato"):
        load_parameters(TEXTS, PASSAGES, _write(tmp_path, undated))

    def extra(raw: dict[str, Any]) -> None:
        raw["cap2"] = raw["informal_cap"]
    with pytest.raises(ParameterError, match=r"ukendte parametre \['cap2'\], manglende \[\]"):
        load_parameters(TEXTS, PASSAGES, _write(tmp_path, extra))


def test_a_quote_that_is_not_in_the_corpus_is_refused(tmp_path: Path) -> None:
    def misquoted(raw: dict[str, Any]) -> None:
        raw["informal_cap"]["reference"]["quote"] = "maksimalt 20 pct."
    with pytest.raises(ParameterError, match="citatet findes ikke ordret i 'faktaark'"):
        load_parameters(TEXTS, PASSAGES, _write(tmp_path, misquoted))

    def unknown_doc(raw: dict[str, Any]) -> None:
        raw["informal_cap"]["reference"]["doc"] = "lov"
    with pytest.raises(ParameterError, match="ukendt dokument 'lov'"):
        load_parameters(TEXTS, PASSAGES, _write(tmp_path, unknown_doc))


# A parameter changed in a copy of parameters.yaml: every sentence that stated its value
# states the new one, and none the old (the sentences take the value from the parameters).
DAYS = [dt.date(2023, 1, 10), dt.date(2024, 2, 5), dt.date(2025, 9, 3), dt.date(2027, 3, 8)]


def _calls(book: RuleBook) -> list[tuple[str, dict[str, Any], dt.date]]:
    """Every rule with inputs that reach each of its sentences (days chosen to be none of
    the parameters' dates, so a date in a sentence is the parameter's or the day's)."""
    calls: list[tuple[str, dict[str, Any], dt.date]] = []
    for day in DAYS:
        calls += [("first_round_open", {}, day), ("accounting_periods", {}, day),
                  ("activity_start", {"start": day.isoformat()}, day),
                  ("completion_deadline", {"end": day.isoformat()}, day),
                  ("completion_deadline", {}, day)]
    for p in [*book.programmes, "unlisted"]:
        calls += [("programme_eligibility", {"programme": p, "conditions_met": met}, DAYS[0])
                  for met in (None, True, False)]
        calls.append(("counts_towards_cap", {"programme": p}, DAYS[0]))
    calls += [("covered_cost", {"cost": c}, DAYS[0]) for c in [*book.costs, "unlisted"]]
    calls += [("grant_year_window", {"year": y}, DAYS[0]) for y in range(2022, 2032)]
    calls += [("informal_cap", inputs, DAYS[0]) for inputs in (
        {}, {"grant_dkk": 2_400_000}, {"grant_dkk": 2_400_000, "planned_informal_dkk": 1})]
    calls += [("allocation", {"asked": a}, DAYS[0]) for a in ("distribution", "rounds")]
    calls += [("pool_amounts", {}, DAYS[0]), ("spending_start", {}, DAYS[0]),
              ("status_review", {}, DAYS[0]), ("status_review", {"change_asked": True}, DAYS[0])]
    return calls


def _texts(book: RuleBook) -> list[str]:
    """Every sentence of every call, in Danish and English by turns (the same calls for
    every book: those the unchanged book needs)."""
    out = []
    for rule, inputs, as_of in _calls(BOOK):
        decision = run_rule(book, rule, inputs, as_of)
        for lang in ("da", "en"):
            out.append(" | ".join([decision.explanation.get(lang),
                                   *(c.get(lang) for c in decision.conditions)]))
    return out


def _book_with(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> RuleBook:
    return RuleBook({d.id: d for d in DOCS}, PASSAGES, parameters=_write(tmp_path, change))


def _later_window(raw: dict[str, Any]) -> None:
    # The fact sheet states the end twice: as the first round's and as the 2025 grant's.
    since = dt.date(2023, 1, 1)
    raw["first_round_activity_window"]["values"][since]["end"] = dt.date(2026, 12, 31)
    raw["grant_year_windows"]["values"][since][2025]["end"] = dt.date(2026, 12, 31)


def _higher_cap(raw: dict[str, Any]) -> None:
    raw["informal_cap"]["values"][dt.date(2023, 1, 1)] = 0.15


@pytest.mark.parametrize(("change", "old", "new"), [
    (_later_window, ("31. juli 2026", "31 July 2026"), ("31. december 2026", "31 December 2026")),
    (_higher_cap, ("10 pct.", "10 per cent"), ("15 pct.", "15 per cent")),
])
def test_every_sentence_states_the_parameter_as_it_is(
        tmp_path: Path, change: Callable[[dict[str, Any]], None],
        old: tuple[str, str], new: tuple[str, str]) -> None:
    before, after = _texts(BOOK), _texts(_book_with(tmp_path, change))
    stated = 0
    for i, (was, now) in enumerate(zip(before, after, strict=True)):
        old_value, new_value = old[i % 2], new[i % 2]  # _texts alternates da, en
        assert new_value not in was
        assert old_value not in now, now
        assert (old_value in was) == (new_value in now), (was, now)
        stated += old_value in was
    assert stated >= 10  # the sweep reaches the sentences that state the value


def test_a_later_window_lets_a_later_start_in(tmp_path: Path) -> None:
    book = _book_with(tmp_path, _later_window)
    start = {"start": "2026-09-01"}
    assert run_rule(BOOK, "activity_start", start).verdict == "no"
    assert run_rule(book, "activity_start", start).verdict == "yes"
    closed = run_rule(book, "first_round_open", {}, dt.date(2027, 1, 1))
    assert "sluttede 31. december 2026" in closed.explanation.da


def test_a_later_completion_deadline_is_stated_and_applied(tmp_path: Path) -> None:
    def later(raw: dict[str, Any]) -> None:
        raw["completion_deadline"]["values"][dt.date(2023, 1, 1)] = dt.date(2031, 6, 30)
    book = _book_with(tmp_path, later)
    info = run_rule(book, "completion_deadline", {}, DAYS[0])
    assert "senest 30. juni 2031" in info.explanation.da
    assert "by 30 June 2031" in info.explanation.en
    late = {"end": "2031-01-15"}
    assert run_rule(BOOK, "completion_deadline", late, DAYS[0]).verdict == "no"
    within = run_rule(book, "completion_deadline", late, DAYS[0])
    assert within.verdict == "yes"
    assert "fristen 30. juni 2031" in within.explanation.da
    assert "31. juli 2030" not in within.explanation.da


def test_texts_fixed_before_a_corpus_read_the_cap_from_the_file(tmp_path: Path) -> None:
    # The API's description, the plan schema's field and the chat's labels state the cap
    # through stated_value: one edit of parameters.yaml, and they follow.
    text = PARAMETERS_FILE.read_text(encoding="utf-8")
    assert "    2023-01-01: 0.10\n" in text
    changed = tmp_path / "parameters.yaml"
    changed.write_text(text.replace("    2023-01-01: 0.10\n",
                                    "    2023-01-01: 0.10\n    2027-01-01: 0.15\n"),
                       encoding="utf-8")
    assert stated_value("informal_cap") == 0.10
    assert stated_value("informal_cap", changed) == 0.15  # the latest value
    with pytest.raises(ParameterError, match="findes ikke"):
        stated_value("coffee_budget", changed)


def test_a_synonym_is_one_edit_of_the_catalogue(tmp_path: Path) -> None:
    # A new name for a programme, added in a copy of catalogue.yaml, is read as that
    # programme wherever the catalogue's names are used (the gazetteer, the plan check).
    question = "Kan vi betale en executive leadership-grad?"
    assert not [m for m in mentions(BOOK, question) if m.kind == "programme"]
    text = CATALOGUE_FILE.read_text(encoding="utf-8")
    old = "names: ['master\\w*', "
    assert old in text
    changed = tmp_path / "catalogue.yaml"
    changed.write_text(text.replace(old, old + "'executive leadership-grad', ", 1),
                       encoding="utf-8")
    book = RuleBook({d.id: d for d in DOCS}, PASSAGES, catalogue=changed)
    found = [m for m in mentions(book, question) if m.kind == "programme"]
    assert [(m.id, m.words) for m in found] == [("master", "executive leadership-grad")]
    decision = run_rule(book, "programme_eligibility", {"programme": found[0].id},
                        dt.date(2026, 1, 5))
    assert decision.verdict == "no"
