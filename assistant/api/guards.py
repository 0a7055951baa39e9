"""Checks the app makes on every request, however it was started (``pulje serve`` or a
bare ``uvicorn --factory``): the Host header, open mode's loopback-only rule and a
deadline for each part of a request body. The limits uvicorn enforces itself (header size,
header deadline, proxy trust) are in :mod:`assistant.api.protocol`."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import MutableMapping
from typing import Any

from fastapi import FastAPI
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.problems import Problem, problem_response
from assistant.common.config import Settings

log = logging.getLogger("assistant.api")

_REACHED = "pulje.host_ok"


def install(app: FastAPI, settings: Settings) -> None:
    """Add the guards (outermost last: the Host is checked first, the body last)."""
    app.add_middleware(BodyDeadline, seconds=settings.body_timeout_s)
    if not settings.keys():
        log.warning("Åben tilstand: forespørgsler fra andre adresser end loopback afvises "
                    "(403).")
        app.add_middleware(LoopbackOnly)
    app.add_middleware(HostCheck, allowed=settings.hosts())


def is_loopback(client: tuple[str, int] | None) -> bool:
    """Whether the (proxy-resolved) client is this machine. No client at all is a Unix
    socket, local by nature; a name that is not an address is not trusted."""
    if client is None:
        return True
    try:
        ip = ipaddress.ip_address(client[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))


class LoopbackOnly:
    """Open mode (no API keys) answers this machine only. ``pulje serve`` also refuses to
    listen beyond loopback, but a bare ``uvicorn --host 0.0.0.0`` would serve every
    interface: the app itself refuses, so no way of starting it exposes open mode."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not is_loopback(scope.get("client")):
            response = problem_response(
                403, "open-mode-not-local", "Serveren kører i åben tilstand (uden API-nøgler) "
                "og svarer kun forespørgsler fra denne maskine.", instance=scope.get("path"))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class HostCheck:
    """Starlette's TrustedHostMiddleware with a Danish 400 problem document. A Host the
    operator did not allow is refused before routing, so no redirect (e.g. the trailing
    slash's) can name a foreign host."""

    def __init__(self, app: ASGIApp, allowed: list[str]) -> None:
        async def reached(scope: Scope, receive: Receive, send: Send) -> None:
            scope[_REACHED] = True
            await app(scope, receive, send)

        self.checker = TrustedHostMiddleware(reached, allowed_hosts=allowed or ["*"],
                                             www_redirect=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.checker(scope, receive, send)
            return

        async def answer(message: Message) -> None:
            if scope.get(_REACHED):
                await send(message)
            elif message["type"] == "http.response.start":  # the checker's own refusal
                response = problem_response(
                    400, "wrong-host", "Headeren Host nævner ikke en adresse, som tjenesten "
                    "svarer på.", instance=scope.get("path"))
                await response(scope, receive, send)

        await self.checker(scope, receive, answer)


class BodyDeadline:
    """A client that stops sending in the middle of a request body is answered 408 after
    ``seconds`` instead of holding its connection and a handler forever. Only the body is
    timed: a streaming response's wait for the client's disconnect is not."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_done = False
        started = False

        async def timed() -> MutableMapping[str, Any]:
            nonlocal body_done
            if body_done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.seconds)
            except TimeoutError:
                raise self._problem() from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, timed, tracked)
        except Problem as exc:  # raised where no handler turned it into a response
            if started or exc.status != 408:
                raise
            await problem_response(exc.status, exc.slug, exc.detail, instance=scope.get(
                "path"), headers=exc.headers)(scope, receive, send)

    def _problem(self) -> Problem:
        return Problem(408, "body-timeout", f"Indholdet kom ikke inden for {self.seconds:g} "
                       "sekunder; send det igen.", headers={"Connection": "close"})
