"""Errors as RFC 9457 problem details (``application/problem+json``), in Danish.

No stack trace, file path, SQL or secret ever reaches a client: unexpected errors are
logged with an id and answered with a generic 500 carrying only that id.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from assistant.common.errors import InvalidQuestionError, PuljeError
from assistant.rules.money import AmountError

log = logging.getLogger("assistant.api")

PROBLEM = "application/problem+json"
TYPE_BASE = "tag:puljeassistenten,2026:problem:"

_TITLES = {
    400: "Ugyldig forespørgsel", 401: "Manglende eller forkert API-nøgle",
    403: "Adgang nægtet", 404: "Findes ikke", 405: "Metoden er ikke tilladt",
    408: "Forespørgslen kom ikke i tide", 413: "Forespørgslen er for stor",
    415: "Forkert indholdstype", 431: "Headerne er for store",
    422: "Ugyldige data", 429: "For mange forespørgsler",
    500: "Intern fejl", 503: "Tjenesten er ikke klar",
}


def title_for(status: int) -> str:
    return _TITLES.get(status, "Fejl")


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


# Pydantic's error types in Danish; ``{name}`` is filled from the error's context.
_MESSAGES = {
    "missing": "Feltet mangler.",
    "extra_forbidden": "Feltet kendes ikke; fjern det.",
    "string_type": "Værdien skal være en tekst.",
    "string_too_short": "Teksten skal have mindst {min_length} tegn.",
    "string_too_long": "Teksten må højst have {max_length} tegn.",
    "string_pattern_mismatch": "Teksten har ikke den krævede form.",
    "too_short": "Der skal være mindst {min_length} elementer.",
    "too_long": "Der må højst være {max_length} elementer.",
    "list_type": "Værdien skal være en liste.",
    "dict_type": "Værdien skal være et JSON-objekt.",
    "model_type": "Værdien skal være et JSON-objekt.",
    "model_attributes_type": "Værdien skal være et JSON-objekt.",
    "literal_error": "Værdien skal være {expected}.",
    "enum": "Værdien skal være {expected}.",
    "int_type": "Værdien skal være et heltal.",
    "int_parsing": "Værdien skal være et heltal.",
    "int_from_float": "Værdien skal være et heltal.",
    "float_type": "Værdien skal være et tal.",
    "float_parsing": "Værdien skal være et tal.",
    "finite_number": "Værdien skal være et endeligt tal.",
    "bool_type": "Værdien skal være true eller false.",
    "bool_parsing": "Værdien skal være true eller false.",
    "greater_than": "Værdien skal være større end {gt}.",
    "greater_than_equal": "Værdien skal være mindst {ge}.",
    "less_than": "Værdien skal være mindre end {lt}.",
    "less_than_equal": "Værdien må højst være {le}.",
    "date_type": "Datoen skal skrives som ÅÅÅÅ-MM-DD, fx 2026-11-23.",
    "date_parsing": "Datoen skal skrives som ÅÅÅÅ-MM-DD, fx 2026-11-23.",
    "date_from_datetime_parsing": "Datoen skal skrives som ÅÅÅÅ-MM-DD, fx 2026-11-23.",
    "date_from_datetime_inexact": "Angiv kun en dato (ÅÅÅÅ-MM-DD), ikke et klokkeslæt.",
    "json_invalid": "Indholdet er ikke gyldig JSON.",
    "json_type": "Værdien skal være gyldig JSON.",
}
FALLBACK = "Ugyldig værdi."
WHOLE_BODY = "(hele indholdet)"


def danish_message(err: dict[str, Any]) -> str:
    """One pydantic error in Danish (a generic sentence for types not listed above)."""
    kind = str(err.get("type", ""))
    ctx = {k: _danish_value(v) for k, v in (err.get("ctx") or {}).items()}
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])  # the project's own validators speak Danish already
    if kind == "string_too_short" and ctx.get("min_length") == "1":
        return "Feltet må ikke være tomt."
    if kind == "too_short" and ctx.get("min_length") == "1":
        return "Der skal være mindst ét element."
    template = _MESSAGES.get(kind)
    if template is None:
        return FALLBACK
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return FALLBACK


def _danish_value(value: Any) -> str:
    """Context values as Danish text: "'da' or 'en'" becomes "'da' eller 'en'"."""
    text = str(value)
    return re.sub(r"\bor\b", "eller", text) if isinstance(value, str) else text


def field_name(loc: tuple[Any, ...] | list[Any], kind: str) -> str:
    """``history[0].role`` from ``("body", "history", 0, "role")``; the whole body for
    errors about it (malformed JSON's loc ends in a character position, not a field)."""
    parts = list(loc)
    if parts[:1] in (["body"], ["query"], ["path"], ["header"]):
        parts = parts[1:]
    if kind == "json_invalid" or not parts:
        return WHOLE_BODY
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _validation_errors(exc: RequestValidationError, request: Request
                       ) -> tuple[int, str, str, list[dict[str, Any]]]:
    """Malformed JSON is a 400, a body that is not JSON at all a 415, well-formed JSON with
    wrong fields or types a 422. The offending input is not echoed (it may hold personal
    data)."""
    raw = list(exc.errors())
    errors = [{"felt": field_name(err.get("loc", ()), str(err.get("type", ""))),
               "fejl": danish_message(err), "type": err.get("type")} for err in raw]
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body_errors = [e for e in raw if tuple(e.get("loc", ()))[:1] == ("body",)]
    if any(e.get("type") == "json_invalid" for e in raw):
        return 400, "malformed-json", "Indholdet er ikke gyldig JSON.", errors
    if body_errors and content_type and not _is_json(content_type):
        return 415, "not-json", ("Indholdet skal være JSON sendt med headeren "
                                 "Content-Type: application/json."), [
            {"felt": WHOLE_BODY, "fejl": f"Indholdstypen {content_type} understøttes ikke.",
             "type": "content_type"}]
    if any(tuple(e.get("loc", ())) == ("body",) and e.get("type") == "missing" for e in raw):
        return 422, "missing-body", "Indholdet mangler; send et JSON-objekt.", errors
    return 422, "invalid-fields", ("Et eller flere felter mangler, har forkert type eller er "
                                   "ukendte."), errors


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this address (``/v1/ask/stream`` has a POST and
    a GET route), for the ``Allow`` header of a 405 (RFC 9110)."""
    # Asked method by method: routes live in included routers, which report only whether
    # one of theirs fully matches (path and method), not which methods they have.
    methods = {method for method in _METHODS if any(
        route.matches({**request.scope, "method": method})[0] == Match.FULL
        for route in request.app.router.routes)}
    return ", ".join(sorted(methods))


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def body_problem(cause: BaseException, request: Request) -> JSONResponse:
    """FastAPI answers every failure to read or decode a body with one English 400 ("There
    was an error parsing the body"); this is the Danish answer for its cause: a problem
    raised while receiving (a stalled body's 408), the body limit's 413, or a 400 that
    says what was wrong with the bytes."""
    from assistant.api.security import _TooLarge  # security imports this module

    path = request.url.path
    if isinstance(cause, Problem):
        return problem_response(cause.status, cause.slug, cause.detail, cause.title,
                                instance=path, headers=cause.headers, **cause.extra)
    if isinstance(cause, _TooLarge):
        limit = request.app.state.settings.max_body_bytes
        return problem_response(413, "too-large", f"Indholdet må højst være {limit} bytes.",
                                instance=path)
    if isinstance(cause, UnicodeDecodeError):
        detail = "Indholdet er ikke gyldig UTF-8."
    elif isinstance(cause, RecursionError):
        detail = "Indholdet er ikke gyldig JSON: det er indlejret for dybt."
    elif isinstance(cause, ValueError) and "digits" in str(cause):
        detail = "Indholdet er ikke gyldig JSON: et tal har for mange cifre."
    else:
        detail = "Indholdet er ikke gyldig JSON."
    return problem_response(400, "malformed-json", detail, instance=path,
                            errors=[{"felt": WHOLE_BODY, "fejl": detail, "type": "json_invalid"}])


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc.status, exc.slug, exc.detail, exc.title,
                                instance=request.url.path, headers=exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, slug, detail, errors = _validation_errors(exc, request)
        return problem_response(status, slug, detail, instance=request.url.path, errors=errors)

    @app.exception_handler(InvalidQuestionError)
    async def _question(request: Request, exc: InvalidQuestionError) -> JSONResponse:
        return problem_response(422, "invalid-question", str(exc), instance=request.url.path)

    @app.exception_handler(AmountError)
    async def _amount(request: Request, exc: AmountError) -> JSONResponse:
        return problem_response(422, "invalid-amount", str(exc), instance=request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.__cause__ is not None:
            return body_problem(exc.__cause__, request)
        detail = {404: "Adressen findes ikke i API'et.",
                  405: "Metoden er ikke tilladt på denne adresse."}.get(
            exc.status_code, str(exc.detail))
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:  # Starlette names only the first route's methods
            headers = {**(headers or {}), "Allow": _allowed_methods(request)}
        return problem_response(exc.status_code, f"http-{exc.status_code}", detail,
                                instance=request.url.path, headers=headers)

    @app.exception_handler(PuljeError)
    async def _domain(request: Request, exc: PuljeError) -> JSONResponse:
        ref = getattr(request.state, "request_id", None) or uuid.uuid4().hex[:12]
        log.error("domænefejl %s på %s: %s", ref, request.url.path, exc)
        return problem_response(503, "unavailable", "Tjenesten kan ikke svare lige nu; prøv "
                                "igen om lidt.", instance=request.url.path, reference=ref)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette answers these outside the middleware: the request id header is set
        # here, and the reference is the request id (one id to quote, log and search).
        ref = getattr(request.state, "request_id", None) or uuid.uuid4().hex[:12]
        log.exception("uventet fejl %s på %s", ref, request.url.path)
        return problem_response(500, "internal", "Der skete en uventet fejl. Oplys "
                                f"referencen {ref}, hvis du kontakter support.",
                                instance=request.url.path, reference=ref,
                                headers={"X-Request-ID": ref})
