"""``/v1/ask``: a question in, a cited answer out; ``/v1/ask/stream``: the same answer as
server-sent events (made by :mod:`assistant.api.streaming`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response
from sse_starlette import EventSourceResponse

from assistant.answering.composition import Answer
from assistant.api.deps import (
    AnswerPoolDep,
    AssistantDep,
    ClientDep,
    EventSourceClientDep,
    MetricsDep,
    SettingsDep,
    StoreDep,
)
from assistant.api.schemas import PROBLEMS, AskRequest, QuestionText
from assistant.api.streaming import STREAM_RESPONSES, open_stream
from assistant.common.jsontypes import IsoDate

router = APIRouter(tags=["svar"])


@router.post("/v1/ask", response_model=Answer, responses=PROBLEMS,
             summary="Stil et spørgsmål og få et svar med kilder")
async def ask(body: AskRequest, client: ClientDep, bot: AssistantDep, store: StoreDep,
              pool: AnswerPoolDep, metrics: MetricsDep) -> Answer:
    def work() -> Answer:
        answer = bot.ask(body.question, [m.model_dump() for m in body.history],
                         as_of=body.as_of, lang=body.lang)
        store.record_answer(answer, client)
        return answer

    answer = await pool.run(work)
    metrics.observe_answer(answer)
    return answer


@router.post("/v1/ask/stream", response_class=EventSourceResponse,
             summary="Som /v1/ask, men som server-sent events", responses=STREAM_RESPONSES)
async def ask_stream(body: AskRequest, request: Request, client: ClientDep, bot: AssistantDep,
                     pool: AnswerPoolDep, settings: SettingsDep, metrics: MetricsDep,
                     store: StoreDep) -> Response:
    return await open_stream(request, bot, client, body.question,
                             [m.model_dump() for m in body.history], body.as_of, body.lang,
                             pool=pool, settings=settings, metrics=metrics, store=store)


@router.get("/v1/ask/stream", response_class=EventSourceResponse,
            summary="Som POST /v1/ask/stream, til browserens EventSource",
            description=(
                "Samme hændelser som POST, men med spørgsmålet i adressen, så "
                "`new EventSource(url)` kan bruges (uden samtalehistorik). EventSource kan "
                "ikke sende headere: nøglen må derfor gives som `api_key` i adressen (kun "
                "her), eller siden kan ligge bag en proxy på samme oprindelse, der sætter "
                "X-API-Key. Luk forbindelsen (`es.close()`) ved `answer` eller `error`; en "
                "genforbindelse med Last-Event-ID får 204 (strømme genoptages ikke), så "
                "browseren holder op."),
            responses={**STREAM_RESPONSES, 204: {"description": "Genforbindelse: intet at "
                                                                 "genoptage"}})
async def ask_stream_get(
        request: Request, client: EventSourceClientDep,
        question: Annotated[QuestionText, Query(description="Spørgsmålet")],
        bot: AssistantDep, pool: AnswerPoolDep, settings: SettingsDep, metrics: MetricsDep,
        store: StoreDep,
        as_of: Annotated[IsoDate | None, Query(description="Dagen, datoer bedømmes "
                                                           "efter")] = None,
        lang: Annotated[Literal["da", "en"] | None, Query(description="Svarets sprog")
                        ] = None,
        last_event_id: Annotated[str | None, Header(
            description="Sættes af EventSource ved genforbindelse")] = None,
) -> Response:
    if last_event_id is not None:
        # The stream was complete or broke off; answers are not kept to resume from.
        # 204 tells EventSource to stop reconnecting (it would ask again forever).
        return Response(status_code=204)
    return await open_stream(request, bot, client, question, [], as_of, lang,
                             pool=pool, settings=settings, metrics=metrics, store=store)
