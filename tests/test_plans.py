"""The plan check on the real index: items judged on the plan's day by the chat's rules,
and plan lines classified by what they pay for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from assistant.answering.plans import Category, Plan, PlanItem, PlanResult, check_plan
from assistant.api.app import create_app
from assistant.common.config import Settings
from assistant.retrieval.index import SearchIndex
from assistant.rules.book import CATALOGUE_FILE, catalogue_choices, catalogue_ids
from assistant.rules.explanations import WINDOW_CLOSED
from assistant.service import Assistant
from assistant.storage.store import Store
from ui.texts import CATEGORIES

# Left out of the fast loop (-m "not slow"): the real index (e5) behind the app.
pytestmark = pytest.mark.slow

SPRING = dt.date(2026, 3, 1)  # the first round's window still open
WINTER = dt.date(2026, 12, 2)  # closed since 31 July 2026


@pytest.fixture(scope="module")
def bot(settings: Settings, index: SearchIndex) -> Assistant:
    return Assistant(settings, index)


def _check(bot: Assistant, lines: list[tuple[str, str | None]], as_of: dt.date | None,
           lang: str = "da") -> PlanResult:
    plan = Plan(grant_dkk=2_400_000, lang=lang, as_of=as_of,  # type: ignore[arg-type]
                items=[PlanItem(description=d, category=c, amount_dkk=50_000)  # type: ignore[arg-type]
                       for d, c in lines])
    return check_plan(bot.book, bot.index, plan, bot.reader)


def test_a_new_course_is_judged_against_the_window_on_the_plans_day(bot: Assistant) -> None:
    line = [("Meritpædagoguddannelse for fire medhjælpere", None)]
    before, after = _check(bot, line, SPRING), _check(bot, line, WINTER)
    assert before.as_of == SPRING and after.as_of == WINTER
    assert before.items[0].verdict == "yes"
    assert after.items[0].verdict == "no" and after.verdict == "no"
    assert bot.book.say(WINDOW_CLOSED).da in after.items[0].explanation
    assert "2. december 2026" in after.items[0].explanation
    assert "31. juli 2026" in before.items[0].explanation  # the deadline it must start by
    assert any("Punkt 1" in f for f in after.fixes)
    english = _check(bot, line, WINTER, lang="en")
    assert bot.book.say(WINDOW_CLOSED).en in english.items[0].explanation


def test_the_plan_and_the_chat_give_the_same_reason_on_the_same_day(bot: Assistant) -> None:
    chat = bot.ask("Kan vi starte et nyt meritpædagogforløb?", as_of=WINTER)
    plan = _check(bot, [("Meritpædagoguddannelse for fire medhjælpere", None)], WINTER)
    assert chat.verdict == plan.items[0].verdict == "no"
    closed = bot.book.say(WINDOW_CLOSED).da
    assert closed in chat.answer and closed in plan.items[0].explanation


def test_a_start_date_in_the_line_is_judged_instead_of_the_plans_day(bot: Assistant) -> None:
    inside = _check(bot, [("Meritpædagoguddannelse for to medhjælpere fra 1. juni 2026", None)],
                    WINTER)
    assert inside.items[0].verdict == "yes", inside.items[0].explanation
    assert "1. juni 2026" in inside.items[0].explanation


def test_the_plans_day_defaults_to_today(bot: Assistant) -> None:
    result = _check(bot, [("Revision af regnskab", None)], None)
    assert result.as_of == dt.date.today()


# Plan lines as managers write budgets: what the line pays for decides, not the first name.
PAID_FOR = [
    ("Vikarer mens medhjælperne er på AMU-kursus", "substitutes"),
    ("Vikardækning under PAU-forløbet", "substitutes"),
    ("Vikartimer i forbindelse med meritpædagoguddannelsen", "substitutes"),
    ("Transport til AMU-kursus i Roskilde", "study_costs"),
    ("Kørsel til og fra diplommodul", "study_costs"),
    ("Befordring til PAU-skolen", "study_costs"),
    ("Deltagerbetaling PAU", "participant_fees"),
    ("Deltagergebyr for diplommodul i pædagogisk ledelse", "participant_fees"),
    ("Kursusgebyr AMU", "participant_fees"),
    ("Bøger til diplommodul", "study_costs"),
    ("Studiematerialer og lærebøger til PAU", "study_costs"),
    ("Litteratur til meritpædagoguddannelsen", "study_costs"),
    ("Mentorordning for nye PAU-elever", "study_costs"),
    ("AMU-kursus i sprogstimulering for 6 medhjælpere", "amu"),
    ("PAU for tre medhjælpere", "pau"),
    ("Diplommodul i ledelse for to afdelingsledere", "diplom"),
    ("Diplommodul i administration", "diplom"),
    ("Meritpædagoguddannelse inkl. bøger", "meritpaedagog"),
    ("Meritpædagoguddannelse for fire medhjælpere", "meritpaedagog"),
    ("Administration af puljen", "administration"),
    ("Kommunens administration af opkvalificeringen", "administration"),
    ("Revision af regnskab", "audit"),
    ("Revisorerklæring på puljeregnskabet", "audit"),
    ("Løn under uddannelse til PAU-elever", "wages"),
    ("Lønudgifter mens medarbejderne er på AMU", "wages"),
    ("Lønkompensation under meritpædagoguddannelse", "wages"),
    ("Masteruddannelse i ledelse", "master"),
    ("Privat kursus i konflikthåndtering", "informal"),
    ("Nye legeredskaber til legepladsen", "not_upskilling"),
    ("Substitutes while assistants attend an AMU course", "substitutes"),
    ("Books for the diploma module", "study_costs"),
]


@pytest.mark.parametrize(("line", "category"), PAID_FOR, ids=[p[0] for p in PAID_FOR])
def test_a_line_is_classified_by_what_it_pays_for(bot: Assistant, line: str,
                                                  category: str) -> None:
    item = _check(bot, [(line, None)], SPRING).items[0]
    assert item.category == category, item.explanation


def test_a_cost_for_an_excluded_programme_is_not_payable(bot: Assistant) -> None:
    item = _check(bot, [("Deltagerbetaling til masteruddannelse i ledelse", None)], SPRING).items[0]
    assert item.category == "participant_fees" and item.verdict == "no"
    assert "masteruddannelser" in item.explanation


def test_a_given_category_does_not_override_what_the_line_names(bot: Assistant) -> None:
    # The category says AMU, the description a master's degree: the rules still see it.
    item = _check(bot, [("Masteruddannelse i ledelse", "amu")], SPRING).items[0]
    assert item.category == "amu" and item.verdict == "no"
    assert "masteruddannelser" in item.explanation


def test_conditions_are_listed_only_for_a_conditional_item(bot: Assistant) -> None:
    items = _check(bot, [("PAU for tre medhjælpere", None),
                         ("Masteruddannelse i ledelse", None),
                         ("PAU for tre medhjælpere", None)], WINTER).items
    assert all(i.verdict == "no" and not i.conditions for i in items)
    spring = _check(bot, [("PAU for tre medhjælpere", None)], SPRING).items[0]
    assert spring.verdict == "conditional" and spring.conditions



def test_an_informal_lines_fix_leaves_the_cap_to_the_whole_plan(bot: Assistant) -> None:
    # The cap condition is known by its id, not its wording: it is listed with the item,
    # but the fix names only what the line itself must meet.
    result = _check(bot, [("Privat kursus i konflikthåndtering", "informal")], SPRING)
    item = result.items[0]
    assert item.verdict == "conditional"
    assert any(c.startswith("Højst 10 pct.") for c in item.conditions)
    fix = next(f for f in result.fixes if f.startswith("Punkt 1"))
    assert "relevant for den pædagogiske praksis" in fix and "Højst" not in fix



def test_a_plan_line_may_name_exactly_the_catalogues_categories() -> None:
    # The schema's list and the chat's are the catalogue's, in its order.
    assert get_args(PlanItem.model_fields["category"].annotation) == (Category, type(None))
    assert get_args(Category) == catalogue_ids()
    assert tuple(CATEGORIES) == ("", *catalogue_ids())
    with pytest.raises(ValidationError, match="literal_error"):
        PlanItem(description="Kursus", category="kaffe", amount_dkk=1)  # type: ignore[arg-type]


# The API: the plan's day is a field of the request, validated like the ask's.
KEY = "hemmelig-noegle-1"
HEADERS = {"X-API-Key": KEY}


@pytest.fixture
def client(settings: Settings, bot: Assistant, tmp_path: Path) -> Any:
    s = settings.model_copy(update={"api_keys": f"intranet:{KEY}"})
    store = Store(f"sqlite:///{tmp_path / 'pulje.sqlite3'}")
    with TestClient(create_app(s, assistant=bot, store=store),
                    raise_server_exceptions=False) as c:
        yield c


def _plan(as_of: object) -> dict[str, Any]:
    return {"grant_dkk": 2_400_000, "as_of": as_of, "items": [
        {"description": "Meritpædagoguddannelse for fire medhjælpere", "amount_dkk": 1_600_000}]}


def test_the_api_accepts_the_plans_day(client: TestClient) -> None:
    spring = client.post("/v1/plans/check", headers=HEADERS, json=_plan("2026-03-01"))
    winter = client.post("/v1/plans/check", headers=HEADERS, json=_plan("2026-12-02"))
    assert spring.status_code == winter.status_code == 200, spring.text
    assert spring.json()["as_of"] == "2026-03-01" and spring.json()["items"][0]["verdict"] == "yes"
    body = winter.json()
    assert body["as_of"] == "2026-12-02" and body["items"][0]["verdict"] == "no"
    assert "31. juli 2026" in body["items"][0]["explanation"]


# 0 and "0" were read as 1970-01-01, a midnight datetime as its day (issue 14).
@pytest.mark.parametrize("bad", ["2026-13-01", "i går", "02-12-2026", 20261202.5, 0, "0",
                                 True, "2026-03-01T00:00:00", "20260301"])
def test_the_api_refuses_a_bad_day(client: TestClient, bad: object) -> None:
    r = client.post("/v1/plans/check", headers=HEADERS, json=_plan(bad))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "as_of" in r.text


@pytest.mark.parametrize(("field", "value"), [("grant_dkk", True), ("grant_dkk", "2400000"),
                                              ("amount_dkk", True), ("amount_dkk", "100")])
def test_the_api_takes_amounts_only_as_json_numbers(client: TestClient, field: str,
                                                    value: object) -> None:
    body = _plan("2026-03-01")
    (body if field == "grant_dkk" else body["items"][0])[field] = value
    r = client.post("/v1/plans/check", headers=HEADERS, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["fejl"] == "Værdien skal være et tal."


def test_the_chats_category_names_are_the_catalogues(tmp_path: Path) -> None:
    # One edit in the catalogue renames a category in the chat's list; none missing.
    text = CATALOGUE_FILE.read_text(encoding="utf-8")
    assert 'short: {da: "Vikarer", en: "Substitutes"}' in text
    changed = tmp_path / "catalogue.yaml"
    changed.write_text(text.replace('short: {da: "Vikarer"', 'short: {da: "Vikardækning"'),
                       encoding="utf-8")
    assert catalogue_choices(changed)["substitutes"]["da"] == "Vikardækning"
    assert catalogue_choices()["substitutes"] == CATEGORIES["substitutes"]
    changed.write_text(text.replace('    short: {da: "Vikarer", en: "Substitutes"}', ""),
                       encoding="utf-8")
    with pytest.raises(ValueError, match="substitutes"):
        catalogue_choices(changed)
