"""The API's request and response models and its documented error responses."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.answer import DocumentRef

HARD_MAX_CHARS = 20_000  # the schema's bound; the configured limit is checked on top


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str = Field(max_length=HARD_MAX_CHARS)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "Kan vi finansiere en masteruddannelse?"},
        {"question": "og diplomuddannelser?", "history": [
            {"role": "user", "content": "Kan vi finansiere en masteruddannelse?"},
            {"role": "assistant", "content": "Nej. Puljens midler kan ikke bruges på "
                                             "masteruddannelser."}]},
        {"question": "Kan vi starte et AMU-forløb nu for puljemidler fra første runde?",
         "as_of": "2026-11-23", "lang": "da"},
    ]})

    question: str = Field(min_length=1, max_length=HARD_MAX_CHARS,
                          description="Spørgsmålet, på dansk eller engelsk")
    history: list[Message] = Field(default_factory=list, max_length=20,
                                   description="Samtalen indtil nu (til opfølgende spørgsmål)")
    as_of: dt.date | None = Field(default=None, description="Dagen, datoer bedømmes efter "
                                                           "(standard: i dag)")
    lang: Literal["da", "en"] | None = Field(default=None, description="Svarets sprog "
                                                                      "(standard: spørgsmålets)")


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"answer_id": "3f0c9a2e-8d1b-4c55-9a8e-0b7f6f1d2c34", "rating": "up",
         "comment": "Klart svar med kilde."}]})

    answer_id: str = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"]
    comment: str = Field(default="", max_length=2000)


class FeedbackReceipt(BaseModel):
    id: int
    answer_id: str
    rating: Literal["up", "down"]


class DocumentOut(BaseModel):
    id: str
    title: str
    publisher: str
    authority: str = Field(description="rules, official, municipal eller opinion")
    date: str
    kind: str
    passages: int


class PassageOut(BaseModel):
    id: str
    document: DocumentRef
    heading: str
    text: str
    start: int
    end: int
    previous: str | None
    next: str | None


class VersionOut(BaseModel):
    version: str
    corpus_hash: str
    index_key: str
    embedding_model: str
    rules_version: str
    chunker_version: str


class Health(BaseModel):
    status: Literal["ok", "ready", "degraded", "unready"]
    checks: dict[str, Any] = Field(default_factory=dict)


class ProblemOut(BaseModel):
    """An RFC 9457 problem document."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"type": "tag:puljeassistenten,2026:problem:invalid-question",
         "title": "Ugyldige data", "status": 422,
         "detail": "Spørgsmålet er tomt; skriv et spørgsmål om puljen.",
         "instance": "/v1/ask"}]})

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None


def _problem_doc(description: str) -> dict[str, Any]:
    return {"description": description, "content": {
        "application/problem+json": {"schema": ProblemOut.model_json_schema()}}}


PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: _problem_doc("Indholdet er ikke gyldig JSON"),
    401: _problem_doc("Manglende eller forkert API-nøgle"),
    404: _problem_doc("Findes ikke"),
    413: _problem_doc("Indholdet er for stort"),
    415: _problem_doc("Indholdet er ikke JSON (Content-Type: application/json)"),
    422: _problem_doc("Ugyldige felter, typer eller værdier"),
    429: _problem_doc("For mange forespørgsler (se Retry-After)"),
    500: _problem_doc("Uventet fejl (med reference)"),
    503: _problem_doc("Tjenesten kan ikke svare lige nu"),
}


def example(value: Any) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {"application/json": {"example": value}}}, **PROBLEMS}
