"""The wording of answers as properties: the verdict said once, conditions only where the
verdict hangs on them, resolved follow-ups that agree in number and gender."""

from __future__ import annotations

import re

import pytest

from assistant.answering.composition import Citations, compose_rules
from assistant.retrieval.index import SearchIndex
from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision, Text
from assistant.rules.registry import run_rule
from assistant.service import Assistant
from assistant.understanding.follow_up import resolve
from evals.gold_set import load_gold
from evals.runner import assistant_asker, run_case
from tests.test_rules_yaml import CASES, _as_date

# Left out of the fast loop (-m "not slow"): the real index (e5) behind every test.
pytestmark = pytest.mark.slow

VERDICT_WORD = re.compile(r"^\W*(ja|nej|jo|yes|no)\b", re.IGNORECASE)
# "Nej. Nej.", "No. No.", "Ja, hvis … opfyldt. Ja, …": a verdict word opening the answer and
# again at the start of one of the next sentences of its first line.
DOUBLED = re.compile(r"^(ja|nej|jo|yes|no)\b[^\n]*?[.:;]\s+(ja|nej|jo|yes|no)\b[.,]",
                     re.IGNORECASE)


@pytest.fixture(scope="module")
def book(index: SearchIndex) -> RuleBook:
    return RuleBook(index.documents, index.passages)


def test_no_rule_sentence_opens_with_a_verdict(book: RuleBook) -> None:
    """The composer says the verdict; a rule that said it too gave "Nej. Nej."."""
    explanations: list[tuple[str, str]] = []
    for case in CASES:
        if "error" in case:
            continue
        d = run_rule(book, case["rule"], case.get("input") or {}, _as_date(case.get("as_of")))
        explanations += [(case["name"], d.explanation.da), (case["name"], d.explanation.en)]
    for entry in [*book.programmes.values(), *book.costs.values()]:
        explanations += [(entry.id, entry.explanation.da), (entry.id, entry.explanation.en)]
    opening = [(name, text) for name, text in explanations if VERDICT_WORD.match(text)]
    assert not opening


def _decision(verdict: str) -> Decision:
    return Decision("programme_eligibility", verdict,  # type: ignore[arg-type]
                    Text("Forløbet kan finansieres.", "The course can be funded."), (),
                    conditions=(Text("Forløbet skal være relevant.", "It must be relevant."),))


@pytest.mark.parametrize(("verdict", "listed"), [
    ("conditional", True), ("no", False), ("yes", False)])
def test_conditions_are_listed_only_while_the_verdict_depends_on_them(
        index: SearchIndex, verdict: str, listed: bool) -> None:
    for lang, head in (("da", "Betingelser:"), ("en", "Conditions:")):
        text, _ = compose_rules([_decision(verdict)], lang, Citations(index))
        assert (head in text) is listed, text
        assert not DOUBLED.match(text), text


@pytest.mark.parametrize(("n", "da", "en"), [
    (1, "Ifølge spørgsmålet er betingelsen opfyldt:",
     "According to the question, the condition is met:"),
    (2, "Ifølge spørgsmålet er betingelserne opfyldt:",
     "According to the question, the conditions are met:")])
def test_a_yes_on_conditions_the_question_meets_says_so_in_number(
        index: SearchIndex, n: int, da: str, en: str) -> None:
    met = Decision("programme_eligibility", "yes", Text("Kan finansieres.", "Can be funded."), (),
                   conditions=(Text("Relevant.", "Relevant."),) * n,
                   trace={"conditions_met": True})
    for lang, head in (("da", da), ("en", en)):
        text, _ = compose_rules([met], lang, Citations(index))
        assert head in text and "Betingelser:" not in text and "Conditions:" not in text, text


def test_a_no_from_a_date_hides_the_conditions_of_the_programme(index: SearchIndex) -> None:
    closed = Decision("first_round_open", "no", Text("Perioden er slut.", "It has ended."), ())
    text, verdict = compose_rules([_decision("conditional"), closed], "da", Citations(index))
    assert verdict == "no" and "Betingelser:" not in text and text.startswith("Nej. ")


# How a manager names each catalogue programme in a follow-up: with an article, and as a
# bare plural or a name. The resolved question must read "Kan vi finansiere <that>?",
# whatever article the previous question had.
FOLLOW_UPS = {
    "master": ["en masteruddannelse", "masteruddannelser"],
    "pau": ["en PAU-uddannelse", "PAU"],
    "meritpaedagog": ["en meritpædagoguddannelse", "meritpædagoguddannelser"],
    "amu": ["et AMU-kursus", "AMU-kurser"],
    "avu": ["et AVU-forløb", "enkeltfag"],
    "professionshojskole": ["et kursus på en professionshøjskole", "fagspecifikke kurser"],
    "diplom": ["en diplomuddannelse", "diplomuddannelser"],
    "informal": ["et privat kursus", "private kurser"],
}


def test_every_catalogue_programme_has_follow_up_wordings(book: RuleBook) -> None:
    assert set(FOLLOW_UPS) == set(book.programmes)


@pytest.mark.parametrize(("programme", "words"), [
    (p, w) for p, forms in FOLLOW_UPS.items() for w in forms])
@pytest.mark.parametrize("previous", ["Kan vi finansiere en masteruddannelse?",
                                      "Kan vi finansiere et AMU-kursus?",
                                      "Kan vi finansiere diplomuddannelser?"])
def test_a_resolved_follow_up_keeps_the_new_things_own_article(
        book: RuleBook, programme: str, words: str, previous: str) -> None:
    history = [{"role": "user", "content": previous}, {"role": "assistant", "content": "…"}]
    for opener in ("og", "hvad med"):
        resolved = resolve(f"{opener} {words}?", history, book)
        if words.split()[-1].lower() in previous.lower():
            continue  # the same thing again: nothing to replace
        assert resolved == f"Kan vi finansiere {words}?"


def test_an_english_follow_up_replaces_the_whole_noun(book: RuleBook) -> None:
    history = [{"role": "user", "content": "Can we fund a master's degree?"}]
    assert resolve("and diploma programmes?", history, book) == "Can we fund diploma programmes?"
    assert resolve("what about an AMU course?", history, book) == "Can we fund an AMU course?"


@pytest.fixture(scope="module")
def bot(settings, index: SearchIndex) -> Assistant:  # type: ignore[no-untyped-def]
    return Assistant(settings, index)


ASKS = re.compile(r"\b(?:spørg|ask)\b", re.IGNORECASE)


@pytest.mark.slow
def test_no_test_split_answer_doubles_its_verdict_or_where_to_ask(bot: Assistant) -> None:
    """Every test-split question through the real assistant, as the eval suite runs it:
    the verdict word is said once, and so is whom to ask."""
    ask = assistant_asker(bot)
    doubled, asked_twice = [], []
    for case in load_gold("test"):
        answer, _ = run_case(ask, case)
        if DOUBLED.match(answer.answer):
            doubled.append((case["id"], answer.answer[:120]))
        if len(ASKS.findall(answer.answer)) > 1:
            asked_twice.append((case["id"], answer.answer[:200]))
    assert not doubled
    assert not asked_twice
