"""The checks behind ``/readyz``, cheap enough to run on every probe.

Probes are unauthenticated and come often (every few seconds, from every replica's
orchestrator), so none of them may cost a call to the LLM or a re-read of the corpus: the
LLM endpoint is asked at most once per TTL, by one request that concurrent probes share;
the corpus is fingerprinted once at start-up (or taken from the index, when the app loaded
it) and re-chunked only when a file's size or modification time has changed; the stored
vectors are read at most once per ``VECTORS_TTL_S`` for the same build digest.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from pathlib import Path
from typing import Literal

import httpx
from fastapi.concurrency import run_in_threadpool

from assistant.api.schemas import Health
from assistant.common.config import Settings
from assistant.corpus.documents import load_corpus
from assistant.corpus.passages import chunk_corpus, corpus_fingerprint
from assistant.retrieval.index import SearchIndex
from assistant.service import Assistant
from assistant.storage.store import Store

# A write to a Chroma server behind the API's back shows within this many seconds; an
# orchestrator probing every 10 s and failing after 3 probes reacts in the same time.
VECTORS_TTL_S = 30.0
Signature = tuple[tuple[str, int, int], ...]


class LlmHealth:
    """Whether the LLM endpoint answers (GET {base}/models), checked at most once per
    ``ttl_s``; a probe meanwhile gets the last result, and the first probes wait for the
    one check in flight, not each for one of their own."""

    def __init__(self, base_url: str, api_key: str, ttl_s: float, timeout_s: float) -> None:
        self.url = base_url.rstrip("/") + "/models"
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.ttl_s, self.timeout_s = ttl_s, timeout_s
        self._result: str | None = None
        self._checked = 0.0
        self._task: asyncio.Task[str] | None = None

    async def status(self) -> str:
        fresh = self._result is not None and time.monotonic() - self._checked < self.ttl_s
        if fresh and self._result is not None:
            return self._result
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._check())
        if self._result is not None:
            return self._result  # stale while the new check runs
        # shield: a probe that gives up does not cancel the check the others wait for
        return await asyncio.shield(self._task)

    async def _check(self) -> str:
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s) as client:
                r = await client.get(self.url, headers=self.headers)
            result = "ok" if r.status_code < 500 else f"svarer med {r.status_code}"
        except httpx.HTTPError as exc:
            result = f"kan ikke nås ({type(exc).__name__})"
        self._result, self._checked = result, time.monotonic()
        return result


class CorpusFingerprint:
    """The corpus's fingerprint (as the index records it), recomputed only when a file's
    size or modification time in the corpus directory has changed."""

    def __init__(self, corpus_dir: Path) -> None:
        self.corpus_dir = corpus_dir
        self._seen: Signature | None = None
        self._value = ""
        self._lock = threading.Lock()

    def current(self) -> str:
        with self._lock:
            seen = self.signature()
            if seen != self._seen:
                self._value = corpus_fingerprint(chunk_corpus(load_corpus(self.corpus_dir)))
                self._seen = seen
            return self._value

    def known(self, before: Signature, fingerprint: str) -> None:
        """The fingerprint of the corpus read when its files had the signature ``before``
        (taken before reading): kept, unless a file has changed since."""
        with self._lock:
            if self.signature() == before:
                self._seen, self._value = before, fingerprint

    def signature(self) -> Signature:
        """Every file's path, modification time and size: a few ``stat`` calls."""
        out = []
        for path in sorted(self.corpus_dir.rglob("*")):
            if path.is_file():
                st = path.stat()
                out.append((str(path.relative_to(self.corpus_dir)), st.st_mtime_ns, st.st_size))
        return tuple(out)


class VectorsCheck:
    """``index.vectors_intact()`` (a read of every stored vector and a sha256), at most
    once per ``ttl_s`` for the same index and build digest; concurrent probes share the
    read in flight."""

    def __init__(self, ttl_s: float = VECTORS_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._key: tuple[int, str] | None = None
        self._intact = False
        self._checked = 0.0
        self._lock = threading.Lock()

    def intact(self, index: SearchIndex) -> bool:
        key = (id(index), index.vectors_sha256)
        with self._lock:
            if key != self._key or time.monotonic() - self._checked >= self.ttl_s:
                self._intact = index.vectors_intact()
                self._key, self._checked = key, time.monotonic()
            return self._intact

    def known(self, index: SearchIndex) -> None:
        """The index has just been loaded, which compares the stored vectors with their
        digest: no need to read them again at the first probe."""
        with self._lock:
            self._key, self._intact = (id(index), index.vectors_sha256), True
            self._checked = time.monotonic()


class Readiness:
    """What ``/readyz`` reports: the index matches the corpus and its vectors, the store
    can be written, and (if configured) the LLM answers."""

    def __init__(self, settings: Settings) -> None:
        self.corpus = CorpusFingerprint(settings.corpus_dir)
        self.vectors = VectorsCheck()
        self.llm = llm_health(settings)

    def load(self, settings: Settings) -> Assistant:
        """The assistant, loading the index; the corpus's fingerprint and the vectors'
        check are taken from that load, so that no probe repeats them."""
        before = self.corpus.signature()
        bot = Assistant(settings)
        self.corpus.known(before, bot.index.corpus_hash)
        self.vectors.known(bot.index)
        return bot

    def prime(self) -> None:
        """Fingerprint the corpus now (unless loading the index did), not at the first
        probe; a corpus that cannot be read is left for the probes to report."""
        with contextlib.suppress(Exception):  # reported by every probe until it is fixed
            self.corpus.current()

    def index_status(self, index: SearchIndex) -> str:
        """"ok", or why the index cannot be served (blocking: a few ``stat`` calls, and
        now and then a read of the vectors)."""
        try:
            current = self.corpus.current()
        except Exception as exc:  # a broken corpus directory is "not ready"
            return f"korpus kan ikke læses ({type(exc).__name__})"
        if current != index.corpus_hash:
            return "indekset svarer ikke til korpus"
        # A Chroma server can be written to while the API runs: the vectors must still be
        # those the index was built with.
        return "ok" if self.vectors.intact(index) else "vektorerne er ændret"

    async def probe(self, bot: Assistant | None, store: Store | None) -> Health:
        checks: dict[str, str] = {}
        if bot is None:
            checks["index"] = "ikke indlæst"
        else:
            checks["index"] = await run_in_threadpool(self.index_status, bot.index)
        writable = store is not None and await run_in_threadpool(store.ping)
        checks["store"] = "ok" if writable else "kan ikke skrive"
        ready = checks["index"] == "ok" and writable
        status: Literal["ready", "degraded", "unready"] = "ready" if ready else "unready"
        if self.llm is not None:
            checks["llm"] = await self.llm.status()
            if ready and checks["llm"] != "ok":
                status = "degraded"  # the deterministic answer still works
        else:
            checks["llm"] = "ikke konfigureret"
        return Health(status=status, checks=checks)


def llm_health(settings: Settings) -> LlmHealth | None:
    """The readiness probe's check of the configured LLM endpoint (none without one)."""
    if not settings.llm_base_url:
        return None
    return LlmHealth(settings.llm_base_url, settings.llm_api_key,
                     ttl_s=settings.llm_health_ttl_s, timeout_s=settings.llm_health_timeout_s)
