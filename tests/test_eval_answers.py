"""Generating and scoring are separate steps: ``pulje eval --save-answers`` keeps every
generated answer, and ``--rescore`` scores the saved file again, without asking and
without building an assistant, to the same result."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from assistant.answering.composition import Answer
from assistant.common.config import Settings
from assistant.retrieval.index import SearchIndex
from evals import metrics, runner, suite
from evals.gold_set import load_gold
from evals.retrieval import CorpusPassages, relevant_passages
from evals.runner import AnswersFileError, Generated, Run, load_answers, save_answers
from tests.servers import CORPUS

NO_BASELINE = "none.json"


def _cases() -> list[dict[str, Any]]:
    """Three cases of the test split: one scored on its evidence, one to be refused, one
    conversation."""
    test = load_gold("test")
    with_evidence = next(c for c in test if c.get("question") and metrics.scores_evidence(c))
    refused = next(c for c in test if c["abstain"])
    conversation = next(c for c in test if c.get("turns"))
    return [with_evidence, refused, conversation]


def _answer(case: dict[str, Any], passages: CorpusPassages, verdict: str,
            abstained: bool, cite: str | None) -> Answer:
    citations = []
    if cite is not None:
        p = passages.passages[passages.rows[cite]]
        doc = passages.documents[p.doc_id].meta
        citations.append({"n": 1, "passage_id": p.id, "document": {
            "id": doc.id, "title": doc.title, "publisher": doc.publisher,
            "authority": doc.authority}, "quote": p.text[:60], "text": p.text,
            "start": p.start, "end": p.start + 60})
    facts = " ".join(f.split("|")[0] for f in case.get("must_include") or [])
    return Answer.model_validate({
        "id": "a-" + case["id"], "answer": f"Svar [1]: {facts}", "verdict": verdict,
        "abstained": abstained, "citations": citations, "rules": [], "lang": case["lang"],
        "question": runner.case_question(case), "resolved_question": runner.case_question(case),
        "as_of": dt.date.fromisoformat(str(case["as_of"]))})


def _run(cases: list[dict[str, Any]], passages: CorpusPassages) -> Run:
    """A run as the library would generate it, made by hand (no model)."""
    first, refused, conversation = cases
    evidence = sorted(relevant_passages(passages, tuple(
        (e["doc"], e["quote"]) for e in first["evidence"])))
    answers = [
        Generated(first["id"], runner.case_question(first),
                  _answer(first, passages, first["verdict"], False, evidence[0]), 812.345,
                  ranked=["no-such-passage", evidence[0]]),
        Generated(refused["id"], runner.case_question(refused),
                  _answer(refused, passages, "unknown", True, None), 15.0),
        Generated(conversation["id"], runner.case_question(conversation),
                  _answer(conversation, passages, "yes", False, None), 40.5),
    ]
    return Run(config="hybrid", split="test", mode="library",
               settings={"retrieval_mode": "hybrid", "embedding_backend": "e5", "llm": False},
               seconds=1.2, answers=answers,
               redteam=[{"id": "rt-x", "kind": "injection", "ok": True, "problems": [],
                         "xfail": None}])


@pytest.fixture
def no_assistant(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building an assistant (and so loading a model) fails the test."""
    from assistant.service import Assistant

    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("rescoring built an Assistant")

    monkeypatch.setattr(Assistant, "__init__", refuse)
    monkeypatch.setattr(runner, "library_asker", refuse)
    monkeypatch.setattr(runner, "api_asker", refuse)


def test_a_saved_run_rescores_to_the_same_result_without_an_assistant(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_assistant: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    cases = _cases()
    passages = CorpusPassages.load(CORPUS)
    run = _run(cases, passages)
    expected = metrics.score_run(run, cases, passages)
    # The hand-made answers score as meant: the evidence passage cited and ranked second.
    first = expected["cases"][0]
    assert first["evidence_cited"] == first["evidence_items"] >= 1
    assert first["retrieval"]["rr"] == 0.5 and first["citations_exact"] == 1
    assert expected["cases"][1]["abstained"] and "retrieval" not in expected["cases"][1]

    saved = tmp_path / "answers.jsonl"
    save_answers(saved, [run])
    lines = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    assert [line["type"] for line in lines] == ["run", "answer", "answer", "answer"]
    monkeypatch.setattr(suite, "load_gold", lambda split: cases if split == "test" else [])
    monkeypatch.setenv("PULJE_CORPUS_DIR", str(CORPUS))
    out = tmp_path / "rescored.json"
    assert suite.main(["--rescore", str(saved), "--json", str(out),
                       "--baseline", str(tmp_path / NO_BASELINE)]) == 0
    rescored = json.loads(out.read_text(encoding="utf-8"))["result"]
    assert rescored == json.loads(json.dumps(expected, default=str))
    printed = capsys.readouterr().out
    assert "Guldsættet (test, 3 tilfælde, library, 1.2 s)" in printed
    assert "red-team              1/1 holder" in printed


def test_rescoring_refuses_answers_to_other_questions(tmp_path: Path,
                                                      no_assistant: None) -> None:
    cases = _cases()
    passages = CorpusPassages.load(CORPUS)
    saved = tmp_path / "answers.jsonl"
    save_answers(saved, [_run(cases, passages)])
    run = load_answers(saved)["hybrid"]
    changed = [cases[0] | {"question": "Et andet spørgsmål?"}, *cases[1:]]
    with pytest.raises(AnswersFileError, match=f"ændrede spørgsmål \\['{cases[0]['id']}'\\]"):
        metrics.score_run(run, changed, passages)
    with pytest.raises(AnswersFileError, match=f"mangler \\['{cases[1]['id']}'\\]"):
        metrics.score_run(Run(**{**vars(run), "answers": run.answers[::2]}), cases, passages)
    other = tmp_path / "other.jsonl"
    other.write_text('{"type": "run", "format": "something/9"}\n', encoding="utf-8")
    with pytest.raises(AnswersFileError, match="ukendt format"):
        load_answers(other)


@pytest.mark.slow
def test_answers_generated_by_the_library_rescore_to_the_same_figures(
        settings: Settings, index: SearchIndex, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    cases = _cases()
    for module in (runner, suite):
        monkeypatch.setattr(module, "load_gold", lambda split: cases if split == "test" else [])
    monkeypatch.setattr(suite, "redteam_results", lambda assistant: [
        {"id": "rt-stub", "kind": "injection", "ok": bool(assistant.index.passages),
         "problems": [], "xfail": None}])
    monkeypatch.setenv("PULJE_DATA_DIR", str(settings.data_dir))
    saved, first, second = tmp_path / "a.jsonl", tmp_path / "1.json", tmp_path / "2.json"
    none = str(tmp_path / NO_BASELINE)
    assert suite.main(["--split", "test", "--save-answers", str(saved), "--json", str(first),
                       "--baseline", none]) == 0
    generated = json.loads(first.read_text(encoding="utf-8"))["result"]
    assert generated["totals"]["cases"] == 3 and generated["totals"]["mrr"] is not None

    from assistant.service import Assistant

    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("rescoring built an Assistant")

    monkeypatch.setattr(Assistant, "__init__", refuse)
    assert suite.main(["--rescore", str(saved), "--json", str(second), "--baseline", none]) == 0
    assert json.loads(second.read_text(encoding="utf-8"))["result"] == generated
