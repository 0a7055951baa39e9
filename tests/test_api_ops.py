"""Running the API, through the ASGI client: health, readiness and the version, the
OpenAPI examples, request ids, metrics, and uvicorn's access log."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api import health
from assistant.api.health import Readiness
from assistant.common.config import Settings
from assistant.service import Assistant
from tests.api_client import HEADERS, KEY, _client, _is_problem

# Left out of the fast loop (-m "not slow"): the real index (e5) behind the app.
pytestmark = pytest.mark.slow


def test_health_and_version(client: TestClient) -> None:
    assert client.get("/livez").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"index": "ok", "store": "ok", "llm": "ikke konfigureret"}
    v = client.get("/v1/version", headers=HEADERS).json()
    assert len(v["corpus_hash"]) == 64 and v["rules_version"] and v["chunker_version"]


def test_not_ready_when_the_corpus_changed_under_the_index(
        settings: Settings, bot: Assistant, tmp_path: Path, small_corpus: Path) -> None:
    with _client(settings, bot, tmp_path, corpus_dir=small_corpus) as c:
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["status"] == "unready"
        assert r.json()["checks"]["index"] == "indekset svarer ikke til korpus"


def test_not_ready_when_the_stored_vectors_are_not_those_built(
        client: TestClient, bot: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe compares the stored vectors with the build's digest: a collection written
    to behind the API's back (here: a digest that no longer matches) is "not ready"."""
    monkeypatch.setattr(bot.index, "vectors_sha256", "0" * 64)
    r = client.get("/readyz")
    assert r.status_code == 503 and r.json()["checks"]["index"] == "vektorerne er ændret"
    monkeypatch.undo()
    assert client.get("/readyz").status_code == 200


def test_a_probe_reads_the_corpus_only_after_a_file_changed(
        settings: Settings, bot: Assistant, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The corpus is fingerprinted at start-up; a probe then only compares the files'
    sizes and modification times, and re-reads the corpus once when one has changed."""
    corpus = tmp_path / "corpus"
    shutil.copytree(settings.corpus_dir, corpus)
    with _client(settings, bot, tmp_path, corpus_dir=corpus) as c:
        reads: list[Path] = []
        real = health.load_corpus
        monkeypatch.setattr(health, "load_corpus",
                            lambda where: reads.append(where) or real(where))
        assert [c.get("/readyz").status_code for _ in range(5)] == [200] * 5
        assert reads == []
        with (corpus / "manifest.toml").open("a", encoding="utf-8") as f:
            f.write("\n# en kommentar ændrer ingen passage\n")
        assert [c.get("/readyz").status_code for _ in range(3)] == [200] * 3
        assert reads == [corpus]
        text = next(corpus.glob("faktaark-*.txt"))
        text.write_text(text.read_text(encoding="utf-8") + "\nEt nyt afsnit.\n",
                        encoding="utf-8")
        r = c.get("/readyz")
        assert r.status_code == 503
        assert r.json()["checks"]["index"] == "indekset svarer ikke til korpus"
        assert reads == [corpus, corpus]


def test_probes_read_the_stored_vectors_once_per_ttl(
        client: TestClient, bot: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[bool] = []
    real = bot.index.vectors_intact
    monkeypatch.setattr(bot.index, "vectors_intact", lambda: reads.append(real()) or reads[-1])
    assert [client.get("/readyz").status_code for _ in range(5)] == [200] * 5
    assert reads == [True]
    readiness: Readiness = client.app.state.readiness  # type: ignore[attr-defined]
    readiness.vectors.ttl_s = 0.0  # every probe past the TTL reads them again
    assert [client.get("/readyz").status_code for _ in range(2)] == [200] * 2
    assert reads == [True] * 3


def test_openapi_has_danish_examples_for_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method == "post":
                ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                examples = schemas[ref.rsplit("/", 1)[1]].get("examples")
                assert examples, f"{method} {path} mangler eksempler"
            else:
                content = op["responses"]["200"]["content"]
                assert any("example" in c for c in content.values()), f"{path} mangler eksempel"


def test_every_response_has_a_request_id(client: TestClient) -> None:
    mine = client.get("/livez", headers={"X-Request-ID": "intranet-42.a"})
    assert mine.headers["X-Request-ID"] == "intranet-42.a"
    for bad in ("x" * 200, "med mellemrum", "a\"b<c>", ""):
        r = client.get("/livez", headers={"X-Request-ID": bad})
        assert r.headers["X-Request-ID"] != bad and len(r.headers["X-Request-ID"]) == 32
    ids = {client.get("/livez").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3
    for r in (client.get("/v2/ask"), client.post("/v1/ask", json={"question": "x?"}),
              client.post("/v1/ask", headers=HEADERS, json={}),
              client.post("/v1/ask", headers=HEADERS, json={"question": "x" * 70_000})):
        assert r.status_code >= 400 and len(r.headers["X-Request-ID"]) == 32


def _metrics(c: TestClient, **headers: str) -> dict[tuple[str, tuple[tuple[str, str], ...]],
                                                     float]:
    from prometheus_client.parser import text_string_to_metric_families

    r = c.get("/metrics", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(r.text) for s in family.samples}


def test_metrics_count_requests_answers_and_abstentions(client: TestClient) -> None:
    _is_problem(client.get("/metrics"), 401)
    assert client.get("/metrics", headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
    before = _metrics(client, **HEADERS)
    client.post("/v1/ask", headers=HEADERS, json={"question": "Kan vi finansiere en "
                                                              "masteruddannelse?"})
    client.post("/v1/ask", headers=HEADERS, json={"question": "Hvad koster en is i Tivoli?"})
    client.get("/v1/passages/faktaark-002", headers=HEADERS)
    client.get("/v1/passages/findes-ikke", headers=HEADERS)
    client.get("/openapi.json")
    client.get("/docs-assets/swagger-ui.css")
    client.get("/ingen/side")
    after = _metrics(client, **HEADERS)

    def moved(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert moved("pulje_http_requests_total", method="POST", route="/v1/ask",
                 status="200") == 2
    route = "/v1/passages/{passage_id}"  # the template, not the raw path
    assert moved("pulje_http_requests_total", method="GET", route=route, status="200") == 1
    assert moved("pulje_http_requests_total", method="GET", route=route, status="404") == 1
    assert moved("pulje_http_request_duration_seconds_count", route="/v1/ask") == 2
    assert moved("pulje_answers_total", verdict="no") == 1
    assert moved("pulje_answers_total", verdict="unknown") == 1
    assert moved("pulje_abstentions_total") == 1
    assert not any("findes-ikke" in str(k) for k in after)
    # Starlette's plain routes and mounts by their template too; only a miss is unknown.
    assert moved("pulje_http_requests_total", method="GET", route="/openapi.json",
                 status="200") == 1
    assert moved("pulje_http_requests_total", method="GET", route="/docs-assets",
                 status="200") == 1
    assert moved("pulje_http_requests_total", method="GET", route="(ukendt)", status="404") == 1


def test_uvicorns_own_access_log_is_switched_off_at_start_up(
        settings: Settings, bot: Assistant, tmp_path: Path) -> None:
    import logging
    import logging.config

    from uvicorn.config import LOGGING_CONFIG

    logging.config.dictConfig(LOGGING_CONFIG)  # what `uvicorn.run(access_log=True)` sets up
    # uvicorn's protocols write their access line only if this logger has a handler.
    assert logging.getLogger("uvicorn.access").hasHandlers()
    with _client(settings, bot, tmp_path):
        assert not logging.getLogger("uvicorn.access").hasHandlers()
