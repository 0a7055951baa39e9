"""A bounded attack on real servers: ``python -m evals.attack [--json FILE] [--skip-vectors]``.

Starts ``pulje serve`` (and, for the open-mode guard, ``uvicorn --factory``) on free
loopback ports with throwaway stores, runs each attack of issue 14 against them, and prints
one row per attack: how many attempts, whether the server held, and what was seen.
Figures, not assertions: the tests assert; this measures, before and after a change.

Every attack is scaled down from the issue's (e.g. 16 MB headers rather than 40 MB) so the
whole run takes a few minutes on two cores; ``--skip-vectors`` leaves out the one that
rebuilds an index (about 4 minutes more).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import json
import os
import random
import select
import shutil
import socket
import sqlite3
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from assistant.common.config import PROJECT_ROOT, get_settings

KEY = "attack-key"
MASTER = "Kan vi finansiere en masteruddannelse?"
# Each reproduced variant of issue 14 point 4: the word "masteruddannelse" tampered with.
LOOKALIKES = {
    "kyrillisk а": "m\u0430steruddannelse",
    "kombinerende accent": "maste\u0301ruddannelse",
    "U+034F": "mas\u034fteruddannelse",
    "U+061C": "mas\u061cteruddannelse",
    "U+3164": "mas\u3164teruddannelse",
    "U+FE0F": "mas\ufe0fteruddannelse",
    "U+E0041": "mas\U000e0041teruddannelse",
    "fuldbredde": "ｍａｓｔｅｒｕｄｄａｎｎｅｌｓｅ",
}
# Issue 14 point 11: personal data in questions and feedback (the values that must go).
PERSONAL = [
    ("jeg hedder mette hansen, kan jeg tage PAU?", ["mette hansen"]),
    ("Mit navn er MADS JENSEN. Kan vi betale AMU?", ["MADS JENSEN"]),
    ("Min kollega, Mette Hansen, vil tage PAU. Kan vi betale?", ["Mette Hansen"]),
    ("Vores pædagog Mette Hansen vil tage en diplomuddannelse", ["Mette Hansen"]),
    ("Medhjælperen Fatima Al-Hassan vil tage PAU", ["Fatima", "Al-Hassan"]),
    ("Mette Hansen vil tage PAU. Kan vi betale?", ["Mette Hansen"]),
    ("Medarbejderen Anne Marie Louise Hansen vil tage PAU", ["Hansen", "Louise"]),
    ("Ring på 12.34.56.78 om PAU", ["12.34.56.78"]),
    ("Ring på 12 345 678 om AMU", ["12 345 678"]),
    ("Skriv til mette (at) kk.dk om PAU", ["mette (at) kk.dk"]),
    ("CPR ０１０１９０-１２３４ vil tage PAU", ["０１０１９０", "１２３４"]),
]


@dataclass
class Row:
    point: str
    attack: str
    attempts: int
    held: bool | None  # None: not measured here
    seen: str


@dataclass
class Api:
    url: str
    proc: subprocess.Popen[bytes]
    db: Path

    @property
    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp: Path, data_dir: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False", "PULJE_DATA_DIR": str(data_dir),
            "PULJE_DATABASE_URL": f"sqlite:///{tmp / 'store.sqlite3'}",
            "PULJE_LLM_BASE_URL": "", **extra}


def start(tmp: Path, data_dir: Path, argv: list[str] | None = None, host: str = "127.0.0.1",
          **extra: str) -> Api:
    """A server on a free port, ready (``/livez``) or raise."""
    tmp.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    cmd = argv or [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)]
    cmd = [c.replace("{port}", str(port)) for c in cmd]
    log = (tmp / "server.log").open("ab")
    proc = subprocess.Popen(cmd, env=_env(tmp, data_dir, **extra), stdout=log,
                            stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
    url = f"http://{host}:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((tmp / "server.log").read_text(errors="replace")[-2000:])
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/livez", timeout=2).status_code < 500:
                return Api(url, proc, tmp / "store.sqlite3")
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("serveren blev ikke klar")


def stop(api: Api) -> None:
    api.proc.terminate()
    try:
        api.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        api.proc.kill()


def _raw(url: str, payload: bytes, read_s: float = 10) -> bytes:
    """Send raw bytes, return what the server answers (b'' if it closes)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=read_s) as s:
        with contextlib.suppress(OSError):
            s.sendall(payload)
        out = b""
        with contextlib.suppress(OSError):
            while chunk := s.recv(65536):
                out += chunk
                if b"\r\n\r\n" in out and len(out) > 4096:
                    break
        return out


