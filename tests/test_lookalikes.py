"""Look-alike and invisible characters don't change a verdict (issue 14): through the real
assistant, its plan check and the API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.answering.plans import Plan, check_plan
from assistant.api.app import create_app
from assistant.common.config import Settings
from assistant.retrieval.index import SearchIndex
from assistant.service import Assistant
from assistant.storage.store import Store
from evals.redteam import lookalike_plan_check

# Left out of the fast loop (-m "not slow"): the real assistant (e5 index, trained models).
pytestmark = pytest.mark.slow

AS_OF = dt.date(2026, 11, 24)
PLAIN = "Kan vi finansiere en masteruddannelse?"
# The reproduced attacks: each turned this "no" into an "info" answer.
VARIANTS = {
    "cyrillic a": "Kan vi finansiere en m\u0430steruddannelse?",
    "combining acute": "Kan vi finansiere en maste\u0301ruddannelse?",
    "grapheme joiner": "Kan vi finansiere en mas\u034fteruddannelse?",
    "arabic letter mark": "Kan vi finansiere en mas\u061cteruddannelse?",
    "hangul filler": "Kan vi finansiere en mas\u3164teruddannelse?",
    "variation selector": "Kan vi finansiere en mas\ufe0fteruddannelse?",
    "tag character": "Kan vi finansiere en mas\U000e0041teruddannelse?",
    "fullwidth": "Kan vi finansiere en \uff4d\uff41\uff53\uff54\uff45\uff52uddannelse?",
}


@pytest.fixture(scope="module")
def bot(settings: Settings, index: SearchIndex) -> Assistant:
    return Assistant(settings, index)


@pytest.mark.parametrize("question", VARIANTS.values(), ids=VARIANTS.keys())
def test_a_disguised_question_gets_the_plain_questions_verdict(bot: Assistant,
                                                               question: str) -> None:
    plain = bot.ask(PLAIN, as_of=AS_OF)
    answer = bot.ask(question, as_of=AS_OF)
    assert plain.verdict == "no"
    assert (answer.verdict, answer.abstained) == (plain.verdict, plain.abstained)
    assert "masteruddannelse" in answer.answer.lower()


def test_a_disguised_history_is_read_as_the_plain_one(bot: Assistant) -> None:
    history = [{"role": "user", "content": VARIANTS["cyrillic a"]},
               {"role": "assistant", "content": "Nej."}]
    plain = bot.ask("Hvad med en i ledelse?", history=[
        {"role": "user", "content": PLAIN}, {"role": "assistant", "content": "Nej."}],
        as_of=AS_OF)
    answer = bot.ask("Hvad med en i ledelse?", history=history, as_of=AS_OF)
    assert answer.verdict == plain.verdict


def _plan(description: str) -> Plan:
    return Plan.model_validate({"grant_dkk": 2_400_000, "as_of": AS_OF.isoformat(), "items": [
        {"description": description, "amount_dkk": 100_000}]})


def test_a_plan_line_with_a_cyrillic_letter_is_judged_as_the_plain_line(bot: Assistant) -> None:
    plain = check_plan(bot.book, bot.index, _plan("Masteruddannelse i ledelse"), bot.reader)
    disguised = check_plan(bot.book, bot.index, _plan("M\u0430steruddannelse i ledelse"),
                           bot.reader)
    assert (plain.items[0].category, plain.items[0].verdict) == ("master", "no")
    assert (disguised.items[0].category, disguised.items[0].verdict) == ("master", "no")
    # What is echoed is what was judged.
    assert disguised.items[0].description == "Masteruddannelse i ledelse"


def test_the_redteam_plan_of_disguised_lines_holds(bot: Assistant) -> None:
    result = lookalike_plan_check(bot)
    assert result["ok"], result["problems"]


def test_the_api_refuses_a_plan_line_with_a_direction_override(
        bot: Assistant, settings: Settings, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'pulje.sqlite3'}")
    # Open mode answers only loopback; TestClient calls itself "testclient".
    with TestClient(create_app(settings, assistant=bot, store=store),
                    client=("127.0.0.1", 50000)) as client:
        plan = {"grant_dkk": 2_400_000, "items": [
            {"description": "Mas\u202eret\u202cuddannelse", "amount_dkk": 100_000}]}
        r = client.post("/v1/plans/check", json=plan)
        assert r.status_code == 422, r.text
        assert "U+202E" in r.text and "Beskrivelsen" in r.text
        empty = {"grant_dkk": 2_400_000, "items": [
            {"description": "\u200b\u3164", "amount_dkk": 100_000}]}
        r = client.post("/v1/plans/check", json=empty)
        assert r.status_code == 422, r.text
        assert "tom" in r.text
