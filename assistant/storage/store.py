"""What the API keeps: questions, answers, timings and feedback, with personal data removed.

SQLAlchemy Core over SQLite (WAL, busy timeout, full sync: an acknowledged row survives a
killed process) by default, or PostgreSQL by URL when several API replicas share it.
Everything a user typed is redacted (:func:`assistant.storage.redact.redact`) before it is
written, the client is kept only as a key name or an IP address (:func:`safe_client`), and
no string is ever longer than its column (:func:`fit`; the same on SQLite, which would keep
it, and PostgreSQL, which would refuse the row). Rows older than the retention period are
deleted by :meth:`Store.purge` (``pulje store purge``).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from assistant.answering.composition import Answer
from assistant.common.errors import PuljeError
from assistant.storage.redact import redact

metadata = MetaData()

interactions = Table(
    "interactions", metadata,
    Column("id", String(64), primary_key=True),  # the answer id
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("client", String(64), nullable=False),  # the API key's name, or "open"
    Column("question", Text, nullable=False),
    Column("resolved_question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("abstained", Boolean, nullable=False),
    Column("lang", String(2), nullable=False),
    Column("as_of", String(10), nullable=False),
    Column("citations", JSON, nullable=False),  # passage ids, in order
    Column("rules", JSON, nullable=False),  # rule names and verdicts
    Column("timings", JSON, nullable=False),
    Column("total_ms", Float, nullable=False),
)

feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("answer_id", String(64), ForeignKey("interactions.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("client", String(64), nullable=False),
    Column("rating", String(4), nullable=False),
    Column("comment", Text, nullable=False),
)


class StoreError(PuljeError):
    """The store cannot be reached or written."""


CLIENT_REDACTED = "[FJERNET]"
TRUNCATED = "…"
_KEY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
# NUL cannot be stored in PostgreSQL text, lone surrogates cannot be encoded as UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def safe_client(client: str) -> str:
    """The client as it may be stored: a key name, "open", IP addresses, nothing else.

    The API passes the key's name, or in open mode "open:" and the caller's address from
    X-Forwarded-For, which the caller writes itself and so may contain anything, personal
    data included. A part that is neither a plain name nor IP addresses becomes
    ``[FJERNET]``.

    >>> safe_client("open:203.0.113.7, 10.0.0.1")
    'open:203.0.113.7, 10.0.0.1'
    >>> safe_client("open:Mette Hansen 0707614005")
    'open:[FJERNET]'
    """
    if _addresses(client):
        return client
    name, sep, rest = client.partition(":")
    prefix = name if _is_key_name(name) else CLIENT_REDACTED
    if not sep:
        return prefix
    return f"{prefix}:{rest if _addresses(rest) else CLIENT_REDACTED}"


def _is_key_name(name: str) -> bool:
    return _KEY_NAME.fullmatch(name) is not None and redact(name) == name


def _addresses(text: str) -> bool:
    """Whether ``text`` is one or more IP addresses separated by commas."""
    parts = [p.strip() for p in text.split(",")]
    try:
        for p in parts:
            ipaddress.ip_address(p)
    except ValueError:
        return False
    return bool(parts)


def fit(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with every string storable and no longer than its column.

    A string cut short ends in "…" so that a reader sees it was cut; NUL and lone
    surrogates become U+FFFD.
    """
    out = dict(row)
    for name, value in row.items():
        if not isinstance(value, str):
            continue
        value = _UNSTORABLE.sub("\ufffd", value)
        length = getattr(table.c[name].type, "length", None)
        if length is not None and len(value) > length:
            value = value[: length - 1] + TRUNCATED if length > 1 else value[:length]
        out[name] = value
    return out


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Store:
    """One store per process; safe to use from several threads."""

    def __init__(self, url: str, clock: Any = _utcnow) -> None:
        self.url = url
        self.clock = clock
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        # SQLite has one writer at a time; threads that collide back off in sleeps of up
        # to 100 ms. Taking turns in the process instead keeps writes a few ms each.
        self._write_lock: AbstractContextManager[Any] = (
            threading.Lock() if self.dialect == "sqlite" else nullcontext())
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(
                url, connect_args={"timeout": 10, "check_same_thread": False})
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=8)
        try:
            metadata.create_all(self.engine)
        except SQLAlchemyError as e:
            raise StoreError(f"Databasen kan ikke åbnes ({self.safe_url}): "
                             f"{type(e.__cause__ or e).__name__}") from e

    @property
    def safe_url(self) -> str:
        """The URL without its password, for logs and errors."""
        return make_url(self.url).render_as_string(hide_password=True)

    def record_answer(self, answer: Answer, client: str) -> None:
        """Keep a question and its answer (redacted) with its timings."""
        row = {
            "id": answer.id, "created_at": self.clock(), "client": safe_client(client),
            "question": redact(answer.question),
            "resolved_question": redact(answer.resolved_question),
            "answer": redact(answer.answer), "verdict": answer.verdict,
            "abstained": answer.abstained, "lang": answer.lang,
            "as_of": answer.as_of.isoformat(),
            "citations": [c.passage_id for c in answer.citations],
            "rules": [{"rule": r.get("rule"), "verdict": r.get("verdict")} for r in answer.rules],
            "timings": answer.timings, "total_ms": float(answer.timings.get("total_ms", 0.0)),
        }
        self._write(insert(interactions).values(**fit(interactions, row)))

    def has_answer(self, answer_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(interactions.c.id).where(
                interactions.c.id == fit(interactions, {"id": answer_id})["id"])
            ).first() is not None

    def record_feedback(self, answer_id: str, rating: str, comment: str, client: str) -> int:
        """Keep a rating of an answer; returns the feedback's id once it is committed."""
        with self._begin() as conn:
            result = conn.execute(insert(feedback).values(**fit(feedback, {
                "answer_id": answer_id, "created_at": self.clock(),
                "client": safe_client(client), "rating": rating, "comment": redact(comment)})))
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def feedback_ids(self) -> set[int]:
        with self.engine.connect() as conn:
            return {int(r[0]) for r in conn.execute(select(feedback.c.id))}

    def rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of a table, oldest first (for inspection and tests)."""
        t = metadata.tables[table]
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(t).order_by(t.c.created_at))]

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {name: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
                    for name, t in metadata.tables.items()}

    def purge(self, days: int) -> dict[str, int]:
        """Delete everything older than ``days`` days (by the store's clock)."""
        if days < 1:
            raise StoreError(f"Opbevaringstiden skal være mindst 1 dag, ikke {days}.")
        cutoff = self.clock() - dt.timedelta(days=days)
        with self._begin() as conn:
            old = select(interactions.c.id).where(interactions.c.created_at < cutoff)
            n_feedback = conn.execute(delete(feedback).where(
                (feedback.c.created_at < cutoff) | feedback.c.answer_id.in_(old))).rowcount
            n_answers = conn.execute(delete(interactions).where(
                interactions.c.created_at < cutoff)).rowcount
        return {"interactions": n_answers, "feedback": n_feedback}

    def ping(self) -> bool:
        """Whether the store can be written (a transaction that writes, then rolls back)."""
        try:
            with self.engine.connect() as conn:
                trans = conn.begin()
                conn.execute(delete(feedback).where(feedback.c.id == -1))
                trans.rollback()
            return True
        except SQLAlchemyError:
            return False

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _begin(self) -> Iterator[Any]:
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    def _write(self, statement: Any) -> None:
        try:
            with self._begin() as conn:
                conn.execute(statement)
        except SQLAlchemyError as e:
            raise StoreError(f"Kunne ikke skrive til databasen: {type(e).__name__}") from e


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
