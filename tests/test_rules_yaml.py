"""Rule cases as data, in the spirit of OpenFisca's YAML tests (tests/rules/*.yaml).

Each case names a rule of ``assistant.rules.registry.RULES``, its keyword ``input`` and, for
rules that depend on the day of the question, ``as_of``; then either ``expect`` or ``error``.

``expect`` keys (all optional):
  verdict             exact verdict
  citations           passage ids that must be among the decision's citations
  trace               a subset of ``decision.trace`` that must match exactly
  explanation_da/_en  substrings the explanation must contain
  explanation_da_not  substrings the Danish explanation must not contain
  conditions_da/_en   substrings that must occur among the conditions
  n_conditions        the exact number of conditions
``error`` is the name of an exception class in ``assistant.rules.money`` or
``assistant.common.errors``. ``xfail: <reason>`` marks a case where the code disagrees with the fact
sheet (strict: when the code is fixed, the marker must go).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

import assistant.common.errors
import assistant.rules.money
from assistant.common.config import Settings
from assistant.corpus.documents import load_corpus
from assistant.corpus.passages import chunk_corpus
from assistant.rules.book import RuleBook
from assistant.rules.registry import RULES, run_rule

CASE_DIR = Path(__file__).with_name("rules")
CASE_KEYS = {"name", "rule", "input", "as_of", "expect", "error", "xfail"}
EXPECT_KEYS = {"verdict", "citations", "trace", "explanation_da", "explanation_en",
               "explanation_da_not", "conditions_da", "conditions_en", "n_conditions"}


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(CASE_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            cases.append({**case, "_file": path.name})
    return cases


CASES = load_cases()


def _param(case: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
    return pytest.param(case, id=case["name"], marks=marks)


@pytest.fixture(scope="session")
def book() -> RuleBook:
    docs = load_corpus(Settings().corpus_dir)
    return RuleBook({d.id: d for d in docs}, chunk_corpus(docs))


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _error_class(name: str) -> type[BaseException]:
    for module in (assistant.rules.money, assistant.common.errors):
        cls = getattr(module, name, None)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            return cls
    raise LookupError(f"Ukendt fejlklasse {name!r}")


def _same(actual: Any, expected: Any) -> bool:
    """Exact equality, but a YAML ``true`` must not match the number 1 (nor 0 ``false``)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    return bool(actual == expected)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_rule_case(book: RuleBook, case: dict[str, Any]) -> None:
    inputs = case.get("input") or {}
    as_of = _as_date(case.get("as_of"))
    if "error" in case:
        with pytest.raises(_error_class(case["error"])):
            run_rule(book, case["rule"], inputs, as_of)
        return
    decision = run_rule(book, case["rule"], inputs, as_of)
    expect = case["expect"]
    if "verdict" in expect:
        assert decision.verdict == expect["verdict"], decision.explanation.da
    cited = [c.passage_id for c in decision.citations]
    for pid in expect.get("citations", []):
        assert pid in cited, f"{pid} not among {cited}"
    for key, value in (expect.get("trace") or {}).items():
        assert key in decision.trace, f"trace has no {key!r}: {decision.trace}"
        assert _same(decision.trace[key], value), f"trace[{key!r}] = {decision.trace[key]!r}"
    for lang in ("da", "en"):
        text = decision.explanation.get(lang)
        for part in expect.get(f"explanation_{lang}", []):
            assert part in text, f"{part!r} not in {text!r}"
        conditions = " | ".join(c.get(lang) for c in decision.conditions)
        for part in expect.get(f"conditions_{lang}", []):
            assert part in conditions, f"{part!r} not in conditions {conditions!r}"
    for part in expect.get("explanation_da_not", []):
        assert part not in decision.explanation.get("da"), decision.explanation.da
    if "n_conditions" in expect:
        assert len(decision.conditions) == expect["n_conditions"]


def test_cases_are_well_formed() -> None:
    assert len(CASES) >= 150
    names = Counter(c["name"] for c in CASES)
    assert not [n for n, k in names.items() if k > 1], "case names must be unique"
    for case in CASES:
        where = f"{case['_file']}: {case.get('name')}"
        assert set(case) - {"_file"} <= CASE_KEYS, where
        assert case["rule"] in RULES, where
        assert ("expect" in case) != ("error" in case), where
        assert set(case.get("expect") or {}) <= EXPECT_KEYS, where
        assert set(case.get("input") or {}) <= set(RULES[case["rule"]].inputs), where
    assert set(RULES) <= {c["rule"] for c in CASES}, "every rule needs cases"


def test_every_condition_has_an_id_that_code_keys_on(book: RuleBook) -> None:
    for entry in [*book.programmes.values(), *book.costs.values()]:
        ids = [c.id for c in entry.conditions]
        assert all(ids) and len(set(ids)) == len(ids), entry.id
    assert [c.id for c in book.programmes["informal"].conditions] == ["cap", "relevance"]
    # The general relevance requirement is cited where a programme's condition is relevance.
    _, relevance = book.relevance
    for pid, entry in book.programmes.items():
        cited = relevance in run_rule(book, "programme_eligibility", {"programme": pid}).citations
        assert cited == any(c.id == "relevance" for c in entry.conditions), pid
