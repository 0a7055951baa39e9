from __future__ import annotations

import dataclasses

from assistant.corpus.documents import load_corpus
from assistant.corpus.passages import MAX_CHARS, chunk_corpus, chunk_document, corpus_fingerprint
from tests.servers import CORPUS

DOCS = load_corpus(CORPUS)
PASSAGES = chunk_corpus(DOCS)


def test_every_passage_is_exactly_its_span_of_the_document() -> None:
    texts = {d.id: d.text for d in DOCS}
    assert PASSAGES
    for p in PASSAGES:
        assert texts[p.doc_id][p.start : p.end] == p.text, p.id


def test_no_passage_is_cut_mid_sentence() -> None:
    texts = {d.id: d.text for d in DOCS}
    for p in PASSAGES:
        text = texts[p.doc_id]
        assert p.start == 0 or text[p.start - 1] in "\n ", p.id
        assert p.end == len(text) or text[p.end] in "\n", p.id


def test_passages_are_bounded_and_ids_unique_and_readable() -> None:
    assert len({p.id for p in PASSAGES}) == len(PASSAGES)
    assert all(len(p.text) <= MAX_CHARS for p in PASSAGES)
    first_two = [p.id for p in PASSAGES if p.doc_id == "faktaark"][:2]
    assert first_two == ["faktaark-001", "faktaark-002"]


def test_passages_carry_their_section_heading() -> None:
    master = next(p for p in PASSAGES if "kan ikke anvendes på masteruddannelser" in p.text)
    assert master.section == "Omfattede opkvalificeringsforløb"
    periods = next(p for p in PASSAGES if "1. august 2027 - 31. juli 2029" in p.text)
    assert periods.section == "Krav til økonomisk afrapportering"


def test_bullets_split_from_their_lead_in_keep_it_as_context() -> None:
    split_bullets = [p for p in PASSAGES if p.text.lstrip().startswith("- ") and p.context]
    assert any(p.context.startswith("Midlerne kan anvendes til følgende") for p in split_bullets)
    assert all(p.context not in p.text for p in split_bullets)


def test_chunking_is_deterministic_and_fingerprint_tracks_changes() -> None:
    assert chunk_corpus(DOCS) == PASSAGES
    before = corpus_fingerprint(PASSAGES)
    doc = DOCS[0]
    changed = dataclasses.replace(doc, text=doc.text.replace("107,0 mio", "108,0 mio", 1))
    assert corpus_fingerprint(chunk_document(changed)) != corpus_fingerprint(chunk_document(doc))
    assert corpus_fingerprint(chunk_corpus(DOCS)) == before


def test_sentence_units_cover_every_passage_and_point_into_the_document() -> None:
    from assistant.corpus.passages import sentence_units

    texts = {d.id: d.text for d in DOCS}
    for p in PASSAGES:
        units = sentence_units(p)
        assert units, p.id
        for u in units:
            assert p.start <= u.start < u.end <= p.end
            assert texts[p.doc_id][u.start : u.end].lstrip("- ") in u.embed_text
