"""The chat's HTTP client against a real API server: the plan check's ``as_of``."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from tests.servers import KEY, Server
from ui.client import ApiClient, ApiError, plan_body

ITEMS = [{"description": "Meritpædagoguddannelse for fire medhjælpere", "amount_dkk": 1e6}]


def test_the_plan_body_carries_the_sidebar_date() -> None:
    body = plan_body(2_400_000.0, ITEMS, "en", dt.date(2026, 8, 1))
    assert body == {"grant_dkk": 2_400_000.0, "items": ITEMS, "lang": "en",
                    "as_of": "2026-08-01"}
    assert "as_of" not in plan_body(2_400_000.0, ITEMS, "da", None)


def _api_takes_as_of(api: Server) -> bool:
    schema = httpx.get(f"{api.url}/openapi.json", timeout=10).json()
    return "as_of" in schema["components"]["schemas"]["Plan"]["properties"]


def test_check_plan_sends_as_of_and_says_whether_the_api_took_it(api_server: Server) -> None:
    """Before the API has ``Plan.as_of`` it refuses the field (422); the client then checks
    the plan without it and says so. After the merge the date is applied."""
    client = ApiClient(api_server.url, KEY)
    result = client.check_plan(2_400_000.0, ITEMS, "da", dt.date(2026, 8, 1))
    assert result["verdict"] == "yes"
    assert result["as_of_applied"] is _api_takes_as_of(api_server)
    assert client.check_plan(2_400_000.0, ITEMS, "da")["as_of_applied"] is False


def test_other_refusals_are_not_retried(api_server: Server) -> None:
    client = ApiClient(api_server.url, KEY)
    with pytest.raises(ApiError) as caught:
        client.check_plan(0.0, ITEMS, "da", dt.date(2026, 8, 1))
    assert caught.value.status == 422 and "grant_dkk" in caught.value.fields
