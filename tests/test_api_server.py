"""The API as users run it: ``pulje serve`` under uvicorn on loopback, over real HTTP.

Also: schemathesis against the served OpenAPI description, ``kill -9`` while feedback
(and, over three rounds, answers too) is being written (no acknowledged row may be lost,
the file stays whole), and the server on a real ``chroma run`` server (server mode).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from assistant.common.config import Settings
from assistant.retrieval.index import SearchIndex
from assistant.storage.store import Store
from tests.servers import KEY, Server, start_api, stop

# Left out of the fast loop (-m "not slow"): real servers (API, Chroma), processes killed mid-write.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(api_server: Server) -> Server:
    return api_server


def test_a_real_server_answers_over_http(server: Server) -> None:
    h = {"X-API-Key": KEY}
    r = httpx.post(f"{server.url}/v1/ask", headers=h, timeout=30,
                   json={"question": "Kan vi finansiere en masteruddannelse?"})
    assert r.status_code == 200 and r.json()["verdict"] == "no"
    assert httpx.post(f"{server.url}/v1/ask", json={"question": "x?"}).status_code == 401
    with httpx.stream("POST", f"{server.url}/v1/ask/stream", headers=h, timeout=30,
                      json={"question": "Hvornår skal de længerevarende forløb være "
                                        "afsluttet?"}) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        chunks = list(stream.iter_text())
    text = "".join(chunks)
    assert text.count("event: delta") >= 1 and "event: answer" in text
    final = json.loads(text.rsplit("event: answer\ndata: ", 1)[1])
    assert "31. juli 2030" in final["answer"]


def test_the_server_survives_a_burst_of_bad_requests(server: Server) -> None:
    h = {"X-API-Key": KEY, "Content-Type": "application/json"}
    bodies = [b"", b"{", b"null", b'{"question": 1}', b'{"question": "\\u0000"}',
              b"\xff\xfe", b'{"question": "' + b"a" * 100_000 + b'"}']
    with httpx.Client(base_url=server.url, timeout=30) as c:
        for body in bodies:
            r = c.post("/v1/ask", headers=h, content=body)
            assert 400 <= r.status_code < 500, (body[:30], r.status_code)
            assert r.headers["content-type"].startswith("application/problem+json")
        assert c.post("/v1/ask", headers=h, json={"question": "Kan vi betale AMU?"}
                      ).status_code == 200
    assert server.proc.poll() is None


def test_schemathesis_finds_no_server_error_and_no_schema_violation(server: Server,
                                                                  tmp_path: Path) -> None:
    # Every operation, the stream (POST and GET) included, with every check: besides the
    # responses, that what the schema allows is accepted (positive_data_acceptance) and
    # what it forbids is refused (negative_data_rejection), the Allow header of a 405,
    # and that the key is not ignored (ignored_auth). About 30 s on 2 cores.
    exe = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(
        [str(exe), "run", f"{server.url}/openapi.json", "--header", f"X-API-Key: {KEY}",
         "--checks", "all", "--max-examples", "40", "--phases", "examples,coverage,fuzzing",
         "--request-timeout", "30", "--suppress-health-check", "all", "--seed", "1",
         "--no-color"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,  # its cache stays out of git
        env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false"})
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "11 selected / 11 total" in result.stdout  # no operation left out
    assert server.proc.poll() is None


def test_kill_9_while_writing_feedback_loses_no_acknowledged_row(
        settings: Settings, index: SearchIndex, tmp_path: Path) -> None:
    server = start_api(settings.data_dir, tmp_path / "k.sqlite3", tmp_path / "k.log")
    acked: list[int] = []
    halt = threading.Event()
    try:
        answer = httpx.post(f"{server.url}/v1/ask", headers={"X-API-Key": KEY}, timeout=30,
                            json={"question": "Kan vi betale vikarer?"}).json()

        def writer() -> None:
            with httpx.Client(base_url=server.url, timeout=10) as c:
                while not halt.is_set():
                    try:
                        r = c.post("/v1/feedback", headers={"X-API-Key": KEY}, json={
                            "answer_id": answer["id"], "rating": "up", "comment": "tak"})
                    except httpx.HTTPError:
                        return
                    if r.status_code == 201:
                        acked.append(r.json()["id"])

        threads = [threading.Thread(target=writer) for _ in range(4)]
        for t in threads:
            t.start()
        while len(acked) < 50:
            time.sleep(0.01)
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait()
        halt.set()
        for t in threads:
            t.join(timeout=20)
    finally:
        halt.set()
        stop(server)
    kept = Store(f"sqlite:///{server.db}").feedback_ids()
    assert len(acked) >= 50
    assert set(acked) <= kept, f"tabt: {sorted(set(acked) - kept)[:10]}"


QUESTIONS = ["Kan vi betale vikarer?", "Kan vi finansiere en masteruddannelse?",
             "Hvornår skal de længerevarende forløb være afsluttet?", "Kan vi betale AMU?"]
ROUNDS, MIN_ANSWERS, MIN_RATINGS = 3, 4, 30  # per round, acknowledged before the kill


def _load_until_killed(server: Server, answers: list[str], ratings: list[int]) -> None:
    """Answers and ratings from four threads until some of each are acknowledged in this
    round, then ``kill -9`` mid-load. Only what the server acknowledged is recorded."""
    halt, start = threading.Event(), (len(answers), len(ratings))
    h = {"X-API-Key": KEY}

    def asker(n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            while not halt.is_set():
                try:
                    r = c.post("/v1/ask", headers=h,
                               json={"question": QUESTIONS[n % len(QUESTIONS)]})
                except httpx.HTTPError:
                    return
                if r.status_code == 200:
                    answers.append(r.json()["id"])
                n += 1

    def rater() -> None:
        with httpx.Client(base_url=server.url, timeout=10) as c:
            while not halt.is_set():
                if not answers:
                    time.sleep(0.05)
                    continue
                try:
                    r = c.post("/v1/feedback", headers=h, json={
                        "answer_id": answers[-1], "rating": "down", "comment": "tak"})
                except httpx.HTTPError:
                    return
                if r.status_code == 201:
                    ratings.append(r.json()["id"])

    threads = [threading.Thread(target=asker, args=(i,)) for i in range(2)]
    threads += [threading.Thread(target=rater) for _ in range(2)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 180
    while (len(answers) - start[0] < MIN_ANSWERS or len(ratings) - start[1] < MIN_RATINGS) \
            and time.monotonic() < deadline:
        time.sleep(0.01)
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait()
    halt.set()
    for t in threads:
        t.join(timeout=60)
    assert len(answers) - start[0] >= MIN_ANSWERS and len(ratings) - start[1] >= MIN_RATINGS, \
        "for lidt last"


def test_kill_9_in_rounds_while_answering_and_rating_keeps_the_store_whole(
        settings: Settings, index: SearchIndex, tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    answers: list[str] = []
    ratings: list[int] = []
    for n in range(ROUNDS):  # the same SQLite file, started again after every kill
        server = start_api(settings.data_dir, db, tmp_path / f"r{n}.log")
        try:
            _load_until_killed(server, answers, ratings)
        finally:
            stop(server)
    server = start_api(settings.data_dir, db, tmp_path / "after.log")
    try:
        r = httpx.post(f"{server.url}/v1/ask", headers={"X-API-Key": KEY}, timeout=60,
                       json={"question": QUESTIONS[0]})
        assert r.status_code == 200
        answers.append(r.json()["id"])
    finally:
        stop(server)
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        kept_answers = {row[0] for row in conn.execute("SELECT id FROM interactions")}
        kept_ratings = {row[0] for row in conn.execute("SELECT id FROM feedback")}
        orphans = conn.execute("SELECT count(*) FROM feedback WHERE answer_id NOT IN "
                               "(SELECT id FROM interactions)").fetchone()[0]
    assert set(answers) <= kept_answers, f"tabte svar: {set(answers) - kept_answers}"
    assert set(ratings) <= kept_ratings, f"tabte vurderinger: {set(ratings) - kept_ratings}"
    # Each round stops as soon as it has its minimum, so exactly the minimum is enough;
    # the answer asked after the last restart comes on top.
    assert orphans == 0
    assert len(answers) >= ROUNDS * MIN_ANSWERS + 1 and len(ratings) >= ROUNDS * MIN_RATINGS


def test_the_server_runs_on_a_chroma_server(chroma_server: str, tmp_path: Path) -> None:
    server = start_api(tmp_path / "data", tmp_path / "c.sqlite3", tmp_path / "c.log",
                    PULJE_CHROMA_URL=chroma_server)
    try:
        r = httpx.post(f"{server.url}/v1/ask", headers={"X-API-Key": KEY}, timeout=60,
                       json={"question": "Hvad bruger København puljen til?"})
        assert r.status_code == 200 and r.json()["citations"]
        assert not (tmp_path / "data" / "index").exists()  # the vectors live in the server
    finally:
        stop(server)


def test_open_mode_refuses_to_listen_beyond_loopback(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "PULJE_DATA_DIR": str(tmp_path),
           "PULJE_API_KEYS": ""}
    r = subprocess.run([sys.executable, "-m", "assistant.cli", "serve", "--host", "0.0.0.0"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2 and "loopback" in r.stderr


def _readme_curl_block() -> str:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    api = readme.split("## API", 1)[1]
    block = api.split("```bash\n", 1)[1].split("```", 1)[0]
    assert block.count("curl ") >= 10
    return block


def test_the_readme_curl_examples_work_as_written(server: Server) -> None:
    port = server.url.rsplit(":", 1)[1]
    script = "set -euo pipefail\n" + _readme_curl_block().replace("127.0.0.1:8000",
                                                                  f"127.0.0.1:{port}")
    # Each command's output on its own line, so that every one can be checked.
    script = script.replace("\ncurl ", "\necho; curl ")
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PULJE_KEY": KEY})
    assert r.returncode == 0, r.stderr[-2000:]
    out = r.stdout
    assert '"verdict":"no"' in out and "masteruddannelser" in out
    assert out.count("event: answer") == 2 and "240.000 kr." in out  # POST and GET stream
    assert '"over_dkk":60000.0' in out and '"rating":"up"' in out
    assert '"status":"ready"' in out and '"corpus_hash"' in out


def test_one_access_log_line_per_request_without_question_or_key(server: Server) -> None:
    question = "Hvornår skal de længerevarende forløb være afsluttet for Mette?"
    calls = [("POST", "/v1/ask", {"json": {"question": question}}, 200, "/v1/ask"),
             ("GET", "/v1/passages/faktaark-003", {}, 200, "/v1/passages/{passage_id}"),
             ("GET", "/v1/passages/findes-ikke", {}, 404, "/v1/passages/{passage_id}"),
             ("POST", "/v1/ask", {"json": {"question": 1}}, 422, "/v1/ask"),
             ("GET", f"/v1/ask/stream?question=Mette&api_key={KEY}", {}, 200,
              "/v1/ask/stream"),
             ("GET", "/findes/slet/ikke", {}, 404, "(ukendt)")]
    ids = []
    with httpx.Client(base_url=server.url, timeout=30) as c:
        for i, (method, path, kwargs, status, _) in enumerate(calls):
            rid = f"logtest-{time.time_ns()}-{i}"
            r = c.request(method, path, headers={"X-API-Key": KEY, "X-Request-ID": rid},
                          **kwargs)
            r.read()
            assert r.status_code == status and r.headers["X-Request-ID"] == rid
            ids.append(rid)
        wrong = c.get("/v1/documents", headers={"X-API-Key": "forkert-noegle"})
        assert wrong.status_code == 401 and len(wrong.headers["X-Request-ID"]) == 32
    time.sleep(0.5)
    log = server.log.read_text(errors="replace")
    for rid, (method, _, _, status, route) in zip(ids, calls, strict=True):
        lines = [line for line in log.splitlines() if rid in line]
        assert len(lines) == 1, lines
        assert f"method={method} route={route} status={status} ms=" in lines[0]
    assert question not in log and "Mette" not in log and KEY not in log
    assert "forkert-noegle" not in log and "findes-ikke" not in log
    assert '" 200' not in log and "HTTP/1.1" not in log  # no uvicorn access line


def test_metrics_over_http_parse_and_move(server: Server) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    def scrape(**headers: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        r = httpx.get(f"{server.url}/metrics", headers=headers, timeout=10)
        assert r.status_code == 200
        return {(s.name, frozenset(s.labels.items())): s.value
                for f in text_string_to_metric_families(r.text) for s in f.samples}

    assert httpx.get(f"{server.url}/metrics", timeout=10).status_code == 401
    before = scrape(**{"X-API-Key": KEY})
    r = httpx.post(f"{server.url}/v1/ask", headers={"X-API-Key": KEY}, timeout=30,
                   json={"question": "Kan vi finansiere en masteruddannelse?"})
    assert r.status_code == 200
    after = scrape(Authorization=f"Bearer {KEY}")
    ask = ("pulje_http_requests_total",
           frozenset({"method": "POST", "route": "/v1/ask", "status": "200"}.items()))
    assert after[ask] - before.get(ask, 0) == 1
    verdict = ("pulje_answers_total", frozenset({"verdict": "no"}.items()))
    assert after[verdict] - before.get(verdict, 0) == 1
    bucket = [k for k in after if k[0] == "pulje_http_request_duration_seconds_bucket"
              and ("route", "/v1/ask") in k[1]]
    assert bucket and ("pulje_llm_fallbacks_total", frozenset()) not in after


def test_the_key_over_http_with_and_without_it(server: Server) -> None:
    url = f"{server.url}/v1/documents"
    assert httpx.get(url, headers={"X-API-Key": KEY}, timeout=10).status_code == 200
    missing = httpx.get(url, timeout=10)
    assert missing.status_code == 401 and missing.json()["type"].endswith("missing-key")
    assert missing.headers["WWW-Authenticate"] == "X-API-Key"
    assert httpx.get(url, headers={"X-API-Key": KEY[:-1]}, timeout=10).status_code == 401
    spec = httpx.get(f"{server.url}/openapi.json", timeout=10).json()
    assert spec["paths"]["/v1/documents"]["get"]["security"] == [{"ApiKey": []}]
