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
from assistant.rules.book import RuleBook
from assistant.rules.parameters import PARAMETERS_FILE, ParameterError, load_parameters
from assistant.rules.registry import run_rule
from tests.servers import CORPUS

DOCS = load_corpus(CORPUS)
TEXTS = {d.id: d.text for d in DOCS}
PASSAGES = chunk_corpus(DOCS)


def test_every_parameter_quotes_its_passage_verbatim() -> None:
    params = load_parameters(TEXTS, PASSAGES)
    by_id = {p.id: p for p in PASSAGES}
    assert params
    for p in params.values():
        assert p.reference.quote in by_id[p.reference.passage_id].text
        assert TEXTS[p.reference.doc][p.reference.start : p.reference.end] == p.reference.quote


def test_parameter_values_match_the_fact_sheet() -> None:
    params = load_parameters(TEXTS, PASSAGES)
    assert params["informal_cap"].data["value"] == 0.10
    assert params["amounts"].data["values"][2023] == 107_000_000
    assert sum(params["amounts"].data["values"].values()) == 107_000_000 + 7 * 195_900_000
    window = params["first_round_activity_window"].data
    assert (window["start"], window["end"]) == (dt.date(2023, 8, 1), dt.date(2026, 7, 31))
    periods = params["accounting_periods"].data["values"]
    assert periods[0]["start"] == dt.date(2023, 8, 1) and periods[-1]["end"] == dt.date(2030, 7, 31)
    for a, b in itertools.pairwise(periods):
        assert b["start"] == a["end"] + dt.timedelta(days=1)  # no gaps, no overlaps


def test_a_quote_that_is_not_in_the_corpus_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text('cap:\n  value: 0.2\n  reference: {doc: faktaark, quote: "maksimalt 20 pct."}\n')
    with pytest.raises(ParameterError, match="citatet findes ikke ordret i 'faktaark'"):
        load_parameters(TEXTS, PASSAGES, bad)
    bad.write_text('cap:\n  value: 0.1\n  reference: {doc: lov, quote: "x"}\n')
    with pytest.raises(ParameterError, match="ukendt dokument 'lov'"):
        load_parameters(TEXTS, PASSAGES, bad)


# A parameter changed in a copy of parameters.yaml: every sentence that stated its value
# states the new one, and none the old (the sentences take the value from the parameters).
BOOK = RuleBook({d.id: d for d in DOCS}, PASSAGES)
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
    out = []
    for rule, inputs, as_of in _calls(BOOK):
        decision = run_rule(book, rule, inputs, as_of)
        for lang in ("da", "en"):
            out.append(" | ".join([decision.explanation.get(lang),
                                   *(c.get(lang) for c in decision.conditions)]))
    return out


def _book_with(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> RuleBook:
    raw = yaml.safe_load(PARAMETERS_FILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "parameters.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return RuleBook({d.id: d for d in DOCS}, PASSAGES, parameters=path)


def _later_window(raw: dict[str, Any]) -> None:
    # The fact sheet states the end twice: as the first round's and as the 2025 grant's.
    raw["first_round_activity_window"]["end"] = dt.date(2026, 12, 31)
    raw["grant_year_windows"]["values"][2025]["end"] = dt.date(2026, 12, 31)


def _higher_cap(raw: dict[str, Any]) -> None:
    raw["informal_cap"]["value"] = 0.15


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
        raw["completion_deadline"]["date"] = dt.date(2031, 6, 30)
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
