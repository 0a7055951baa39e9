"""What the OpenAPI description states is what a real ``pulje serve`` takes: the stream
refuses what /v1/ask refuses, before its headers; dates and amounts only in their JSON
forms; a history entry's limit and characters as the schema states them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from assistant.common.config import Settings
from tests.servers import KEY, Server

# Left out of the fast loop (-m "not slow"): a real server on the real index.
pytestmark = pytest.mark.slow

H = {"X-API-Key": KEY}
LONG = "x" * 2001

BAD_HISTORY = {
    "control character": [{"role": "user", "content": "Kan vi\u0000 betale?"}],
    "bell": [{"role": "assistant", "content": "Nej.\u0007"}],
    "direction override": [{"role": "user", "content": "mas\u202eret\u202cuddannelse"}],
    "isolate": [{"role": "user", "content": "AMU \u2066x\u2069"}],
    "over the limit": [{"role": "user", "content": LONG}],
    "second entry": [{"role": "user", "content": "Kan vi?"},
                     {"role": "assistant", "content": "Ja\u0085"}],
}
BAD_QUESTIONS = {"control character": "Kan vi\u0000 betale?", "escape": "AMU\u001b[31m?",
                 "direction override": "mas\u202eret\u202cuddannelse",
                 "over the limit": LONG, "blank": " \u200b\u00a0 "}


def _post(server: Server, path: str, body: dict[str, Any]) -> httpx.Response:
    with httpx.stream("POST", f"{server.url}{path}", headers=H, json=body, timeout=60) as r:
        r.read()
        return r


def _problem(r: httpx.Response) -> tuple[int, str]:
    assert r.headers["content-type"].startswith("application/problem+json"), r.text[:200]
    return r.status_code, r.json()["type"]


@pytest.mark.parametrize("name", BAD_HISTORY)
def test_the_stream_refuses_a_bad_history_as_ask_does(api_server: Server, name: str) -> None:
    body = {"question": "og diplomuddannelser?", "history": BAD_HISTORY[name]}
    ask = _post(api_server, "/v1/ask", body)
    stream = _post(api_server, "/v1/ask/stream", body)
    assert _problem(ask) == _problem(stream) == (
        422, "tag:puljeassistenten,2026:problem:invalid-fields")
    errors = stream.json()["errors"]
    index = len(BAD_HISTORY[name]) - 1
    assert errors[0]["felt"] == f"history[{index}].content", errors
    assert "Spørgsmålet" not in errors[0]["fejl"]
    assert ("højst have 2000 tegn" in errors[0]["fejl"] if name == "over the limit"
            else errors[0]["fejl"].startswith("Beskeden indeholder"))


@pytest.mark.parametrize("name", BAD_QUESTIONS)
def test_the_stream_refuses_a_bad_question_as_ask_does_by_post_and_get(
        api_server: Server, name: str) -> None:
    question = BAD_QUESTIONS[name]
    ask = _post(api_server, "/v1/ask", {"question": question})
    post = _post(api_server, "/v1/ask/stream", {"question": question})
    get = httpx.get(f"{api_server.url}/v1/ask/stream", timeout=60,
                    params={"question": question, "api_key": KEY})
    # An EventSource reconnecting with a bad question is refused too, not sent a 204.
    again = httpx.get(f"{api_server.url}/v1/ask/stream", timeout=60,
                      params={"question": question, "api_key": KEY},
                      headers={"Last-Event-ID": "3"})
    assert _problem(ask)[0] == 422
    assert _problem(ask) == _problem(post) == _problem(get) == _problem(again)
    assert ask.json()["errors"][0]["felt"] == "question"


@pytest.mark.parametrize("as_of", [0, "0", 1_700_000_000, True, "2026-11-23T00:00:00",
                                   "20261123", "2026-W48-1", "2026-02-30", "٢٠٢٦-١١-٢٣"])
def test_a_day_is_only_a_string_yyyy_mm_dd(api_server: Server, as_of: object) -> None:
    ask = _post(api_server, "/v1/ask", {"question": "Kan vi betale AMU?", "as_of": as_of})
    plan = _post(api_server, "/v1/plans/check", {
        "grant_dkk": 2_400_000, "as_of": as_of,
        "items": [{"description": "AMU-kursus", "amount_dkk": 50_000}]})
    for r in (ask, plan):
        assert _problem(r)[0] == 422, r.text[:300]
        assert r.json()["errors"][0]["felt"] == "as_of"
        assert "ÅÅÅÅ-MM-DD" in r.json()["errors"][0]["fejl"]
    if isinstance(as_of, str):
        get = httpx.get(f"{api_server.url}/v1/ask/stream", timeout=60, params={
            "question": "Kan vi betale AMU?", "as_of": as_of, "api_key": KEY})
        assert _problem(get)[0] == 422


def test_a_day_as_a_string_is_read(api_server: Server) -> None:
    r = _post(api_server, "/v1/plans/check", {
        "grant_dkk": 2_400_000, "as_of": "2026-03-01",
        "items": [{"description": "AMU-kursus", "amount_dkk": 50_000}]})
    assert r.status_code == 200 and r.json()["as_of"] == "2026-03-01"


@pytest.mark.parametrize(("grant", "amount"), [(True, 1000), ("2400000", 1000),
                                               (2_400_000, True), (2_400_000, "100"),
                                               (2_400_000, None), (2_400_000, [100])])
def test_amounts_are_only_json_numbers(api_server: Server, grant: object,
                                       amount: object) -> None:
    r = _post(api_server, "/v1/plans/check", {
        "grant_dkk": grant, "items": [{"description": "AMU-kursus", "amount_dkk": amount}]})
    assert _problem(r)[0] == 422, r.text[:300]
    assert r.json()["errors"][0]["fejl"] == "Værdien skal være et tal."


def test_integer_and_decimal_amounts_are_numbers(api_server: Server) -> None:
    r = _post(api_server, "/v1/plans/check", {
        "grant_dkk": 2_400_000, "items": [{"description": "AMU-kursus", "amount_dkk": 500.5}]})
    assert r.status_code == 200 and r.json()["items"][0]["amount_dkk"] == 500.5


def test_the_schema_states_the_real_limits(api_server: Server) -> None:
    spec = httpx.get(f"{api_server.url}/openapi.json", timeout=10).json()
    schemas = spec["components"]["schemas"]
    limit = Settings().max_question_chars
    assert schemas["Message"]["properties"]["content"]["maxLength"] == limit == 2000
    assert schemas["AskRequest"]["properties"]["question"]["maxLength"] == limit
    get = spec["paths"]["/v1/ask/stream"]["get"]["parameters"]
    assert next(p for p in get if p["name"] == "question")["schema"]["maxLength"] == limit
    for plan_field in (schemas["Plan"]["properties"]["grant_dkk"],
                       schemas["PlanItem"]["properties"]["amount_dkk"]):
        assert plan_field["type"] == "number"
    # Exactly the limit is taken, one more is not.
    ok = _post(api_server, "/v1/ask", {"question": "Kan vi betale AMU?",
                                       "history": [{"role": "user", "content": "x" * limit}]})
    assert ok.status_code == 200


def test_a_given_category_does_not_override_the_rules_over_the_api(api_server: Server) -> None:
    # Issue 14, point 10: "amu" on a master's degree was approved.
    r = _post(api_server, "/v1/plans/check", {"grant_dkk": 2_400_000, "as_of": "2026-03-01",
                                              "items": [{"description": "Masteruddannelse i "
                                                                        "ledelse",
                                                         "category": "amu",
                                                         "amount_dkk": 50_000}]})
    assert r.status_code == 200, r.text
    item = r.json()["items"][0]
    assert item["category"] == "amu" and item["verdict"] == "no"
    assert "masteruddannelser" in item["explanation"] and r.json()["verdict"] == "no"


def test_a_405_names_every_method_of_the_address(api_server: Server) -> None:
    r = httpx.request("PUT", f"{api_server.url}/v1/ask/stream", headers=H, timeout=10)
    assert r.status_code == 405
    assert set(r.headers["Allow"].split(", ")) == {"GET", "POST"}