def _status(raw: bytes) -> int:
    try:
        return int(raw.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0  # closed without an answer


def _danish_problem(r: httpx.Response) -> bool:
    return (r.headers.get("content-type", "").startswith("application/problem+json")
            and "error parsing" not in r.text and "Field required" not in r.text)


# --- the attacks ------------------------------------------------------------------------

def stream_history(api: Api) -> Row:
    h = {"X-API-Key": KEY}
    bad = [[{"role": "user", "content": "hej\u0007"}], [{"role": "user", "content": "a\u202eb"}],
           [{"role": "user", "content": "a" * 2500}]]
    held = 0
    for history in bad:
        plain = httpx.post(f"{api.url}/v1/ask", headers=h, timeout=30,
                           json={"question": MASTER, "history": history}).status_code
        try:
            with httpx.stream("POST", f"{api.url}/v1/ask/stream", headers=h, timeout=30,
                              json={"question": MASTER, "history": history}) as r:
                r.read()
                ok = r.status_code == plain and r.status_code >= 400
        except httpx.HTTPError:
            ok = False
        held += ok
    return Row("1", "stream: history med kontrol-/bidi-tegn eller for lang", len(bad),
               held == len(bad), f"{held}/{len(bad)} afvist som /v1/ask")


def key_guessing(api: Api, n: int = 1000) -> Row:
    seen: dict[int, int] = {}
    t0 = time.monotonic()
    with httpx.Client(base_url=api.url, timeout=10) as c:
        for _ in range(n):
            key = "".join(random.choices(string.ascii_letters, k=24))
            code = c.get("/v1/version", headers={"X-API-Key": key}).status_code
            seen[code] = seen.get(code, 0) + 1
    rate = n / (time.monotonic() - t0)
    return Row("2", "forkerte nøgler fra én adresse", n, seen.get(429, 0) > 0,
               f"{seen}; {rate:.0f} forsøg/s")


def huge_headers(api: Api) -> list[Row]:
    rows = []
    big = b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 20_000_000 + b"\r\n\r\n"
    code = _status(_raw(api.url, big, read_s=30))
    rows.append(Row("3", "header på 20 MB", 1, code != 200, f"status {code or 'lukket'}"))
    before = api.rss_mb
    socks = []
    for _ in range(8):
        host, port = api.url.removeprefix("http://").split(":")
        s = socket.create_connection((host, int(port)), timeout=30)
        with contextlib.suppress(OSError):
            s.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 16_000_000)
        socks.append(s)
    time.sleep(2)
    grown = api.rss_mb - before
    for s in socks:
        s.close()
    rows.append(Row("3", "8 uafsluttede headere på 16 MB", 8, grown < 50,
                    f"RSS {before:.0f} → {before + grown:.0f} MB"))
    return rows


