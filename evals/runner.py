"""Generating the eval's answers: the gold set asked of the library or a running API.

A run is what scoring needs and nothing more: every case's last answer, how long it
took, and (in library mode) the retriever's ranking for the case's resolved question;
the red team's results ride along, since the red team checks each answer as it asks.
``save_answers`` writes a run as JSON lines and ``load_answers`` reads it back, so
``pulje eval --rescore`` scores it again without a model (``evals/metrics.py`` scores).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from assistant.answering.composition import Answer
from assistant.common.config import Settings
from evals.gold_set import load_gold

Ask = Callable[[str, list[dict[str, str]], dt.date], Answer]
# The red team's results are run by the suite (evals/redteam.py) and kept with the answers.
RedTeam = Callable[[Any], list[dict[str, Any]] | None]
FORMAT = "pulje-eval-answers/1"


@dataclass
class Generated:
    """One case's answer as generated: ``ranked`` is the retriever's passage ids for the
    answer's resolved question (library mode, cases scored on their evidence)."""

    id: str
    question: str
    answer: Answer
    ms: float
    ranked: list[str] | None = None


@dataclass
class Run:
    """One configuration's generated answers over a split, ready to be scored or saved."""

    config: str
    split: str
    mode: str  # "library" or the API's URL
    settings: dict[str, Any]
    seconds: float
    answers: list[Generated] = field(default_factory=list)
    redteam: list[dict[str, Any]] | None = None


def assistant_asker(assistant: Any) -> Ask:
    """An ``Ask`` over an assistant in this process."""
    def ask(question: str, history: list[dict[str, str]], as_of: dt.date) -> Answer:
        answer: Answer = assistant.ask(question, history=history, as_of=as_of)
        return answer

    return ask


def library_asker(settings: Settings) -> tuple[Ask, Any]:
    from assistant.service import Assistant

    assistant = Assistant(settings)
    return assistant_asker(assistant), assistant


def api_asker(url: str, key: str) -> Ask:
    client = httpx.Client(base_url=url.rstrip("/"), timeout=60,
                          headers={"X-API-Key": key} if key else {})

    def ask(question: str, history: list[dict[str, str]], as_of: dt.date) -> Answer:
        r = client.post("/v1/ask", json={"question": question, "history": history,
                                         "as_of": as_of.isoformat()})
        r.raise_for_status()
        return Answer.model_validate(r.json())

    return ask


def run_case(ask: Ask, case: dict[str, Any]) -> tuple[Answer, float]:
    """The case's last answer (after its earlier turns) and how long it took."""
    as_of = dt.date.fromisoformat(str(case["as_of"]))
    history: list[dict[str, str]] = []
    answer, elapsed = None, 0.0
    for turn in case.get("turns") or [case["question"]]:
        started = time.perf_counter()
        answer = ask(turn, history, as_of)
        elapsed = (time.perf_counter() - started) * 1000
        history += [{"role": "user", "content": turn},
                    {"role": "assistant", "content": answer.answer}]
    assert answer is not None
    return answer, elapsed


def case_question(case: dict[str, Any]) -> str:
    """The case's question as a run records it (its turns joined, for a conversation)."""
    return str(case.get("question") or " / ".join(case["turns"]))


