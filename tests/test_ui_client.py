"""The chat's HTTP client against a real API server: the plan check's ``as_of``."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.servers import KEY, Server
from ui.client import ApiClient, ApiError, plan_body

# Left out of the fast loop (-m "not slow"): a real API server.
pytestmark = pytest.mark.slow

ITEMS = [{"description": "Meritpædagoguddannelse for fire medhjælpere", "amount_dkk": 1e6}]


def test_the_plan_body_carries_the_sidebar_date() -> None:
    body = plan_body(2_400_000.0, ITEMS, "en", dt.date(2026, 8, 1))
    assert body == {"grant_dkk": 2_400_000.0, "items": ITEMS, "lang": "en",
                    "as_of": "2026-08-01"}
    assert "as_of" not in plan_body(2_400_000.0, ITEMS, "da", None)


def test_check_plan_judges_the_plan_on_the_sidebar_day(api_server: Server) -> None:
    """A new meritpædagog course on first-round money: fine before the window closed on
    31 July 2026, refused after it, with the reason (as the chat says on that day)."""
    client = ApiClient(api_server.url, KEY)
    before = client.check_plan(2_400_000.0, ITEMS, "da", dt.date(2026, 3, 1))
    assert before["verdict"] == "yes" and before["as_of"] == "2026-03-01"
    after = client.check_plan(2_400_000.0, ITEMS, "da", dt.date(2026, 12, 2))
    assert after["verdict"] == "no" and "31. juli 2026" in after["items"][0]["explanation"]


def test_a_refusal_names_its_fields(api_server: Server) -> None:
    client = ApiClient(api_server.url, KEY)
    with pytest.raises(ApiError) as caught:
        client.check_plan(0.0, ITEMS, "da", dt.date(2026, 8, 1))
    assert caught.value.status == 422 and "grant_dkk" in caught.value.fields


def test_a_follow_up_after_a_long_answer_is_answered(api_server: Server) -> None:
    """The chat sends its answers back as history; one over the API's 2,000 characters per
    entry (a long overview) made the follow-up a 422 instead of an answer."""
    client = ApiClient(api_server.url, KEY)
    long_answer = "Puljen kan bruges til flere forløb. " + "Et forløb med kilde [1]. " * 120
    assert len(long_answer) > 2000
    answer = client.ask("og diplomuddannelser?", [
        {"role": "user", "content": "Kan vi finansiere en masteruddannelse?"},
        {"role": "assistant", "content": long_answer}], None, "da")
    assert answer["resolved_question"] != "og diplomuddannelser?" and answer["answer"]
