"""Sentence selection for answers from the documents: roles marked at chunking time, runs
of sentences, near-duplicates, one label per source, multi-part and overview answers, and
the learned scorer against the ranking it replaced (held out by writer)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

from assistant.answering.composition import Citations, compose_documents
from assistant.answering.selection import (
    Extract,
    Selection,
    expand,
    gather,
    load_pairs,
    query_for,
    select,
)
from assistant.common.config import Settings
from assistant.corpus.passages import ANSWERING_ROLES
from assistant.retrieval.index import SearchIndex
from assistant.service import Assistant
from evals.gold_set import load_gold

# Left out of the fast loop (-m "not slow"): the real assistant (e5 index, trained scorer).
pytestmark = pytest.mark.slow

DAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def assistant(settings: Settings, index: SearchIndex) -> Assistant:
    return Assistant(settings, index)


def _unit(index: SearchIndex, text: str) -> int:
    for pos, u in enumerate(index.units):
        doc = index.documents[index.passages[index.rows[u.passage_id]].doc_id]
        if doc.text[u.start:u.end].strip().removeprefix("- ") == text:
            return pos
    raise AssertionError(f"ingen sætning {text!r}")


def test_questions_furniture_and_lead_ins_are_marked_in_the_real_corpus(
        index: SearchIndex) -> None:
    role = {pos: index.units[pos].role for pos in range(len(index.units))}
    assert role[_unit(index, "Tlf. 46 97 26 26 foa.dk")] == "furniture"
    assert role[_unit(index, "Midlerne skal sikre, at:")] == "lead_in"
    assert role[_unit(index, "Hvem hjælper børn på toilettet?")] == "question"
    quoted = [u for u in index.units if u.passage_id.startswith("kk-amu-svar")
              and u.role == "question"]
    assert len(quoted) >= 4  # the council member's questions, also as repeated in the answer
    assert role[_unit(index, "Puljen kan søges sidste gang i 2025.")] == "statement"


def test_a_lead_in_is_quoted_with_the_items_it_introduces(index: SearchIndex,
                                                          assistant: Assistant) -> None:
    query = query_for(index, "Hvad skal midlerne sikre?")
    cands = gather(index, assistant.retriever, query)
    lead = next(c for c in cands if c.quote == "Midlerne skal sikre, at:")
    run = expand(index, lead, {c.pos: c for c in cands})
    # Every item the lead-in introduces inside its passage (the citation stays in one).
    items = [p for p in index.passage_positions(lead.row) if index.units[p].role == "item"]
    assert run[0] is lead and len(run) == 1 + len(items) >= 4
    assert all(c.role == "item" for c in run[1:])
    ext = Extract(lead.doc, lead.authority, lead.row, run[0].start, run[-1].end, 1.0, run)
    cite = ext.citation(index)
    assert cite.quote in index.passages[lead.row].text
    assert cite.quote.count("\n- ") == len(items)


def test_a_short_answer_comes_with_its_reason(index: SearchIndex,
                                              assistant: Assistant) -> None:
    query = query_for(index, "Bruger København puljen til AMU?")
    cands = gather(index, assistant.retriever, query)
    no = next(c for c in cands if c.quote.startswith("Børne- og Ungdomsforvaltningen anvender"))
    run = expand(index, no, {c.pos: c for c in cands})
    assert [c.quote for c in run][:1] == ["Nej."]


def test_selection_never_quotes_a_question_or_furniture_alone(
        index: SearchIndex, assistant: Assistant) -> None:
    for text in ("Hvad er FOA's telefonnummer og adresse?",
                 "Hvilke spørgsmål stillede Christian Ingemann forvaltningen?",
                 "Hvem hjælper børnene på toilettet ifølge FOA?"):
        query = query_for(index, text)
        cands = gather(index, assistant.retriever, query)
        chosen = select(index, cands, assistant.scorer.scores(index, query, cands))
        for e in chosen.extracts:
            assert any(c.role in ANSWERING_ROLES for c in e.sentences), (text, e.sentences)


def test_the_press_release_repeating_the_fact_sheet_is_folded_into_it(
        index: SearchIndex, assistant: Assistant) -> None:
    query = query_for(index, "Hvor mange penge er der afsat til puljen i 2023 og 2024-2030?")
    cands = gather(index, assistant.retriever, query)
    scores = np.zeros(len(cands))
    for i, c in enumerate(cands):  # both sentences that state the amounts, press release first
        if "107,0 mio. kr." in c.quote:
            scores[i] = 5.0 if c.doc == "pressemeddelelse" else 4.5
    chosen = select(index, cands, scores)
    assert [e.doc for e in chosen.extracts if "107,0" in e.text(index)] == ["faktaark"]
    assert [e.doc for e in chosen.repeated_by] == ["pressemeddelelse"]
    text = compose_documents(chosen, "da", Citations(index))
    assert "Ministeriets pressemeddelelse siger det samme [" in text


def test_one_label_per_source_and_foa_recommends_only_when_it_does(
        index: SearchIndex) -> None:
    def extract(text: str) -> Extract:
        pos = _unit(index, text)
        u = index.units[pos]
        row = index.rows[u.passage_id]
        doc = index.passages[row].doc_id
        from assistant.answering.selection import Candidate

        c = Candidate(pos, u, row, doc, index.documents[doc].meta.authority, text,
                      index.documents[doc].text.find(text, u.start),
                      index.documents[doc].text.find(text, u.start) + len(text), 0.9, 1)
        return Extract(doc, c.authority, row, c.start, c.end, 1.0, [c])

    recommends = [extract("Kommunen skal prioritere ressourcer til supervision af personalet "
                          "i dagtilbud."),
                  extract("Folketinget skal sætte målsætninger for kvalitet på "
                          "dagtilbudsområdet.")]
    text = compose_documents(Selection(recommends, []), "da", Citations(index))
    assert text.count("FOA anbefaler (fagforeningens holdning, ikke puljens regler):") == 1
    describes = [*recommends, extract("Det skaber tryghed for børn og forældre.")]
    text = compose_documents(Selection(describes, []), "da", Citations(index))
    assert "FOA anbefaler" not in text
    assert text.count("FOA's rapport (fagforeningens holdning, ikke puljens regler):") == 1
    assert re.findall(r"\[(\d+)\]", text) == ["1", "2", "3"]
    # Reading order of the document, whatever order the scores gave.
    starts = [e.start for e in describes]
    assert text.index("Folketinget skal") < text.index("Kommunen skal") or \
        starts[1] > starts[0]


def test_every_part_of_a_message_is_answered_or_said_to_be_unanswered(
        assistant: Assistant) -> None:
    a = assistant.ask("Hvor meget får København fra puljen om året? Hvordan bliver vejret "
                      "i Aarhus i morgen eftermiddag?", as_of=DAY)
    assert not a.abstained and "15 mio. kr." in a.answer
    first, *rest = a.answer.split("\n\n")
    assert "15 mio. kr." in first
    assert any(p.startswith("Det fremgår ikke af materialet.") for p in rest)
    assert a.answer.count("Spørg Børne- og Undervisningsministeriet") == 1


def test_an_overview_question_gets_the_catalogue_as_a_list(assistant: Assistant) -> None:
    a = assistant.ask("Giv mig et overblik over, hvad puljen dækker", as_of=DAY)
    assert a.verdict == "info" and not a.abstained
    lines = a.answer.splitlines()
    assert lines[0].startswith("Kort overblik") and sum(x.startswith("- ") for x in lines) >= 4
    assert "meritpædagoguddannelsen" in a.answer and "10 pct." in a.answer
    assert "masteruddannelse" in a.answer.split("- Ikke:")[1]
    for c in a.citations:
        assert c.quote in c.text


def test_english_questions_get_english_framing_around_danish_quotes(
        assistant: Assistant) -> None:
    a = assistant.ask("What does Copenhagen use the pool for?", as_of=DAY)
    assert a.answer.startswith("In Copenhagen (local practice, not the pool's rules; "
                               "quoted in Danish)")
    assert all(c.quote in c.text for c in a.citations)


def test_pairs_are_written_from_the_documents_and_kept_apart_from_gold(
        index: SearchIndex) -> None:
    pairs = load_pairs()
    assert len(pairs) >= 300 and len({p.writer for p in pairs}) >= 3
    gold = {" ".join(t.lower().split()) for c in load_gold()
            for t in (c.get("turns") or [c["question"]])}
    for p in pairs:
        assert " ".join(p.q.lower().split()) not in gold, p.q
        for quote in p.answer:
            assert quote in index.documents[p.doc].text, (p.q, quote)


@pytest.mark.slow
def test_the_learned_scorer_holds_the_old_rankings_level_held_out_by_writer() -> None:
    """Held out by writer the learned scorer is level with the old ranking, not better
    (MRR 0.634 against 0.635 on a fresh machine on 2026-12-03; 0.635 against 0.633 where
    it was trained first): a margin of 0.002 either way is noise, so this asserts what
    holds, that it loses no more than 0.01, and the candidates' recall. Beating the old
    ranking (target MRR 0.85) is an open goal, measured by `python -m evals.selection`."""
    from evals.selection import evaluate

    result = evaluate()["all"]
    assert result["mrr_learned"] >= result["mrr_baseline"] - 0.01
    assert result["recall"] >= 0.85
