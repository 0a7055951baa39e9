"""Operations: a request id on every response, one access-log line per request, and
Prometheus metrics at ``/metrics``.

The access log replaces uvicorn's (which is switched off at start-up): one line per
request with the method, the route's template (``/v1/passages/{passage_id}``, never the
raw path or its query string, which may hold a question or a key), the status, the
duration and the request id. Nothing of the question, the body or the key is logged.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.datastructures import MutableHeaders
from starlette.responses import Response

from assistant.answering.composition import Answer

access_log = logging.getLogger("assistant.access")

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is kept if it is short and plain (it goes into logs and headers).
_SANE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$")
UNMATCHED = "(ukendt)"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]


def route_template(scope: Scope) -> str:
    """The matched route's template ("/v1/passages/{passage_id}"), never the raw path.

    FastAPI's own routes put themselves in the scope; Starlette's plain routes and mounts
    (/openapi.json, /docs, the docs' assets) leave only their endpoint, found among the
    app's routes.
    """
    path = getattr(scope.get("route"), "path", None)
    if path:
        return str(path)
    endpoint = scope.get("endpoint")
    if endpoint is not None:
        for r in getattr(scope.get("app"), "routes", ()):
            if endpoint in (getattr(r, "endpoint", None), getattr(r, "app", None)):
                return str(r.path)
    return UNMATCHED
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class Metrics:
    """The app's metrics, in a registry of its own (several apps may live in one test
    process). With several workers each process counts for itself."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("pulje_http_requests", "HTTP-forespørgsler",
                                ["method", "route", "status"], registry=r)
        self.latency = Histogram(
            "pulje_http_request_duration_seconds",
            "Svartid pr. rute (for strømme: til strømmen slutter)", ["route"], registry=r,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
        self.answers = Counter("pulje_answers", "Svar efter verdikt", ["verdict"], registry=r)
        self.abstentions = Counter("pulje_abstentions",
                                   "Svar, hvor materialet ikke besvarer spørgsmålet",
                                   registry=r)
        self.llm_used = Counter("pulje_llm_answers", "Svar, hvor LLM'ens tekst blev brugt",
                                registry=r)
        self.llm_fallbacks = Counter(
            "pulje_llm_fallbacks",
            "Svar, hvor LLM'ens tekst ikke blev brugt (unavailable: kunne ikke nås; "
            "rejected: faldt igennem tjekket)", ["cause"], registry=r)
        # The answer's own steps (assistant/service.py), from each answer's trace.
        self.step_latency = Histogram(
            "pulje_answer_step_duration_seconds",
            "Tid pr. trin i svarets vej (clean, language, resolve, understand, decide, "
            "retrieve, select, compose, check)", ["step"], registry=r,
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
                     5, 10, 30))
        self.stops = Counter(
            "pulje_answer_stops",
            "Svar efter, hvorfor kørslen sluttede (answered: alle trin; abstain: materialet "
            "besvarer det ikke; out_of_scope: uden for materialet)", ["reason"], registry=r)
        self.streams = Gauge("pulje_streams_active", "Åbne /v1/ask/stream-forbindelser",
                             registry=r)
        self.stream_disconnects = Counter(
            "pulje_stream_disconnects", "Strømme, klienten afbrød, før svaret var færdigt",
            registry=r)

    def observe_answer(self, answer: Answer) -> None:
        self.answers.labels(verdict=answer.verdict).inc()
        if answer.abstained:
            self.abstentions.inc()
        if answer.trace is not None:
            for step, ms in answer.trace.steps.items():
                self.step_latency.labels(step=step).observe(ms / 1000)
            self.stops.labels(reason=answer.trace.stopped).inc()
        if answer.llm is not None:
            if answer.llm.get("used"):
                self.llm_used.inc()
            else:
                reason = str(answer.llm.get("reason", ""))
                cause = "unavailable" if reason.startswith("LLM utilgængelig") else "rejected"
                self.llm_fallbacks.labels(cause=cause).inc()

    def exposition(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def request_id(incoming: str | None) -> str:
    """The caller's id if it is sane, else a new one.

    >>> request_id("abc-123"), len(request_id("bad id\\n")), len(request_id(None))
    ('abc-123', 32, 32)
    """
    if incoming and _SANE_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


class Observability:
    """Outermost ASGI middleware: request id (header and ``request.state.request_id``),
    the access-log line and the request metrics."""

    def __init__(self, app: Callable[..., Awaitable[None]], metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        rid = request_id(headers.get(b"x-request-id", b"").decode("latin-1") or None)
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before it answers
        finished = disconnected = False

        async def sending(message: Message) -> None:
            nonlocal status, finished
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = rid
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                finished = True
            await send(message)

        async def receiving() -> Message:
            nonlocal disconnected
            message = await receive()
            if message["type"] == "http.disconnect" and not finished:
                disconnected = True
            return message

        try:
            await self.app(scope, receiving, sending)
        finally:
            route = route_template(scope)
            elapsed = time.perf_counter() - started
            method = str(scope.get("method", ""))
            self.metrics.requests.labels(method=method, route=route, status=str(status)).inc()
            self.metrics.latency.labels(route=route).observe(elapsed)
            access_log.info("method=%s route=%s status=%d ms=%.1f request_id=%s%s", method,
                            route, status, elapsed * 1000, rid,
                            " afbrudt=ja" if disconnected and not finished else "")


def silence_uvicorn_access_log() -> None:
    """Switch uvicorn's own access log off (its line shows the raw path with the query
    string): the line above is the only one per request."""
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers = []
    uvicorn_access.propagate = False
