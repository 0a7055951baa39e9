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
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, Table, text

from assistant.answering.composition import Answer
from assistant.common.config import Settings
from assistant.retrieval.index import SearchIndex
from assistant.service import Assistant
from assistant.storage.redact import REDACTION_LABELS
from assistant.storage.store import TRUNCATED, Store, StoreError, feedback, fit, interactions
from tests.servers import free_port

# Left out of the fast loop (-m "not slow"): the real index (e5) behind the app.
pytestmark = pytest.mark.slow


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


# --- issue 14: personal data and column lengths ------------------------------------------

# Each form that was stored unredacted (point 11), with the parts that must not be kept.
FORMS = [
    ("jeg hedder mette hansen", ["mette", "hansen"]),
    ("Mit navn er MADS JENSEN", ["MADS", "JENSEN"]),
    ("Min kollega, Mette Hansen,", ["Mette", "Hansen"]),
    ("Vores pædagog Mette Hansen", ["Mette", "Hansen"]),
    ("Medhjælperen Fatima Al-Hassan", ["Fatima", "Hassan"]),
    ("Mette Hansen vil tage PAU.", ["Mette", "Hansen"]),
    ("Medarbejder: Anne Marie Kofoed Bjerregaard", ["Anne", "Marie", "Kofoed", "Bjerregaard"]),
    ("Ring på 12.34.56.78", ["12.34.56.78"]),
    ("Ring på 12 345 678", ["345 678"]),
    ("Skriv til mette (at) kk.dk", ["mette", "kk.dk"]),
    ("Skriv til mette[at]kk.dk", ["mette", "kk.dk"]),
    ("Skriv til mette at kk dot dk", ["mette", "kk dot dk"]),
    ("CPR ０１０１９０-１２３４", ["０１０１９０", "１２３４"]),
]


@pytest.fixture(scope="module")
def answer(bot: Assistant) -> Answer:
    return bot.ask("Kan puljen betale PAU?", as_of=dt.date(2025, 9, 1))


@pytest.mark.parametrize(("form", "secrets"), FORMS, ids=[f for f, _ in FORMS])
def test_every_reproduced_form_is_stored_redacted(
        tmp_path: Path, answer: Answer, form: str, secrets: list[str]) -> None:
    store = Store(f"sqlite:///{tmp_path / 'pulje.sqlite3'}")
    asked = answer.model_copy(update={
        "question": f"{form} Kan puljen betale PAU?",
        "resolved_question": f"Kan puljen betale PAU? ({form})"})
    store.record_answer(asked, "intranet")
    store.record_feedback(asked.id, "down", f"Svaret passer ikke. {form}", "intranet")
    with store.engine.connect() as conn:  # what is really on disk
        question, resolved = conn.execute(
            text("SELECT question, resolved_question FROM interactions")).one()
        comment, = conn.execute(text("SELECT comment FROM feedback")).one()
    assert "Kan puljen betale PAU?" in question and "Kan puljen betale PAU?" in resolved
    assert comment.startswith("Svaret passer ikke.")
    for stored in (question, resolved, comment):
        assert any(label in stored for label in REDACTION_LABELS), stored
        for secret in secrets:
            assert secret not in stored, (form, stored)


JUNK_CLIENT = "open:Mette Hansen 0707614005 mette@kk.dk " + "x" * 500


@pytest.mark.parametrize(("client", "stored"), [
    (JUNK_CLIENT, "open:[FJERNET]"),
    ("open:203.0.113.7", "open:203.0.113.7"),
    ("open:2001:db8::1, 10.0.0.1", "open:2001:db8::1, 10.0.0.1"),
    ("intranet", "intranet"),
    ("open", "open"),
    ("0707614005", "[FJERNET]"),
    ("Mette Hansen:10.0.0.1", "[FJERNET]:10.0.0.1"),
])
def test_client_is_kept_only_as_a_key_name_or_an_address(
        url: str, answer: Answer, client: str, stored: str) -> None:
    store = Store(url)
    store.record_answer(answer, client)
    store.record_feedback(answer.id, "up", "", client)
    with store.engine.connect() as conn:
        on_disk = [conn.execute(text(f"SELECT client FROM {t}")).scalar_one()
                   for t in ("interactions", "feedback")]
    assert on_disk == [stored, stored]
    assert all(len(c) <= 64 for c in on_disk)


def _string_columns(table: Table) -> dict[str, int]:
    return {c.name: c.type.length for c in table.columns
            if isinstance(c.type, String) and c.type.length is not None}


LONG = st.text(max_size=400) | st.text(st.sampled_from("aæ1 ,:.-@\x00"), min_size=60,
                                       max_size=2000)


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(id_tail=LONG, client=LONG, verdict=LONG, lang=LONG, rating=LONG, comment=LONG)
@example(id_tail="x" * 100, client=JUNK_CLIENT, verdict="v" * 17, lang="dan", rating="fine",
         comment="\ud800 lone surrogate and \x00 NUL")
def test_no_stored_string_is_longer_than_its_column(
        url: str, answer: Answer, id_tail: str, client: str, verdict: str, lang: str,
        rating: str, comment: str) -> None:
    """On PostgreSQL a longer value is refused (the row would be lost), on SQLite kept
    whole; both now store it cut to its column with a marker."""
    store = Store(url)
    asked = answer.model_copy(update={"id": uuid.uuid4().hex + id_tail, "verdict": verdict,
                                      "lang": lang})
    store.record_answer(asked, client)
    store.record_feedback(asked.id, rating, comment, client)
    assert store.has_answer(asked.id)
    for name, table in (("interactions", interactions), ("feedback", feedback)):
        lengths = _string_columns(table)
        for row in store.rows(name):
            for column, length in lengths.items():
                assert len(row[column]) <= length, (name, column, row[column])
    store.close()


def test_fit_marks_what_it_cuts() -> None:
    row = fit(interactions, {"client": "k" * 100, "verdict": "yes", "question": "q" * 10_000})
    assert row["client"] == "k" * 63 + TRUNCATED
    assert row["verdict"] == "yes"
    assert row["question"] == "q" * 10_000  # Text has no length
