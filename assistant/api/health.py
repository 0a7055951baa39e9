"""The checks behind ``/readyz``, cheap enough to run on every probe.

Probes are unauthenticated and come often (every few seconds, from every replica's
orchestrator), so none of them may cost a call to the LLM or a re-read of the corpus: the
LLM endpoint is asked at most once per TTL, by one request that concurrent probes share,
and the corpus is re-chunked only when a file in its directory has changed.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx

from assistant.corpus.documents import load_corpus
from assistant.corpus.passages import chunk_corpus, corpus_fingerprint


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
        self._seen: tuple[tuple[str, int, int], ...] | None = None
        self._value = ""
        self._lock = threading.Lock()

    def current(self) -> str:
        with self._lock:
            seen = self._stat()
            if seen != self._seen:
                self._value = corpus_fingerprint(chunk_corpus(load_corpus(self.corpus_dir)))
                self._seen = seen
            return self._value

    def _stat(self) -> tuple[tuple[str, int, int], ...]:
        out = []
        for path in sorted(self.corpus_dir.rglob("*")):
            if path.is_file():
                st = path.stat()
                out.append((str(path.relative_to(self.corpus_dir)), st.st_mtime_ns, st.st_size))
        return tuple(out)
