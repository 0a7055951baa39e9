from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from assistant.corpus.documents import load_corpus
from assistant.corpus.passages import chunk_corpus
from assistant.rules.parameters import ParameterError, load_parameters
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
