from __future__ import annotations

import pytest

from assistant.common.errors import InvalidQuestionError
from assistant.retrieval.hybrid import HybridRetriever, fuse
from assistant.retrieval.index import SearchIndex

# Left out of the fast loop (-m "not slow"): the real index (e5).
pytestmark = pytest.mark.slow


def _ids(index: SearchIndex, question: str, mode: str = "hybrid", k: int = 5) -> list[str]:
    retriever = HybridRetriever(index=index, k=k, mode=mode)  # type: ignore[arg-type]
    return [d.metadata["passage_id"] for d in retriever.invoke(question)]


def _passage_with(index: SearchIndex, needle: str) -> str:
    return next(p.id for p in index.passages if needle in p.text)


@pytest.mark.parametrize(
    ("question", "needle"),
    [
        ("Kan vi finansiere en masteruddannelse?", "kan ikke anvendes på masteruddannelser"),
        ("Hvor stor en del må gå til private kurser?", "maksimalt 10 pct. af tilskudsbeløbet"),
        ("Can we pay substitutes while staff are on a course?", "Eventuelle vikarudgifter"),
        ("What periods must the accounts cover?", "1. august 2027 - 31. juli 2029"),
        ("Hvornår skal forløbene være afsluttet?", "afsluttet senest 31. juli 2030"),
    ],
)
def test_hybrid_finds_the_answering_passage(index: SearchIndex, question: str, needle: str) -> None:
    assert _passage_with(index, needle) in _ids(index, question)


def test_documents_carry_citation_metadata(index: SearchIndex) -> None:
    doc = HybridRetriever(index=index, k=1).invoke("Hvad er formålet med puljen?")[0]
    meta = doc.metadata
    source = index.documents[meta["doc_id"]].text
    assert source[meta["start"] : meta["end"]] == doc.page_content
    assert {"passage_id", "title", "authority", "section", "publisher", "fused"} <= set(meta)
    assert meta["authority"] in {"rules", "official", "municipal", "opinion"}


def test_modes_differ_and_k_is_respected(index: SearchIndex) -> None:
    q = "Hvilke lønudgifter kan dækkes?"
    assert len(_ids(index, q, k=3)) == 3
    bm25 = HybridRetriever(index=index, mode="bm25").search(q)
    dense = HybridRetriever(index=index, mode="dense").search(q)
    assert all("dense" not in s for _, s in bm25) and all("bm25" not in s for _, s in dense)


def test_bad_question_is_refused_before_search(index: SearchIndex) -> None:
    with pytest.raises(InvalidQuestionError):
        HybridRetriever(index=index).invoke("   ")
    with pytest.raises(InvalidQuestionError, match="højst 50"):
        HybridRetriever(index=index, max_question_chars=50).invoke("a" * 51)


def test_fusion_rewards_agreement() -> None:
    fused = fuse([[1, 2, 3], [3, 1, 4]], rrf_k=60)
    assert [row for row, _ in fused][:2] == [1, 3]
    assert fuse([], rrf_k=60) == []


def test_route_prefers_the_named_source_and_drops_its_name(index: SearchIndex) -> None:
    from assistant.retrieval.hybrid import route

    named, content = route("Hvad mener FOA om AMU-kurser?", index)
    assert named == {"foa-rapport"} and "FOA" not in content and "AMU-kurser" in content
    named, _ = route("Hvad gør Københavns Kommune?", index)
    assert named == {"kk-amu-svar", "kk-baggrundsnotat"}
    named, content = route("Kan vi betale vikarer?", index)
    assert named == {"faktaark", "pressemeddelelse"} and content == "Kan vi betale vikarer?"


def test_english_question_about_a_named_source_finds_it(index: SearchIndex) -> None:
    hits = HybridRetriever(index=index, k=3).search("What does FOA recommend for new staff?")
    assert all(p.doc_id == "foa-rapport" for p, _ in hits[:1])
