"""Who may call the API, and how often, through the ASGI client: the key (in the header, in
the stream's address, in the OpenAPI schema, and open mode without one), rate limits and
CORS."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.security import seconds
from assistant.common.config import Settings
from assistant.service import Assistant
from tests.api_client import HEADERS, KEY, ORIGIN, _client, _is_problem

# Left out of the fast loop (-m "not slow"): the real index (e5) behind the app.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "forkert"}, {"X-API-Key": KEY + "x"},
                                     {"X-API-Key": ""}])
def test_missing_or_wrong_key_is_401(client: TestClient, headers: dict[str, str]) -> None:
    body = _is_problem(client.post("/v1/ask", headers=headers,
                                   json={"question": "Kan vi?"}), 401)
    assert "X-API-Key" in body["detail"] or "nøgle" in body["detail"]
    _is_problem(client.get("/v1/documents", headers=headers), 401)


def test_rate_limit_per_key(settings: Settings, bot: Assistant, tmp_path: Path) -> None:
    with _client(settings, bot, tmp_path, rate_limit_per_minute=3) as c:
        codes = [c.get("/v1/documents", headers=HEADERS).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = c.get("/v1/documents", headers=HEADERS)
        _is_problem(r, 429)
        assert int(r.headers["Retry-After"]) >= 1
        assert c.get("/livez").status_code == 200  # health checks are not limited


def test_cors_allows_only_the_configured_origins(client: TestClient) -> None:
    pre = {"Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "content-type,x-api-key"}
    ok = client.options("/v1/ask", headers={"Origin": ORIGIN, **pre})
    assert ok.headers.get("access-control-allow-origin") == ORIGIN
    bad = client.options("/v1/ask", headers={"Origin": "https://evil.example", **pre})
    assert "access-control-allow-origin" not in bad.headers


def test_rate_limit_says_when_to_retry_and_the_page_may_read_retry_after(
        settings: Settings, bot: Assistant, tmp_path: Path) -> None:
    # The minute slides: Retry-After is when it lets one more request through.
    with _client(settings, bot, tmp_path, rate_limit_per_minute=60) as c:
        for _ in range(60):
            c.get("/v1/documents", headers=HEADERS)
        r = c.get("/v1/documents", headers={**HEADERS, "Origin": ORIGIN})
        body = _is_problem(r, 429)
        wait = int(r.headers["Retry-After"])
        assert 1 <= wait <= 60
        assert body["detail"].endswith(f"prøv igen om {seconds(wait)}.")
        exposed = {h.strip().lower() for h in
                   r.headers["access-control-expose-headers"].split(",")}
        assert {"retry-after", "x-request-id"} <= exposed
        assert r.headers["access-control-allow-origin"] == ORIGIN


def test_cors_preflight_allows_what_a_browser_client_sends(client: TestClient) -> None:
    pre = {"Origin": ORIGIN, "Access-Control-Request-Method": "GET",
           "Access-Control-Request-Headers": "x-api-key,content-type,last-event-id,x-request-id"}
    r = client.options("/v1/ask/stream", headers=pre)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == ORIGIN
    allowed = {h.strip().lower() for h in r.headers["access-control-allow-headers"].split(",")}
    assert {"x-api-key", "content-type", "last-event-id", "x-request-id"} <= allowed
    evil = client.options("/v1/ask/stream", headers={**pre, "Origin": "https://evil.example"})
    assert evil.status_code == 400 and "access-control-allow-origin" not in evil.headers


def test_openapi_declares_the_api_key_on_every_v1_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["ApiKey"] == {"type": "apiKey", "in": "header", "name": "X-API-Key",
                                 "description": schemes["ApiKey"]["description"]}
    assert schemes["ApiKeyQuery"]["in"] == "query" and schemes["ApiKeyQuery"]["name"] == "api_key"
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            names = {name for req in op.get("security", []) for name in req}
            if path.startswith("/v1"):
                assert "ApiKey" in names, f"{method} {path} mangler nøglen"
                query = method == "get" and path == "/v1/ask/stream"
                assert ("ApiKeyQuery" in names) == query, f"{method} {path}"
                # The key is a security scheme, not an ordinary parameter.
                assert not any(p["name"].lower() in ("x-api-key", "api_key")
                               for p in op.get("parameters", []))
            elif path in ("/livez", "/readyz"):
                assert not names
    assert "/docs" not in spec["paths"] and "/v1/ask/stream" in spec["paths"]
    assert set(spec["paths"]["/v1/ask/stream"]) == {"get", "post"}


def test_open_mode_needs_no_key(settings: Settings, bot: Assistant, tmp_path: Path) -> None:
    with _client(settings, bot, tmp_path, api_keys="") as c:
        assert c.get("/v1/documents").status_code == 200
        assert c.get("/v1/ask/stream", params={"question": "Kan vi betale vikarer?"}
                     ).status_code == 200
        assert c.get("/metrics").status_code == 200
