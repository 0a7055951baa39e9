"""``/v1/ask/stream``'s answer as server-sent events (sse-starlette); the routes, by POST
(with the conversation) or by GET (for the browser's ``EventSource``), are in
:mod:`assistant.api.routes.ask`.

Events, each with an ``id`` (1, 2, 3 …) and JSON ``data``:

``delta``     ``{"text": "…"}`` – text to append to what is shown. With an LLM these are
              the model's tokens as they arrive, *before* the whole text is checked.
``replace``   ``{"text": "…", "reason": "…"}`` – the LLM's text failed the checks (or the
              model broke off): replace everything shown so far with ``text``, the
              deterministic answer. Only ever after ``delta`` events from the model.
``citations`` the list of citations, as in ``/v1/ask``.
``answer``    the whole answer, as from ``/v1/ask``; its ``answer`` field is the final
              text. The last event: the server then closes the stream.
``error``     a problem document (``status``, ``detail``, ``reference``) if the answer
              failed after the stream had begun; the last event.

A comment line (``: ping``) is sent every ``PULJE_STREAM_PING_S`` seconds so proxies do
not close a quiet stream. Everything that can be refused (key, rate limit, body, question,
history) is checked, and the deterministic answer computed, before the response starts, so
those failures are ordinary problem responses. When the client goes away the stream stops:
no further token is read from the model, its connection is closed, and the answer is not
recorded.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from assistant.answering.composition import Answer
from assistant.api.deps import AnswerPool
from assistant.api.observability import Metrics
from assistant.api.schemas import PROBLEMS
from assistant.common.config import Settings
from assistant.common.errors import PuljeError
from assistant.common.input_text import clean_question
from assistant.service import Assistant
from assistant.storage.store import Store

log = logging.getLogger("assistant.api")

SEP = "\n"  # LF only: what ui/client.py and simple line readers expect
_END = object()

EVENTS_DOC = (
    "Hændelser (hver med `id` og JSON i `data`): `delta` `{\"text\"}` – tekst, der lægges "
    "til; med en LLM er det modellens tokens, efterhånden som de kommer, før teksten er "
    "tjekket. `replace` `{\"text\", \"reason\"}` – LLM-teksten bestod ikke tjekket: erstat "
    "alt vist med `text` (det regelbaserede svar). `citations` – kilderne. `answer` – hele "
    "svaret som fra /v1/ask (dets `answer` er den endelige tekst); sidste hændelse. `error` "
    "– et problem-dokument, hvis svaret fejlede, efter strømmen var begyndt. Kommentaren "
    "`: ping` holder forbindelsen i live.")
STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {"example": (
        'id: 1\nevent: delta\ndata: {"text": "Nej. "}\n\n'
        'id: 2\nevent: delta\ndata: {"text": "Puljens midler kan ikke bruges på '
        'masteruddannelser … [1]"}\n\n: ping\n\n'
        'id: 3\nevent: citations\ndata: [{"n": 1, …}]\n\n'
        'id: 4\nevent: answer\ndata: {"id": "…", "verdict": "no", …}\n\n')}},
        "description": EVENTS_DOC},
    **PROBLEMS}


async def open_stream(request: Request, bot: Assistant, client: str, question: str,
                      history: Sequence[dict[str, str]], as_of: dt.date | None,
                      lang: str | None, *, pool: AnswerPool, settings: Settings,
                      metrics: Metrics, store: Store) -> Response:
    """Check everything and compute the deterministic answer, then start the stream."""
    limit = bot.settings.max_question_chars
    clean_question(question, limit)
    for message in history:  # as Assistant.ask reads them: blank ones are skipped
        if str(message.get("content", "")).strip():
            clean_question(message["content"], limit)
    events = await pool.run(lambda: bot.stream(question, history, as_of=as_of, lang=lang))
    return EventSourceResponse(
        _sse(request, events, client, pool, metrics, store), ping=settings.stream_ping_s,
        sep=SEP, ping_message_factory=lambda: ServerSentEvent(comment="ping", sep=SEP),
        headers={"Cache-Control": "no-store"})


async def _sse(request: Request, events: Iterator[tuple[str, Any]], client: str,
               pool: AnswerPool, metrics: Metrics, store: Store
               ) -> AsyncIterator[ServerSentEvent]:
    """The events, read from the assistant by one job in the answer queue (as /v1/ask's
    answer is computed by one), so that a stream waits its turn once instead of queueing
    again for every word; when the client goes away the job reads no further event and
    closes the assistant's iterator (and with it the model's connection)."""
    executor = pool.executor
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    gone = threading.Event()
    completed = False
    n = 0

    def event(name: str, data: Any) -> ServerSentEvent:
        nonlocal n
        n += 1
        return ServerSentEvent(json.dumps(data, ensure_ascii=False, default=str),
                               event=name, id=str(n), sep=SEP)

    def hand_over(item: Any) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, item)
        except RuntimeError:  # the event loop has closed: nobody is reading
            gone.set()

    def read_all() -> None:
        try:
            while not gone.is_set():
                item = next(events, _END)
                hand_over(item)
                if item is _END:
                    break
        except Exception as exc:
            hand_over(_Failed(exc))
        finally:
            _close(events)

    metrics.streams.inc()
    executor.submit(read_all)
    try:
        while True:
            item = await queue.get()
            if item is _END:
                break
            if isinstance(item, _Failed):
                raise item.error
            kind, value = item
            if kind == "delta":
                yield event("delta", {"text": value})
            elif kind == "replace":
                yield event("replace", value)
            else:
                answer: Answer = value
                await loop.run_in_executor(executor, store.record_answer, answer, client)
                metrics.observe_answer(answer)
                yield event("citations", [c.model_dump() for c in answer.citations])
                yield event("answer", answer.model_dump(mode="json"))
        completed = True
    except Exception as exc:  # after the headers: the last event says what went wrong
        ref = getattr(request.state, "request_id", "")
        unavailable = isinstance(exc, PuljeError)
        log.exception("fejl i strøm %s på %s", ref, request.url.path)
        completed = True
        yield event("error", {
            "type": "tag:puljeassistenten,2026:problem:" + (
                "unavailable" if unavailable else "internal"),
            "title": "Tjenesten er ikke klar" if unavailable else "Intern fejl",
            "status": 503 if unavailable else 500, "reference": ref,
            "detail": "Svaret kunne ikke gøres færdigt; prøv igen om lidt. Oplys referencen "
                      f"{ref}, hvis du kontakter support."})
    finally:
        metrics.streams.dec()
        if not completed:
            metrics.stream_disconnects.inc()
        # The reading job stops at its next event (at once, or when the model's token in
        # flight arrives) and closes the iterator itself: no further read is made.
        gone.set()


class _Failed:
    """An exception raised while reading the events, handed over to the stream."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _close(events: Iterator[Any]) -> None:
    close = getattr(events, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # pragma: no cover - closing must not raise into a callback
            log.exception("kunne ikke lukke svarstrømmen")
