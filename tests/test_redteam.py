"""The red-team cases (evals/redteam.yaml) and the planted-document check, offline."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from assistant.common.config import Settings
from assistant.retrieval.index import SearchIndex
from assistant.service import Assistant
from evals.redteam import KINDS, load_cases, poisoned_index_check, run_case
from tests.servers import CORPUS

CASES = load_cases()


def _param(case: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=str(case["xfail"]))] if case.get("xfail") else []
    return pytest.param(case, id=case["id"], marks=marks)


@pytest.fixture(scope="module")
def assistant(settings: Settings, index: SearchIndex) -> Assistant:
    return Assistant(settings, index)


def test_cases_are_well_formed() -> None:
    ids = [c.get("id") for c in CASES]
    assert all(isinstance(i, str) and i for i in ids)
    assert len(set(ids)) == len(ids), [i for i, n in Counter(ids).items() if n > 1]
    for case in CASES:
        assert case.get("kind") in KINDS, case["id"]
        assert case.get("lang") in ("da", "en"), case["id"]
        assert case.get("as_of"), case["id"]
        turns = case.get("turns")
        assert bool(case.get("question")) != bool(turns), f"{case['id']}: question or turns"
        assert turns is None or (isinstance(turns, list) and all(
            isinstance(t, str) and t for t in turns)), case["id"]
        assert case.get("expect_verdict") in (None, "yes", "no", "conditional", "unknown",
                                              "info"), case["id"]
        assert case.get("expect_abstain") in (None, True, False), case["id"]
        assert isinstance(case.get("expect_error", False), bool), case["id"]
        for key in ("must_include", "forbid"):
            assert all(isinstance(x, str) and x for x in case.get(key) or []), case["id"]
        assert case.get("xfail") is None or isinstance(case["xfail"], str), case["id"]
    assert len({c["kind"] for c in CASES}) >= 4
    assert {c["lang"] for c in CASES} == {"da", "en"}
    assert 30 <= len(CASES) <= 75
    assert sum(bool(c.get("expect_error")) for c in CASES) >= 2


@pytest.mark.slow
@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_redteam_case(assistant: Assistant, case: dict[str, Any]) -> None:
    result = run_case(assistant, case)
    assert result["ok"], f"{result['problems']}\nverdict={result['verdict']}\n{result['answer']}"


@pytest.mark.slow
def test_planted_document_does_not_change_the_rules(tmp_path: Path, settings: Settings) -> None:
    result = poisoned_index_check(tmp_path, CORPUS, settings)
    assert result["kind"] == "poisoned_document"
    assert result["ok"], f"{result['problems']}\n{result['answer']}"
