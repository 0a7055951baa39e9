"""The eval suite: its figures, the gate, the baseline diff, the report and both modes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.common.config import Settings
from evals import gate as quality_gate
from evals import metrics, suite
from evals.gold_set import load_gold
from tests.servers import KEY, Server

BASE: dict[str, Any] = {"split": "test", "cases": []}  # a baseline no case falls behind


def _row(**kw: Any) -> dict[str, Any]:
    row = {"id": "x", "kind": "cap", "lang": "da", "split": "test", "question": "q",
           "expected": "yes", "got": "yes", "verdict_ok": True, "facts": 1, "facts_found": 1,
           "missing_facts": [], "forbidden_hits": [], "abstain_expected": False,
           "abstained": False, "lang_ok": True, "latency_ms": 5.0, "answer": "Ja.",
           "cited": ["faktaark-007"], "citations": 1, "citations_exact": 1,
           "evidence_items": 1, "evidence_cited": 1, "citations_on_evidence": 1,
           "retrieval": {"hit1": 1.0, "hit5": 1.0, "rr": 1.0}}
    return row | kw


def test_totals_count_what_they_say() -> None:
    rows = [_row(), _row(id="b", verdict_ok=False, got="no", facts=2, facts_found=0,
                         evidence_items=2, evidence_cited=1,
                         retrieval={"hit1": 0.0, "hit5": 1.0, "rr": 0.5}),
            _row(id="c", abstain_expected=True, abstained=True, expected="unknown",
                 got="unknown", citations=0, citations_exact=0, evidence_items=0,
                 evidence_cited=0, citations_on_evidence=0, cited=[])]
    del rows[2]["retrieval"]  # no evidence, no retrieval score
    t = metrics.totals(rows)
    assert t["verdict_accuracy"] == round(2 / 3, 3)
    assert t["fact_recall"] == round(2 / 4, 3)
    assert t["citation_recall"] == round(2 / 3, 3)
    assert t["abstention_recall"] == 1.0 and t["false_abstention"] == 0.0
    assert t["recall_at_1"] == 0.5 and t["mrr"] == 0.75
    matrix = metrics.confusion(rows)
    assert matrix["yes"]["no"] == 1 and matrix["unknown"]["unknown"] == 1


def test_gate_fails_below_a_floor_and_names_it(tmp_path: Path) -> None:
    thresholds = tmp_path / "t.toml"
    thresholds.write_text("[floor]\nverdict_accuracy = 0.9\nfact_recall = 0.8\n"
                          "citation_precision = 1.0\nabstention_recall = 0.8\n"
                          "[ceiling]\nfalse_abstention = 0.05\n[redteam]\nall_hold = true\n"
                          "[baseline]\nmax_worse = 0\n")
    fine = {"fact_recall": 0.9, "citation_precision": 1.0, "abstention_recall": 0.9}
    good = {"totals": {"verdict_accuracy": 0.95, "false_abstention": 0.0} | fine,
            "redteam": [{"id": "r1", "ok": True, "problems": []}], "split": "test",
            "cases": []}
    assert quality_gate.gate(good, thresholds, baseline=BASE) == []
    bad = {"totals": {"verdict_accuracy": 0.8, "false_abstention": 0.1} | fine,
           "redteam": [{"id": "r1", "ok": False, "problems": ["verdict yes"]},
                       {"id": "r2", "ok": False, "problems": ["known"], "xfail": "why"}],
           "split": "test", "cases": []}
    failures = quality_gate.gate(bad, thresholds, baseline=BASE)
    assert failures == ["verdict_accuracy = 0.8 < 0.9", "false_abstention = 0.1 > 0.05",
                        "red-team r1: verdict yes"]


def test_the_real_thresholds_file_has_every_floor_the_gate_enforces() -> None:
    config = quality_gate.load_thresholds()  # the file CI reads, not a made-up one
    assert set(quality_gate.REQUIRED_FLOORS) <= set(config["floor"])
    # Just under each real floor fails the gate, naming the figure.
    at_floor = {"totals": dict(config["floor"]) | {"false_abstention": 0.0,
                                                    "forbidden_hits": 0},
                "split": "test", "cases": []}
    assert quality_gate.gate(at_floor, baseline=BASE) == []
    for metric, floor in config["floor"].items():
        below = at_floor | {"totals": at_floor["totals"] | {metric: floor - 0.01}}
        assert quality_gate.gate(below, baseline=BASE) == [
            f"{metric} = {floor - 0.01} < {floor}"]


def test_the_real_gate_fails_on_a_case_worse_than_the_baseline_or_no_baseline() -> None:
    config = quality_gate.load_thresholds()
    assert config["baseline"]["max_worse"] == 0
    fine = dict(config["floor"]) | {"false_abstention": 0.0, "forbidden_hits": 0}
    baseline = {"split": "test", "cases": [{"id": "a", "verdict_ok": True, "facts_found": 2},
                                           {"id": "b", "verdict_ok": False, "facts_found": 0}]}
    same = {"totals": fine, "split": "test",
            "cases": [_row(id="a", facts_found=2), _row(id="b", verdict_ok=False,
                                                        facts_found=0)]}
    assert quality_gate.gate(same, baseline=baseline) == []
    # One case loses a fact while another gains its verdict: still a regression.
    mixed = same | {"cases": [_row(id="a", facts_found=1), _row(id="b", facts_found=0)]}
    failures = quality_gate.gate(mixed, baseline=baseline)
    assert len(failures) == 1 and failures[0].startswith("baseline: 1 tilfælde værre")
    assert ": a" in failures[0]
    assert quality_gate.gate(same, baseline=None)[0].startswith("baseline: ingen gemt kørsel")
    assert quality_gate.gate(same, baseline=baseline | {"split": "dev"})[0].startswith(
        "baseline: ingen gemt kørsel")


def test_the_committed_baseline_is_a_run_of_the_test_split() -> None:
    baseline = quality_gate.load_baseline()
    assert baseline is not None and baseline["split"] == "test"
    assert {c["id"] for c in baseline["cases"]} == {c["id"] for c in load_gold("test")}


def test_a_thresholds_file_without_its_floor_table_is_refused(tmp_path: Path) -> None:
    real = quality_gate.THRESHOLDS.read_text(encoding="utf-8")
    commented = tmp_path / "t.toml"
    commented.write_text(real.replace("[floor]", "# [floor]"), encoding="utf-8")
    with pytest.raises(quality_gate.ThresholdsError, match=r"\[floor\]"):
        quality_gate.gate({"totals": {}}, commented)
    partial = tmp_path / "p.toml"
    partial.write_text("[floor]\nverdict_accuracy = 0.9\n[ceiling]\nfalse_abstention = 0.05\n")
    with pytest.raises(quality_gate.ThresholdsError, match="fact_recall"):
        quality_gate.gate({"totals": {}}, partial)
    unbased = tmp_path / "b.toml"
    unbased.write_text(real.replace("max_worse = 0", "# max_worse = 0"), encoding="utf-8")
    with pytest.raises(quality_gate.ThresholdsError, match="max_worse"):
        quality_gate.gate({"totals": {}}, unbased)


@pytest.mark.parametrize(("fact", "text", "found"), [
    ("18.000", "Loftet er 180.000 kr.", False),
    ("18.000", "Loftet er 18.000 kr.", True),
    ("2026", "frem til 20265", False),
    ("31. juli 2026", "senest 31. juli 2026.", True),
    ("10 pct.", "Det er ikke 10 pct., men mere", False),
    ("10 pct.|10 per cent", "not 10 per cent", False),
    ("110.000", "højst 110.000 kr. af 1,1 mio.", True),
    ("1,1", "11,1 mio.", False),
    ("ledelse", "specialisering inden for Ledelse", True),
])
def test_fact_found_wants_the_whole_figure_and_not_negated(fact: str, text: str,
                                                           found: bool) -> None:
    assert metrics.fact_found(fact, text) is found


def test_baseline_diff_names_better_and_worse_cases() -> None:
    baseline = {"cases": [{"id": "a", "verdict_ok": False, "facts_found": 0},
                          {"id": "b", "verdict_ok": True, "facts_found": 1}]}
    now = {"cases": [_row(id="a"), _row(id="b", verdict_ok=False)]}
    assert quality_gate.baseline_diff(now, baseline) == {"better": ["a"], "worse": ["b"]}


def test_the_gold_set_is_big_danish_and_covers_every_area() -> None:
    cases = load_gold()
    test = [c for c in cases if c["split"] == "test"]
    assert len(cases) >= 200 and len(test) >= 100
    assert sum(c["lang"] == "da" for c in cases) / len(cases) >= 0.75
    kinds = {c["kind"] for c in cases}
    assert kinds >= {"eligibility", "cap", "costs", "target_group", "dates", "amounts",
                     "accounts", "allocation", "copenhagen", "foa", "out_of_scope",
                     "false_premise", "injection", "multi_turn"}
    days = {str(c["as_of"]) for c in cases if c["kind"] == "dates"}
    assert any(d <= "2026-07-31" for d in days) and any(d > "2026-07-31" for d in days)


@pytest.mark.slow
def test_library_run_writes_json_and_report(settings: Settings, index: Any, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULJE_DATA_DIR", str(settings.data_dir))
    out, report = tmp_path / "r.json", tmp_path / "report"
    assert suite.main(["--split", "dev", "--json", str(out), "--report", str(report),
                       "--baseline", str(tmp_path / "none.json")]) == 0
    data = json.loads(out.read_text())
    for key in ("verdict_accuracy", "fact_recall", "citation_precision", "citation_recall",
                "abstention_recall", "false_abstention", "recall_at_5", "mrr",
                "latency_p95_ms"):
        assert data["totals"][key] is not None, key
    assert data["totals"]["cases"] == len(load_gold("dev"))
    md = (report / "report.md").read_text()
    assert "## Pr. slags" in md and "Fejlede tilfælde" in md
    assert (report / "confusion.png").stat().st_size > 1000
    assert "<table>" in (report / "report.html").read_text()


@pytest.mark.slow
@pytest.mark.xfail(reason="one case differs between library and API mode", strict=False)
def test_api_mode_gives_the_same_verdicts(api_server: Server, settings: Settings,
                                          index: Any) -> None:
    via_api = suite.run(settings, "dev", url=api_server.url, key=KEY)
    local = suite.run(settings, "dev")
    assert [c["got"] for c in via_api["cases"]] == [c["got"] for c in local["cases"]]
    assert via_api["totals"]["recall_at_5"] is None  # retrieval ranks: library mode only
    assert via_api["redteam"] is None


def test_the_report_opens_with_the_gate_and_shows_floors_and_targets(tmp_path: Path) -> None:
    from evals import report

    rows = [_row(), _row(id="b", kind="dates", verdict_ok=False, got="no", latency_ms=900.0)]
    result = {"split": "test", "mode": "library", "settings": {}, "seconds": 1.0,
              "totals": metrics.totals(rows), "by_kind": metrics.breakdown(rows, "kind"),
              "by_lang": metrics.breakdown(rows, "lang"), "confusion": metrics.confusion(rows),
              "cases": rows, "redteam": None}
    failures = ["verdict_accuracy = 0.5 < 0.83"]
    report.write_report(tmp_path, result, {"hybrid": result}, None, failures)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    lines = [line for line in md.splitlines() if line.strip()]
    assert lines[1] == "**Gate: FEJLER** – verdict_accuracy = 0.5 < 0.83"
    config = quality_gate.load_thresholds()
    floor, target = config["floor"]["verdict_accuracy"], config["target"]["verdict_accuracy"]
    assert f"| verdict_accuracy | 0.500 | ≥ {floor} | ≥ {target} |" in md
    assert "| loft | 1 |" in md and "| datoer | 1 |" in md  # kinds in Danish
    assert "<strong>Gate: FEJLER</strong>" in (tmp_path / "report.html").read_text()
    report.write_report(tmp_path, result, {"hybrid": result}, None, [])
    assert "**Gate: bestået**" in (tmp_path / "report.md").read_text(encoding="utf-8")
    for plot in ("kinds.png", "confusion.png", "latency.png"):
        assert (tmp_path / plot).stat().st_size > 1000
