"""The store on both backends: SQLite (default) and a real PostgreSQL server on loopback.

``.ci/run`` installs PostgreSQL when it is missing; the fixture starts a throwaway
cluster (initdb + pg_ctl) on a free port and removes it afterwards.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from assistant.config import Settings
from assistant.index import SearchIndex
from assistant.service import Assistant
from assistant.store import Store, StoreError
from tests.servers import free_port


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL mangler; .ci/run skal installere det")
        pytest.skip("PostgreSQL er ikke installeret (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="pulje-pg-", dir="/tmp"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        shutil.chown(root, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", free_port()

    def run(*cmd: str) -> None:
        subprocess.run([*as_postgres, *cmd], check=True, capture_output=True, timeout=120)

    run(str(bindir / "initdb"), "-D", str(data), "-U", "pulje", "--auth=trust", "-E", "UTF8")
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o",
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=on", "start")
    try:
        run(str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "pulje", "pulje")
        yield f"postgresql+psycopg://pulje@127.0.0.1:{port}/pulje"
    finally:
        subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast",
                        "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'pulje.sqlite3'}"
    pg: str = request.getfixturevalue("postgres_url")
    store = Store(pg)
    with store.engine.begin() as conn:  # each test starts empty
        conn.execute(text("TRUNCATE feedback, interactions"))
    store.close()
    return pg


@pytest.fixture(scope="module")
def bot(settings: Settings, index: SearchIndex) -> Assistant:
    return Assistant(settings, index)


def test_answers_and_feedback_are_kept_redacted(url: str, bot: Assistant) -> None:
    store = Store(url)
    answer = bot.ask("Medarbejderen Anne-Marie Jensen (0101901234, anne@kk.dk, +45 12 34 56 "
                     "78) vil tage PAU. Kan puljen betale?", as_of=dt.date(2025, 9, 1))
    store.record_answer(answer, "intranet")
    fid = store.record_feedback(answer.id, "up", "Ring på 87654321, jeg hedder Bo", "intranet")
    with store.engine.connect() as conn:  # what is really on disk
        question, = conn.execute(text("SELECT question FROM interactions")).one()
        comment, = conn.execute(text("SELECT comment FROM feedback")).one()
    for secret in ("Anne-Marie", "Jensen", "0101901234", "anne@kk.dk", "12 34 56 78"):
        assert secret not in question
    assert "PAU" in question and "[CPR]" in question and "[EMAIL]" in question
    assert "87654321" not in comment and "Bo" not in comment
    assert store.has_answer(answer.id) and not store.has_answer("nope")
    assert store.feedback_ids() == {fid}
    assert store.ping()


def test_concurrent_writers_lose_nothing(url: str, bot: Assistant) -> None:
    store = Store(url)
    answer = bot.ask("Kan vi betale vikarer?", as_of=dt.date(2025, 9, 1))
    store.record_answer(answer, "t")
    ids: list[int] = []
    lock = threading.Lock()

    def write() -> None:
        for _ in range(25):
            fid = store.record_feedback(answer.id, "down", "", "t")
            with lock:
                ids.append(fid)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 200 and store.feedback_ids() == set(ids)


def test_retention_by_a_fixed_clock(url: str, bot: Assistant) -> None:
    now = [dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)]
    store = Store(url, clock=lambda: now[0])
    old = bot.ask("Kan vi finansiere AMU?", as_of=dt.date(2026, 5, 1))
    store.record_answer(old, "t")
    store.record_feedback(old.id, "up", "", "t")
    now[0] += dt.timedelta(days=30)
    new = bot.ask("Kan vi betale revision?", as_of=dt.date(2026, 5, 31))
    store.record_answer(new, "t")
    store.record_feedback(new.id, "up", "", "t")
    now[0] += dt.timedelta(days=10)  # old: 40 days, new: 10 days
    assert store.purge(40) == {"interactions": 0, "feedback": 0}  # exactly 40 days: kept
    now[0] += dt.timedelta(seconds=1)
    assert store.purge(40) == {"interactions": 1, "feedback": 1}
    assert store.counts() == {"interactions": 1, "feedback": 1}
    with pytest.raises(StoreError):
        store.purge(0)


def test_purge_command_uses_the_configured_store(tmp_path: Path, bot: Assistant) -> None:
    from assistant.cli import main

    db = tmp_path / "p.sqlite3"
    store = Store(f"sqlite:///{db}",
                  clock=lambda: dt.datetime.now(dt.UTC) - dt.timedelta(days=400))
    store.record_answer(bot.ask("Kan vi finansiere AMU?"), "t")
    os.environ["PULJE_DATABASE_URL"] = f"sqlite:///{db}"
    try:
        assert main(["store", "purge", "--days", "365"]) == 0
    finally:
        del os.environ["PULJE_DATABASE_URL"]
    assert Store(f"sqlite:///{db}").counts()["interactions"] == 0


def test_an_unreachable_database_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="Databasen kan ikke åbnes") as info:
        Store(f"postgresql+psycopg://pulje:hemmeligt@127.0.0.1:{free_port()}/pulje")
    assert "hemmeligt" not in str(info.value)