def generate(settings: Settings, split: str | None, config: str = "hybrid", url: str = "",
             key: str = "", redteam: RedTeam | None = None, progress: bool = False) -> Run:
    """Ask every case of the split (and, in library mode, run ``redteam`` on the
    assistant), timing each answer as a running server would see it."""
    from assistant.retrieval.hybrid import HybridRetriever

    cases = load_gold(split)
    retriever: HybridRetriever | None = None
    assistant = None
    if url:
        ask = api_asker(url, key)
    else:
        ask, assistant = library_asker(settings)
        retriever = HybridRetriever(index=assistant.index, k=20, candidates=settings.candidates,
                                    rrf_k=settings.rrf_k, mode=settings.retrieval_mode)
    if cases:  # warm-up: models loaded and caches primed, as in a running server
        run_case(ask, {"as_of": cases[0]["as_of"], "question": "Hvad er puljen til?"})
    started = time.perf_counter()
    answers = []
    for i, case in enumerate(cases, 1):
        answer, ms = run_case(ask, case)
        ranked = None
        # The same condition as scoring's (metrics.scores_evidence, one-turn questions).
        if (retriever is not None and case.get("question") and case.get("evidence")
                and not case["abstain"]):
            ranked = [p.id for p, _ in retriever.search(answer.resolved_question)]
        answers.append(Generated(case["id"], case_question(case), answer, ms, ranked))
        if progress and i % 50 == 0:
            print(f"  {i}/{len(cases)}", file=sys.stderr)
    seconds = round(time.perf_counter() - started, 1)
    return Run(config=config, split=split or "all", mode=url or "library",
               settings={"retrieval_mode": settings.retrieval_mode,
                         "embedding_backend": settings.embedding_backend,
                         "llm": bool(settings.llm_base_url)},
               seconds=seconds, answers=answers,
               redteam=None if redteam is None or assistant is None else redteam(assistant))


def save_answers(path: Path, runs: Iterable[Run]) -> None:
    """The runs as JSON lines: one "run" line per configuration, then one "answer" line
    per case (the whole ``Answer`` as the API returns it) and its red-team results."""
    with path.open("w", encoding="utf-8") as out:
        for run in runs:
            head = {"type": "run", "format": FORMAT, "config": run.config, "split": run.split,
                    "mode": run.mode, "settings": run.settings, "seconds": run.seconds,
                    "redteam": run.redteam}
            out.write(json.dumps(head, ensure_ascii=False) + "\n")
            for g in run.answers:
                out.write(json.dumps({"type": "answer", "config": run.config, "id": g.id,
                                      "question": g.question, "ms": g.ms, "ranked": g.ranked,
                                      "answer": g.answer.model_dump(mode="json")},
                                     ensure_ascii=False) + "\n")


class AnswersFileError(ValueError):
    """A saved answers file that cannot be scored (wrong format, or another gold set)."""


def load_answers(path: Path) -> dict[str, Run]:
    """The runs saved by ``save_answers``, by configuration, in the file's order."""
    runs: dict[str, Run] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        if record.get("type") == "run":
            if record.get("format") != FORMAT:
                raise AnswersFileError(f"{path}:{n}: ukendt format {record.get('format')!r}, "
                                       f"forventet {FORMAT!r}")
            runs[record["config"]] = Run(
                config=record["config"], split=record["split"], mode=record["mode"],
                settings=record["settings"], seconds=record["seconds"],
                redteam=record["redteam"])
        elif record.get("type") == "answer" and record.get("config") in runs:
            runs[record["config"]].answers.append(Generated(
                record["id"], record["question"], Answer.model_validate(record["answer"]),
                record["ms"], record["ranked"]))
        else:
            raise AnswersFileError(f"{path}:{n}: en linje uden kørsel foran")
    if not runs:
        raise AnswersFileError(f"{path}: ingen gemt kørsel")
    return runs


def matched(run: Run, cases: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Generated]]:
    """Each case of the gold set with its saved answer; a case without one, or whose
    question has changed since, means the answers are another set's."""
    by_id = {g.id: g for g in run.answers}
    missing = [c["id"] for c in cases if c["id"] not in by_id]
    changed = [c["id"] for c in cases
               if c["id"] in by_id and by_id[c["id"]].question != case_question(c)]
    extra = sorted(set(by_id) - {c["id"] for c in cases})
    if missing or changed or extra:
        raise AnswersFileError(
            f"de gemte svar passer ikke til guldsættets split {run.split}: "
            f"mangler {missing[:10]}, ændrede spørgsmål {changed[:10]}, ukendte {extra[:10]}"
            " (generér dem igen med --save-answers)")
    return [(c, by_id[c["id"]]) for c in cases]
