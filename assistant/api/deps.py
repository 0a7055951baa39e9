"""The routes' dependencies, each defined once as an ``Annotated`` alias.

Everything a route needs lives on ``app.state`` (made by ``create_app`` and its lifespan,
so that tests build an app with their own settings, assistant and store); a route names
what it needs by type (``bot: AssistantDep``) and never reads ``app.state`` itself.

The getters are ``async``: they only read an attribute, and a plain ``def`` would cost
every request a trip through the thread pool. The client comes first in a route's
signature, so that a missing key is refused before anything else is looked at.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from assistant.api.health import Readiness
from assistant.api.observability import Metrics
from assistant.api.problems import Problem
from assistant.api.security import authorise, authorise_event_source, authorise_metrics
from assistant.common.config import Settings
from assistant.service import Assistant
from assistant.storage.store import Store

T = TypeVar("T")


def _state(name: str) -> Callable[[Request], Awaitable[Any]]:
    """A dependency that returns ``app.state.<name>`` (None before start-up set it)."""
    async def get(request: Request) -> Any:
        return getattr(request.app.state, name)
    get.__name__ = f"state_{name}"
    return get


async def the_assistant(request: Request) -> Assistant:
    found: Assistant | None = request.app.state.assistant
    if found is None:  # pragma: no cover - only before start-up has finished
        raise Problem(503, "starting", "Tjenesten starter; prøv igen om lidt.")
    return found


class AnswerPool:
    """The answer threads (``app.state.answerers``): every answering route's work runs
    here, first come, first served, so that concurrent questions take turns at full
    speed instead of sharing the interpreter."""

    def __init__(self, executor: ThreadPoolExecutor) -> None:
        self.executor = executor

    async def run(self, work: Callable[[], T]) -> T:
        """``work()`` on an answer thread, once those ahead of it are done."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, work)


async def the_answer_pool(request: Request) -> AnswerPool:
    return AnswerPool(request.app.state.answerers)


SettingsDep = Annotated[Settings, Depends(_state("settings"))]
AssistantDep = Annotated[Assistant, Depends(the_assistant)]
StoreDep = Annotated[Store, Depends(_state("store"))]
# For the readiness probe: None before start-up has loaded the assistant or opened the store.
MaybeAssistantDep = Annotated[Assistant | None, Depends(_state("assistant"))]
MaybeStoreDep = Annotated[Store | None, Depends(_state("store"))]
MetricsDep = Annotated[Metrics, Depends(_state("metrics"))]
ReadinessDep = Annotated[Readiness, Depends(_state("readiness"))]
AnswerPoolDep = Annotated[AnswerPool, Depends(the_answer_pool)]
# The caller (the key's name, or "open:<address>" in open mode), within its rate limit.
ClientDep = Annotated[str, Depends(authorise)]
# As ClientDep, for the EventSource GET: the key may also come as ?api_key=.
EventSourceClientDep = Annotated[str, Depends(authorise_event_source)]
# /metrics: the same keys, also as a Bearer token, and not rate-limited.
MetricsClientDep = Annotated[str, Depends(authorise_metrics)]
