"""The plan check and the sources (documents and passages) through the ASGI client."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api_client import HEADERS, _is_problem

# Left out of the fast loop (-m "not slow"): the real index (e5) behind the app.
pytestmark = pytest.mark.slow


def test_plan_check_judges_items_and_the_cap(client: TestClient) -> None:
    plan = {"grant_dkk": 2_400_000, "as_of": "2026-03-01", "items": [
        {"description": "Meritpædagoguddannelse for fire medhjælpere", "amount_dkk": 1_600_000},
        {"description": "Privat kursus i konflikthåndtering", "amount_dkk": 250_000},
        {"description": "Masteruddannelse i ledelse", "amount_dkk": 90_000},
        {"description": "Foredrag om sprog", "category": "informal", "amount_dkk": 10_000}]}
    r = client.post("/v1/plans/check", headers=HEADERS, json=plan)
    assert r.status_code == 200, r.text
    body = r.json()
    verdicts = [(i["category"], i["verdict"]) for i in body["items"]]
    assert verdicts[0] == ("meritpaedagog", "yes") and verdicts[2] == ("master", "no")
    assert body["informal_dkk"] == 260_000 and body["cap_dkk"] == 240_000
    assert not body["within_cap"] and body["over_dkk"] == 20_000 and body["verdict"] == "no"
    assert any("20.000 kr." in f for f in body["fixes"])
    assert any("Punkt 3" in f for f in body["fixes"])
    numbers = {c["n"] for c in body["citations"]}
    assert all(set(i["citations"]) <= numbers for i in body["items"])
    ok = {"grant_dkk": 1_000_000, "as_of": "2026-03-01", "items": [
        {"description": "Relevante AMU-kurser for medhjælpere", "amount_dkk": 300_000},
        {"description": "Intern undervisning", "amount_dkk": 100_000}]}
    body = client.post("/v1/plans/check", headers=HEADERS, json=ok).json()
    assert body["within_cap"] and body["left_dkk"] == 0 and body["verdict"] != "no"


def test_documents_and_passages_with_neighbours(client: TestClient) -> None:
    docs = client.get("/v1/documents", headers=HEADERS).json()
    assert {d["id"] for d in docs} >= {"faktaark", "foa-rapport"}
    assert all(d["passages"] > 0 for d in docs)
    p = client.get("/v1/passages/faktaark-002", headers=HEADERS).json()
    assert p["document"]["authority"] == "rules" and p["previous"] == "faktaark-001"
    assert p["next"] == "faktaark-003" and p["text"]
    first = client.get("/v1/passages/faktaark-001", headers=HEADERS).json()
    assert first["previous"] is None
    _is_problem(client.get("/v1/passages/findes-ikke", headers=HEADERS), 404)
