"""Errors as RFC 9457 problem details (``application/problem+json``), in Danish.

No stack trace, file path, SQL or secret ever reaches a client: unexpected errors are
logged with an id and answered with a generic 500 carrying only that id.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import InvalidQuestionError, PuljeError
from assistant.rules.money import AmountError

log = logging.getLogger("assistant.api")

PROBLEM = "application/problem+json"
TYPE_BASE = "tag:puljeassistenten,2026:problem:"

_TITLES = {
    400: "Ugyldig forespørgsel", 401: "Manglende eller forkert API-nøgle",
    403: "Adgang nægtet", 404: "Findes ikke", 405: "Metoden er ikke tilladt",
    413: "Forespørgslen er for stor", 415: "Forkert indholdstype",
    422: "Ugyldige data", 429: "For mange forespørgsler",
    500: "Intern fejl", 503: "Tjenesten er ikke klar",
}


class Problem(Exception):
    """An error to answer with a problem document."""

    def __init__(self, status: int, slug: str, detail: str, title: str | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.slug, self.detail = status, slug, detail
        self.title = title or _TITLES.get(status, "Fejl")
        self.headers = headers or {}
        self.extra = extra


def problem_response(status: int, slug: str, detail: str, title: str | None = None,
                     instance: str | None = None, headers: dict[str, str] | None = None,
                     **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": TYPE_BASE + slug,
                            "title": title or _TITLES.get(status, "Fejl"),
                            "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body |= extra
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _validation_errors(exc: RequestValidationError) -> tuple[int, str, list[dict[str, Any]]]:
    """Malformed JSON is a 400; well-formed JSON with wrong fields or types a 422. The
    offending input is not echoed (it may hold personal data)."""
    errors = []
    malformed = False
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            malformed = True
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        errors.append({"felt": ".".join(loc) or "(hele indholdet)",
                       "fejl": str(err.get("msg", "ugyldig værdi")), "type": err.get("type")})
    if malformed:
        return 400, "malformed-json", errors
    return 422, "invalid-fields", errors


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc.status, exc.slug, exc.detail, exc.title,
                                instance=request.url.path, headers=exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, slug, errors = _validation_errors(exc)
        detail = ("Indholdet er ikke gyldig JSON." if status == 400 else
                  "Et eller flere felter mangler, har forkert type eller er ukendte.")
        return problem_response(status, slug, detail, instance=request.url.path, errors=errors)

    @app.exception_handler(InvalidQuestionError)
    async def _question(request: Request, exc: InvalidQuestionError) -> JSONResponse:
        return problem_response(422, "invalid-question", str(exc), instance=request.url.path)

    @app.exception_handler(AmountError)
    async def _amount(request: Request, exc: AmountError) -> JSONResponse:
        return problem_response(422, "invalid-amount", str(exc), instance=request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = {404: "Adressen findes ikke i API'et.",
                  405: "Metoden er ikke tilladt på denne adresse."}.get(
            exc.status_code, str(exc.detail))
        return problem_response(exc.status_code, f"http-{exc.status_code}", detail,
                                instance=request.url.path,
                                headers=getattr(exc, "headers", None))

    @app.exception_handler(PuljeError)
    async def _domain(request: Request, exc: PuljeError) -> JSONResponse:
        ref = uuid.uuid4().hex[:12]
        log.error("domænefejl %s på %s: %s", ref, request.url.path, exc)
        return problem_response(503, "unavailable", "Tjenesten kan ikke svare lige nu; prøv "
                                "igen om lidt.", instance=request.url.path, reference=ref)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        ref = uuid.uuid4().hex[:12]
        log.exception("uventet fejl %s på %s", ref, request.url.path)
        return problem_response(500, "internal", "Der skete en uventet fejl. Oplys "
                                f"referencen {ref}, hvis du kontakter support.",
                                instance=request.url.path, reference=ref)