def slow_clients(api: Api, n: int = 200, wait_s: float = 25) -> list[Row]:
    host, port = api.url.removeprefix("http://").split(":")
    socks: list[socket.socket] = []
    for _ in range(n):
        s = socket.create_connection((host, int(port)), timeout=5)
        s.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        s.setblocking(False)
        socks.append(s)
    alive = set(range(n))
    t0 = time.monotonic()
    while time.monotonic() - t0 < wait_s and alive:
        for i in list(alive):
            try:
                readable, _, _ = select.select([socks[i]], [], [], 0)
                if readable and not socks[i].recv(4096):
                    alive.discard(i)
                    continue
                socks[i].send(b"a")
            except OSError:
                alive.discard(i)
        time.sleep(1)
    for s in socks:
        s.close()
    headers = Row("3", f"{n} forbindelser der sender headeren med 1 byte/s", n,
                  len(alive) <= n // 20, f"{len(alive)} stadig åbne efter {wait_s:.0f} s")
    # A body that stalls after its first bytes.
    s = socket.create_connection((host, int(port)), timeout=wait_s + 5)
    s.sendall(b"POST /v1/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              b"X-API-Key: " + KEY.encode() + b"\r\nContent-Length: 100\r\n\r\n{\"quest")
    t0 = time.monotonic()
    try:
        got = s.recv(4096)
    except OSError:
        got = b""
    took = time.monotonic() - t0
    s.close()
    body = Row("3", "krop der går i stå", 1, took < wait_s,
               f"status {_status(got) or 'lukket'} efter {took:.0f} s")
    return [headers, body]


def bad_bodies(api: Api) -> list[Row]:
    h = {"X-API-Key": KEY, "Content-Type": "application/json"}
    rows = []

    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(200):
            yield b"a" * 1000
        yield b'"}'

    r = httpx.post(f"{api.url}/v1/ask", headers=h, content=chunks(), timeout=30)
    rows.append(Row("3", "for stor krop sendt i bidder (chunked)", 1,
                    r.status_code == 413 and _danish_problem(r), f"{r.status_code} {r.text[:60]}"))
    cases = {"ugyldig UTF-8": b'{"question": "\xff\xfe"}',
             "dyb indlejring": b'{"question": ' + b"[" * 5000 + b"]" * 5000 + b"}",
             "tal med 5.000 cifre": b'{"question": "x", "as_of": ' + b"9" * 5000 + b"}"}
    held = []
    for name, body in cases.items():
        r = httpx.post(f"{api.url}/v1/ask", headers=h, content=body, timeout=30)
        if r.status_code in (400, 422) and _danish_problem(r):
            held.append(name)
        else:
            held.append(f"{name}: {r.status_code} {r.text[:50]!r}")
    ok = all(":" not in x for x in held)
    rows.append(Row("3", "ugyldig UTF-8, dyb indlejring, 5.000 cifre", len(cases), ok,
                    "; ".join(x for x in held if ":" in x) or "danske 400/422"))
    return rows


def lookalikes(api: Api) -> list[Row]:
    h = {"X-API-Key": KEY}
    plain = httpx.post(f"{api.url}/v1/ask", headers=h, timeout=30,
                       json={"question": MASTER}).json()["verdict"]
    flipped = []
    for name, word in LOOKALIKES.items():
        r = httpx.post(f"{api.url}/v1/ask", headers=h, timeout=30,
                       json={"question": MASTER.replace("masteruddannelse", word)})
        if r.status_code != 200 or r.json()["verdict"] != plain:
            flipped.append(f"{name}: {r.json().get('verdict', r.status_code)}")
    rows = [Row("4", "look-alike/usynlige tegn i spørgsmålet", len(LOOKALIKES), not flipped,
                f"plain={plain}; " + ("; ".join(flipped) or "alle som plain"))]
    plan_flipped = []
    for name, word in LOOKALIKES.items():
        body = {"grant_dkk": 2_400_000, "as_of": "2026-03-01", "items": [
            {"description": word.capitalize() + " i ledelse", "amount_dkk": 100_000}]}
        r = httpx.post(f"{api.url}/v1/plans/check", headers=h, json=body, timeout=30)
        if r.status_code != 200 or r.json()["items"][0]["verdict"] != "no":
            got = r.json()["items"][0]["verdict"] if r.status_code == 200 else r.status_code
            plan_flipped.append(f"{name}: {got}")
    rows.append(Row("4", "look-alike/usynlige tegn i planens beskrivelse", len(LOOKALIKES),
                    not plan_flipped, "; ".join(plan_flipped) or "alle nej"))
    return rows


def forwarded(api: Api, n: int) -> list[Row]:
    """Open mode with a low limit: a different X-Forwarded-For per request."""
    codes: dict[int, int] = {}
    with httpx.Client(base_url=api.url, timeout=10) as c:
        for i in range(n):
            code = c.get("/v1/version", headers={"X-Forwarded-For": f"10.0.{i // 250}.{i % 250}"}
                         ).status_code
            codes[code] = codes.get(code, 0) + 1
    rows = [Row("5", "nyt X-Forwarded-For pr. forespørgsel (åben tilstand, grænse 20/min)", n,
                codes.get(429, 0) > 0, str(codes))]
    time.sleep(61)  # a fresh minute for the next attack
    before = api.rss_mb
    pad = "x" * 50_000
    with httpx.Client(base_url=api.url, timeout=10) as c:
        for i in range(2000):
            with contextlib.suppress(httpx.HTTPError):
                c.get("/v1/version", headers={"X-Forwarded-For": f"{pad}{i}"})
    grown = api.rss_mb - before
    rows.append(Row("5", "2.000 forskellige X-Forwarded-For på 50 KB", 2000, grown < 20,
                    f"RSS +{grown:.0f} MB"))
    time.sleep(61)
    spoof = "Mette Hansen 0707614005 " + "y" * 200
    r = httpx.post(f"{api.url}/v1/ask", headers={"X-Forwarded-For": spoof}, timeout=30,
                   json={"question": "Kan vi betale AMU?"})
    stored = _stored_clients(api.db)
    bad = [c for c in stored if "Mette" in c or "0707614005" in c or len(c) > 64]
    rows.append(Row("5", "navn og CPR i X-Forwarded-For gemt som klient", 1,
                    r.status_code == 200 and not bad,
                    f"{r.status_code}; gemt: {[c[:40] for c in stored][:3]}"))
    return rows


def _stored_clients(db: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(db)) as con:
        return [r[0] for r in con.execute("SELECT client FROM interactions")]


def open_mode_everywhere(tmp: Path, data_dir: Path) -> Row:
    addresses = [a for a in subprocess.run(["hostname", "-I"], capture_output=True,
                                           text=True).stdout.split() if ":" not in a]
    if not addresses:
        return Row("6", "åben tilstand via uvicorn --factory --host 0.0.0.0", 0, None,
                   "ingen ikke-loopback-adresse på maskinen")
    api = start(tmp, data_dir, [sys.executable, "-m", "uvicorn", "--factory",
                                "assistant.api.app:app_factory", "--host", "0.0.0.0",
                                "--port", "{port}"], PULJE_API_KEYS="")
    try:
        url = api.url.replace("127.0.0.1", addresses[0])
        r = httpx.get(f"{url}/v1/version", timeout=10)
        return Row("6", f"åben tilstand via uvicorn --factory --host 0.0.0.0, kaldt på "
                        f"{addresses[0]}", 1, r.status_code in (403, 421, 400),
                   f"status {r.status_code}")
    finally:
        stop(api)


def host_header(api: Api) -> Row:
    r = httpx.get(f"{api.url}/v1/documents/", headers={"Host": "evil.example", "X-API-Key": KEY},
                  timeout=10, follow_redirects=False)
    location = r.headers.get("location", "")
    return Row("6", "Host: evil.example og skråstreg-omdirigering", 1,
               "evil.example" not in location and r.status_code >= 400,
               f"status {r.status_code} {location}")


class StalledLLM:
    """Accepts connections and never answers; counts them."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(512)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.held: list[socket.socket] = []
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self.held.append(conn)


def readyz_llm(tmp: Path, data_dir: Path) -> Row:
    llm = StalledLLM()
    api = start(tmp, data_dir, PULJE_API_KEYS=f"a:{KEY}",
                PULJE_LLM_BASE_URL=f"http://127.0.0.1:{llm.port}/v1", PULJE_LLM_API_KEY="sk-x")
    try:
        base = llm.connections

        def probe(_: int) -> int:
            with contextlib.suppress(httpx.HTTPError):
                return httpx.get(f"{api.url}/readyz", timeout=30).status_code
            return 0

        lat: list[float] = []

        def other() -> None:
            for _ in range(20):
                t0 = time.monotonic()
                with contextlib.suppress(httpx.HTTPError):
                    httpx.get(f"{api.url}/v1/version", headers={"X-API-Key": KEY}, timeout=30)
                lat.append((time.monotonic() - t0) * 1000)
                time.sleep(0.05)

        t = threading.Thread(target=other)
        with cf.ThreadPoolExecutor(60) as pool:
            t.start()
            list(pool.map(probe, range(60)))
        t.join()
        calls = llm.connections - base
        return Row("7", "60 samtidige /readyz mod en LLM der ikke svarer", 60, calls <= 2,
                   f"{calls} kald til LLM'en; andre ruter p95 "
                   f"{statistics.quantiles(lat, n=20)[18]:.0f} ms")
    finally:
        stop(api)
        llm.sock.close()


def scrambled_vectors(tmp: Path, data_dir: Path, clean: Api) -> Row:
    import chromadb
    import numpy as np

    copy = tmp / "data"
    shutil.copytree(data_dir, copy)
    from assistant.retrieval.index import _chroma_settings

    cols: list[Any] = []
    for store in (copy / "index").glob("*/build-*"):
        client = chromadb.PersistentClient(path=str(store), settings=_chroma_settings())
        cols += client.list_collections()
    for col in cols:
        got = col.get(include=["embeddings"])
        rng = np.random.default_rng(1)
        vecs = rng.standard_normal((len(got["ids"]), len(got["embeddings"][0])))
        col.update(ids=got["ids"], embeddings=vecs.tolist())
    del client
    questions = ["Hvad bruger København puljen til?", "Hvad mener FOA om puljen?",
                 "Hvordan fordeles midlerne mellem kommunerne?", "Hvad er formålet med puljen?",
                 "Hvem har udarbejdet vejledningen?", "Hvad er kompetencefonden?",
                 "Hvilke erfaringer har kommunerne med kurser?", "Hvad står der om ledere?"]

    def cites(api: Api) -> list[list[str]]:
        out = []
        for q in questions:
            r = httpx.post(f"{api.url}/v1/ask", headers={"X-API-Key": KEY}, timeout=60,
                           json={"question": q})
            out.append([c["passage_id"] for c in r.json().get("citations", [])])
        return out

    api = start(tmp / "s", copy, PULJE_API_KEYS=f"a:{KEY}")
    try:
        ready = httpx.get(f"{api.url}/readyz", timeout=30).status_code
        changed = sum(a != b for a, b in zip(cites(clean), cites(api), strict=True))
    finally:
        stop(api)
    return Row("8", "tilfældige vektorer skrevet i indekset", len(cols) or 1, changed == 0,
               f"/readyz {ready}; {changed} af {len(questions)} svar ændret")


def starvation(api: Api) -> Row:
    h = {"X-API-Key": KEY}

    def p95(n: int = 40) -> float:
        lat = []
        with httpx.Client(base_url=api.url, timeout=60) as c:
            for i in range(n):
                t0 = time.monotonic()
                c.post("/v1/ask", headers=h, json={"question": f"Kan vi betale AMU nr. {i}?"})
                lat.append((time.monotonic() - t0) * 1000)
        return statistics.quantiles(lat, n=20)[18]

    p95(10)  # warm: the first questions load what later ones reuse
    alone = p95()
    halt = threading.Event()

    def streamer() -> None:
        with httpx.Client(base_url=api.url, timeout=60) as c:
            i = 0
            while not halt.is_set():
                i += 1
                with contextlib.suppress(httpx.HTTPError):
                    c.post("/v1/ask/stream", headers=h,
                           json={"question": f"Hvad bruger København puljen til ({i})?"})

    threads = [threading.Thread(target=streamer) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(1)
    beside = p95()
    halt.set()
    for t in threads:
        t.join()
    return Row("9", "/v1/ask ved siden af 8 stream-klienter", 40, beside < 4 * alone + 100,
               f"p95 {alone:.0f} ms alene → {beside:.0f} ms")


def plan_category(api: Api) -> Row:
    body = {"grant_dkk": 2_400_000, "as_of": "2026-03-01", "items": [
        {"description": "Masteruddannelse i ledelse", "category": "amu", "amount_dkk": 100_000}]}
    r = httpx.post(f"{api.url}/v1/plans/check", headers={"X-API-Key": KEY}, json=body, timeout=30)
    got = r.json()["items"][0]["verdict"] if r.status_code == 200 else r.status_code
    return Row("10", "plan: masteruddannelse med kategori amu", 1, got == "no", f"{got}")


def personal_data(api: Api) -> Row:
    h = {"X-API-Key": KEY}
    leaks = []
    for question, personal in PERSONAL:
        r = httpx.post(f"{api.url}/v1/ask", headers=h, json={"question": question}, timeout=30)
        if r.status_code != 200:
            leaks.append(f"{question[:20]}: {r.status_code}")
            continue
        httpx.post(f"{api.url}/v1/feedback", headers=h, timeout=30, json={
            "answer_id": r.json()["id"], "rating": "down", "comment": question})
        with contextlib.closing(sqlite3.connect(api.db)) as con:
            stored = con.execute("SELECT i.question, i.resolved_question, f.comment FROM "
                                 "interactions i JOIN feedback f ON f.answer_id = i.id "
                                 "WHERE i.id = ?", (r.json()["id"],)).fetchone()
        text = " | ".join(stored or ("(intet gemt)",))
        if any(p in text for p in personal):
            leaks.append(text.split(" | ")[0])
    return Row("11", "personoplysninger i spørgsmål og feedback", len(PERSONAL), not leaks,
               f"{len(leaks)} lækket: " + "; ".join(leaks[:4]) if leaks else "alle fjernet")


def schema_laxness(api: Api) -> Row:
    h = {"X-API-Key": KEY}
    item = {"description": "PAU", "amount_dkk": 100}
    cases = {
        "as_of 0": ("/v1/ask", {"question": MASTER, "as_of": 0}),
        "beløb true": ("/v1/plans/check", {"grant_dkk": 100000, "items": [
            {**item, "amount_dkk": True}]}),
        'beløb "100"': ("/v1/plans/check", {"grant_dkk": 100000, "items": [
            {**item, "amount_dkk": "100"}]}),
        "tilskud true": ("/v1/plans/check", {"grant_dkk": True, "items": [item]}),
    }
    loose = []
    for name, (path, body) in cases.items():
        if httpx.post(f"{api.url}{path}", headers=h, json=body, timeout=30).status_code != 422:
            loose.append(name)
    r = httpx.post(f"{api.url}/v1/ask", headers=h, timeout=30, json={
        "question": MASTER, "history": [{"role": "user", "content": "a" * 2100}]})
    limit = httpx.get(f"{api.url}/openapi.json", timeout=10).json()["components"]["schemas"][
        "Message"]["properties"]["content"].get("maxLength")
    if r.status_code != 422 or "Spørgsmålet" in r.text or limit != 2000:
        loose.append(f"history 2.100 tegn: {r.status_code}, skemaets grænse {limit}")
    return Row("12", "løst skema (as_of 0, beløb som true/\"100\", historikkens grænse)",
               len(cases) + 1, not loose, "; ".join(loose) or "alle afvist med 422")


def plan_file(api: Api) -> Row:
    from ui.plan_file import read_plan_file
    from ui.plan_view import result_csv

    problems = []
    for name, data in {"tom.csv": b"", "kun-header.csv": b"Aktivitet;Bel\xc3\xb8b\n",
                       "binaer.csv": bytes(range(256)), "falsk.xlsx": b"ikke excel"}.items():
        try:
            read_plan_file(name, data)
        except ValueError:
            pass  # the page shows a ValueError's message
        except Exception as exc:
            problems.append(f"{name}: {type(exc).__name__}")
    body = {"grant_dkk": 2_400_000, "as_of": "2026-03-01", "items": [
        {"description": '=HYPERLINK("http://evil.example","PAU")', "amount_dkk": 100_000},
        {"description": "@SUM(1+1) PAU", "amount_dkk": 100_000}]}
    r = httpx.post(f"{api.url}/v1/plans/check", headers={"X-API-Key": KEY}, json=body, timeout=30)
    if r.status_code == 200:
        cells = [c for line in result_csv(r.json(), "da").decode("utf-8-sig").splitlines()
                 for c in line.split(";")]
        if any(c.lstrip('"').startswith(("=", "@", "+", "-")) for c in cells):
            problems.append("formel i CSV'en")
    return Row("13", "planfil: tom/ødelagt fil og formelceller", 6, not problems,
               "; ".join(problems) or "danske fejl, formler neutraliseret")


def run(skip_vectors: bool) -> list[Row]:
    data_dir = get_settings().data_dir
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="pulje-attack-") as t:
        tmp = Path(t)
        main = start(tmp / "main", data_dir, PULJE_API_KEYS=f"a:{KEY}",
                     PULJE_RATE_LIMIT_PER_MINUTE="100000")
        open_ = start(tmp / "open", data_dir, PULJE_API_KEYS="", PULJE_RATE_LIMIT_PER_MINUTE="20")
        try:
            steps: list[Callable[[], Row | list[Row]]] = [
                lambda: stream_history(main), lambda: huge_headers(main),
                lambda: slow_clients(main), lambda: bad_bodies(main),
                lambda: lookalikes(main), lambda: forwarded(open_, 200),
                lambda: open_mode_everywhere(tmp / "wide", data_dir),
                lambda: host_header(main), lambda: readyz_llm(tmp / "llm", data_dir),
                lambda: starvation(main), lambda: plan_category(main),
                lambda: personal_data(main), lambda: schema_laxness(main),
                lambda: plan_file(main)]
            if not skip_vectors:
                steps.append(lambda: scrambled_vectors(tmp / "vec", data_dir, main))
            steps.append(lambda: key_guessing(main))  # last: it may lock out this address
            for step in steps:
                try:
                    got = step()
                except Exception as exc:  # an attack that breaks the harness is reported
                    got = Row("?", getattr(step, "__name__", "trin"), 0, False,
                              f"{type(exc).__name__}: {exc}"[:200])
                for row in got if isinstance(got, list) else [got]:
                    rows.append(row)
                    print(f"{row.point:>3} {row.attack[:60]:<60} {row.attempts:>5} "
                          f"{_held(row.held):<8} {row.seen}", flush=True)
        finally:
            stop(main)
            stop(open_)
    return rows


def _held(held: bool | None) -> str:
    return {True: "holdt", False: "IKKE", None: "–"}[held]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.attack", description=__doc__)
    parser.add_argument("--json", type=Path, help="skriv rækkerne som JSON hertil")
    parser.add_argument("--skip-vectors", action="store_true",
                        help="spring angrebet på vektorerne over (det genopbygger indekset)")
    args = parser.parse_args(argv)
    print(f"{'#':>3} {'angreb':<60} {'forsøg':>5} {'resultat':<8} set")
    rows = run(args.skip_vectors)
    held = sum(r.held is True for r in rows)
    print(f"\n{held} af {len(rows)} angreb holdt")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
