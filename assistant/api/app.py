"""The HTTP API for intranet pages (FastAPI, versioned under ``/v1``).

``create_app`` builds the app around an :class:`~assistant.service.Assistant` and a
:class:`~assistant.storage.store.Store`; ``pulje serve`` runs it under uvicorn. One process
owns the embedded Chroma index: to run several workers or replicas, point them at a Chroma
server (``PULJE_CHROMA_URL``) and a shared PostgreSQL store (``PULJE_DATABASE_URL``).

This module only wires: settings and state, middleware, error handlers and the routers of
:mod:`assistant.api.routes`, one per resource; routes get what they need from
:mod:`assistant.api.deps`.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware

from assistant.answering.plans import STATED_CAP
from assistant.api import docs_assets, guards, observability, problems
from assistant.api.health import Readiness
from assistant.api.routes import ask, feedback, ops, plans, sources
from assistant.api.security import BodyLimit, KeyRing, Limits
from assistant.common.config import Settings, get_settings
from assistant.service import Assistant
from assistant.storage.store import Store

log = logging.getLogger("assistant.api")

CORS_REQUEST_HEADERS = ["Content-Type", "X-API-Key", "X-Request-ID", "Last-Event-ID"]
CORS_EXPOSED_HEADERS = ["Retry-After", "X-Request-ID", "WWW-Authenticate"]
DESCRIPTION = (
    "Stil spørgsmål om puljens regler og få et svar med verdikt og ordrette citater "
    f"fra kilderne; tjek en forbrugsplan mod reglerne og loftet på {STATED_CAP}; læs "
    "kildernes passager. Alle /v1-adresser kræver headeren `X-API-Key` (knappen "
    "Authorize), medmindre serveren kører i åben tilstand (kun lokalt). Fejl "
    "returneres som `application/problem+json` (RFC 9457). Hvert svar har headeren "
    "`X-Request-ID` (en medsendt bruges, ellers dannes en); oplys den ved fejl.")


def create_app(settings: Settings | None = None, assistant: Assistant | None = None,
               store: Store | None = None) -> FastAPI:
    """The app; the assistant (index) and store are made at start-up unless given."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        observability.silence_uvicorn_access_log()
        if app.state.keys.open:
            log.warning("Åben tilstand: ingen API-nøgler er sat (PULJE_API_KEYS). Kun til "
                        "lokal brug; serveren må kun lytte på loopback.")
        readiness: Readiness = app.state.readiness
        if app.state.assistant is None:
            app.state.assistant = readiness.load(settings)
        await run_in_threadpool(readiness.prime)
        if app.state.store is None:
            app.state.store = Store(settings.database())
        # Everything loaded so far lives as long as the process: keep it out of the
        # cyclic garbage collector's full passes, which otherwise pause every request.
        gc.collect()
        gc.freeze()
        log.info("Klar: indeks %s, database %s", app.state.assistant.index.key[:12],
                 app.state.store.safe_url)
        yield
        app.state.answerers.shutdown(wait=False, cancel_futures=True)
        if store is None:
            app.state.store.close()

    app = FastAPI(
        title="Puljeassistenten",
        version=ops.package_version(),
        summary="Svar med kilder om opkvalificeringspuljen på dagtilbudsområdet",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None, redoc_url=None,  # served with local assets by docs_assets
    )
    docs_assets.install(app)
    app.state.settings = settings
    app.state.keys = KeyRing(settings.keys())
    app.state.limiter = Limits(settings.rate_limit_per_minute,
                               settings.auth_failures_per_minute, settings.rate_limit_storage)
    app.state.metrics = observability.Metrics()
    app.state.readiness = Readiness(settings)
    app.state.assistant = assistant
    app.state.store = store
    # Answers (/v1/ask, its stream, plan checks) are computed by a small pool of threads
    # that take requests first come, first served. Without it, 16 concurrent requests
    # share the interpreter and a question that needs retrieval takes 16 times its own
    # time; with it, each waits for those ahead of it and then runs at full speed.
    app.state.answerers = ThreadPoolExecutor(max_workers=settings.answer_threads(),
                                             thread_name_prefix="answer")
    problems.install(app)
    if settings.origins():
        # Pages may send the key, JSON, their own request id and (EventSource on
        # reconnection) Last-Event-ID, and must be able to read Retry-After on a 429.
        app.add_middleware(CORSMiddleware, allow_origins=settings.origins(),
                           allow_methods=["GET", "POST"], allow_headers=CORS_REQUEST_HEADERS,
                           expose_headers=CORS_EXPOSED_HEADERS, max_age=600)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    guards.install(app, settings)  # Host check, open mode's loopback rule, body deadline
    # Outermost: sees every response, 413s and CORS refusals included.
    app.add_middleware(observability.Observability, metrics=app.state.metrics)
    for module in (ask, plans, sources, feedback, ops):
        app.include_router(module.router)
    return app


def app_factory() -> FastAPI:
    """For ``uvicorn --factory assistant.api.app:app_factory`` (settings from environment)."""
    return create_app()
