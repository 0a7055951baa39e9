"""The API's request and response models and its documented error responses.

What the OpenAPI description allows is accepted and what it forbids is refused with a
422 problem document: the schemas state the question's real limits (length, characters)
and take dates and amounts only in their JSON forms.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from assistant.answering.composition import DocumentRef
from assistant.common.config import Settings
from assistant.common.input_text import (
    _BIDI,
    _CONTROL,
    PLAIN_PATTERN,
    VISIBLE_PATTERN,
    clean_question,
    clean_text,
)
from assistant.common.jsontypes import IsoDate

# The longest question or history entry the schema states and takes, counted as sent:
# the default of PULJE_MAX_QUESTION_CHARS. A server set lower refuses by its own limit
# too (the service counts the cleaned text), with a 422 that names it.
MAX_QUESTION_CHARS: int = Settings.model_fields["max_question_chars"].default

# What questions.clean_question refuses, as JSON Schema patterns: control characters and
# direction overrides anywhere, and a question with nothing visible.
QUESTION_PATTERN = VISIBLE_PATTERN
MESSAGE_PATTERN = PLAIN_PATTERN


def _plain_question(text: str) -> str:
    """The pattern, checked by clean_question itself so the 422 gives its Danish reason
    ("Spørgsmålet indeholder et kontroltegn (U+0000) …"), not a generic pattern error. The
    text is returned as given: the service cleans it."""
    clean_question(text, MAX_QUESTION_CHARS)
    return text


# The question as the schema states it, for the body and for GET /v1/ask/stream's query
# (validated before a Last-Event-ID reconnection is answered with 204).
QuestionText = Annotated[str, StringConstraints(min_length=1, max_length=MAX_QUESTION_CHARS),
                         AfterValidator(_plain_question),
                         WithJsonSchema({"type": "string", "minLength": 1,
                                         "maxLength": MAX_QUESTION_CHARS,
                                         "pattern": QUESTION_PATTERN})]


def _plain_message(text: str) -> str:
    """A history entry with a control character or direction override is refused, as a
    question is (questions.clean_question): the reader never saw what the model would."""
    bad = _BIDI.search(text) or _CONTROL.search(text)
    if bad is not None:
        kind = ("et tegn, der vender tekstens retning" if _BIDI.match(bad.group(0))
                else "et kontroltegn")
        raise ValueError(f"Beskeden indeholder {kind} (U+{ord(bad.group(0)):04X}); skriv "
                         "den som almindelig tekst.")
    return text


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: Annotated[str, AfterValidator(_plain_message)] = Field(
        max_length=MAX_QUESTION_CHARS,
        json_schema_extra={"pattern": MESSAGE_PATTERN},
        description="Beskedens tekst; højst lige så lang som et spørgsmål")


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

    question: QuestionText = Field(description="Spørgsmålet, på dansk eller engelsk")
    history: list[Message] = Field(default_factory=list, max_length=20,
                                   description="Samtalen indtil nu (til opfølgende spørgsmål)")
    as_of: IsoDate | None = Field(default=None, description="Dagen, datoer bedømmes efter "
                                                           "(standard: i dag)")
    lang: Literal["da", "en"] | None = Field(default=None, description="Svarets sprog "
                                                                      "(standard: spørgsmålets)")


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"answer_id": "3f0c9a2e-8d1b-4c55-9a8e-0b7f6f1d2c34", "rating": "up",
         "comment": "Klart svar med kilde."}]})

    answer_id: str = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"]
    # Cleaned as a question is (look-alikes folded, invisible characters out) before the
    # store redacts it: a disguised name or number must not slip past the redaction.
    comment: Annotated[str, AfterValidator(lambda text: clean_text(text, "Kommentaren"))] = (
        Field(default="", max_length=2000, pattern=PLAIN_PATTERN))


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
