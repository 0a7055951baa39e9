"""The evaluation data must stay true to the corpus: every evidence quote occurs verbatim."""

from __future__ import annotations

from assistant.corpus.documents import load_corpus
from evals.gold_set import load_gold
from evals.retrieval import load_gold_questions, load_questions
from tests.servers import CORPUS

TEXTS = {d.id: d.text for d in load_corpus(CORPUS)}


def test_retrieval_questions_quote_the_corpus_verbatim() -> None:
    questions = load_questions()
    assert len(questions) >= 60
    assert len({q.id for q in questions}) == len(questions)
    assert {q.lang for q in questions} == {"da", "en"}
    for q in questions:
        for doc_id, quote in q.evidence:
            assert quote in TEXTS[doc_id], (q.id, quote)


def test_gold_cases_are_well_formed_and_quote_the_corpus() -> None:
    cases = load_gold()
    assert len(cases) >= 200
    assert len({c["id"] for c in cases}) == len(cases)
    for c in cases:
        assert c["verdict"] in {"yes", "no", "conditional", "unknown", "info"}, c["id"]
        assert c["split"] in {"dev", "test", "blind", "blind-docs"}, c["id"]
        assert c["lang"] in {"da", "en"}, c["id"]
        assert ("question" in c) != ("turns" in c), c["id"]
        assert c["abstain"] == (c["verdict"] == "unknown") or not c["abstain"], c["id"]
        for e in c.get("evidence") or []:
            assert e["quote"] in TEXTS[e["doc"]], (c["id"], e["quote"])
    assert load_gold_questions()
