"""The chat's only way to the assistant: the HTTP API (one process owns the index).

Every failure becomes an :class:`ApiError` with a Danish and an English message fit to
show a daycare manager, never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

DEFAULT_URL = "http://127.0.0.1:8000"


class ApiError(Exception):
    """The API could not give an answer; ``da``/``en`` say why in plain words."""

    def __init__(self, da: str, en: str, status: int | None = None,
                 fields: tuple[str, ...] = ()) -> None:
        super().__init__(da)
        self.da, self.en, self.status = da, en, status
        self.fields = fields  # the request fields a 422 names

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.da


DOWN = ("Assistenten kan ikke nås lige nu. Prøv igen om lidt; fortsætter det, så kontakt "
        "den, der driver Puljeassistenten.",
        "The assistant cannot be reached right now. Try again shortly; if it persists, "
        "contact whoever runs Puljeassistenten.")
SLOW = ("Assistenten svarer ikke i tide. Prøv igen om lidt.",
        "The assistant is not answering in time. Try again shortly.")


@dataclass(frozen=True)
class ApiClient:
    url: str = DEFAULT_URL
    key: str = ""
    timeout: float = 30.0

    @classmethod
    def from_env(cls) -> ApiClient:
        """``PULJE_API_URL`` (default the local API) and ``PULJE_API_KEY``."""
        return cls(url=os.environ.get("PULJE_API_URL", DEFAULT_URL).rstrip("/"),
                   key=os.environ.get("PULJE_API_KEY", ""),
                   timeout=float(os.environ.get("PULJE_API_TIMEOUT_S", "30")))

    def _headers(self) -> dict[str, str]:
        return {"X-API-Key": self.key} if self.key else {}

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            r = httpx.request(method, f"{self.url}{path}", headers=self._headers(),
                              timeout=self.timeout, **kwargs)
        except httpx.TimeoutException as exc:
            raise ApiError(*SLOW) from exc
        except httpx.HTTPError as exc:
            raise ApiError(*DOWN) from exc
        _raise_for_problem(r)
        return r.json()

    def ask(self, question: str, history: list[dict[str, str]], as_of: dt.date | None,
            lang: str | None) -> dict[str, Any]:
        result: dict[str, Any] = self._request("POST", "/v1/ask",
                                               json=_ask_body(question, history, as_of, lang))
        return result

    def ask_stream(self, question: str, history: list[dict[str, str]], as_of: dt.date | None,
                   lang: str | None) -> Iterator[tuple[str, Any]]:
        """Server-sent events as (event, data): "delta" texts, "citations", "answer"."""
        body = _ask_body(question, history, as_of, lang)
        try:
            with httpx.stream("POST", f"{self.url}/v1/ask/stream", headers=self._headers(),
                              json=body, timeout=self.timeout) as r:
                if r.status_code >= 400:
                    r.read()
                    _raise_for_problem(r)
                event = ""
                for line in r.iter_lines():
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: "):
                        yield event, json.loads(line[6:])
        except httpx.TimeoutException as exc:
            raise ApiError(*SLOW) from exc
        except httpx.HTTPError as exc:
            raise ApiError(*DOWN) from exc

    def check_plan(self, grant_dkk: float, items: list[dict[str, Any]], lang: str,
                   as_of: dt.date | None = None) -> dict[str, Any]:
        """The plan judged as of ``as_of`` (the sidebar's day; None: the API's today)."""
        result: dict[str, Any] = self._request("POST", "/v1/plans/check",
                                               json=plan_body(grant_dkk, items, lang, as_of))
        return result

    def documents(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._request("GET", "/v1/documents")
        return result

    def passage(self, passage_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self._request("GET", f"/v1/passages/{passage_id}")
        return result

    def feedback(self, answer_id: str, rating: str, comment: str) -> dict[str, Any]:
        result: dict[str, Any] = self._request("POST", "/v1/feedback", json={
            "answer_id": answer_id, "rating": rating, "comment": comment})
        return result


# The API takes at most 20 history entries of at most 2,000 characters each.
HISTORY_TURNS, HISTORY_CHARS = 20, 2000


def _fits(text: str, limit: int = HISTORY_CHARS) -> str:
    """A history entry within the API's limit: a long overview answer must not make the
    follow-up fail; its opening (verdict and reason) is what a follow-up refers to.

    >>> _fits("Ja. " + "ord " * 600)[-4:], len(_fits("Ja. " + "ord " * 600)) <= 2000
    (' ord', True)
    """
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]


def _ask_body(question: str, history: list[dict[str, str]], as_of: dt.date | None,
              lang: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"question": question, "history": [
        {**m, "content": _fits(m["content"])} for m in history[-HISTORY_TURNS:]]}
    if as_of:
        body["as_of"] = as_of.isoformat()
    if lang:
        body["lang"] = lang
    return body


def plan_body(grant_dkk: float, items: list[dict[str, Any]], lang: str,
              as_of: dt.date | None) -> dict[str, Any]:
    """The request body of ``POST /v1/plans/check``.

    >>> plan_body(1e6, [], "da", dt.date(2026, 3, 1))
    {'grant_dkk': 1000000.0, 'items': [], 'lang': 'da', 'as_of': '2026-03-01'}
    """
    body: dict[str, Any] = {"grant_dkk": grant_dkk, "items": items, "lang": lang}
    if as_of:
        body["as_of"] = as_of.isoformat()
    return body


def _raise_for_problem(r: httpx.Response) -> None:
    if r.status_code < 400:
        return
    detail = ""
    fields: tuple[str, ...] = ()
    with contextlib.suppress(ValueError, AttributeError, TypeError):
        problem = r.json()
        detail = str(problem.get("detail", ""))
        fields = tuple(str(e.get("felt", "")) for e in problem.get("errors") or [])
    if r.status_code in (401, 403):
        raise ApiError("Chatten har ikke adgang til assistenten (API-nøglen mangler eller er "
                       "forkert). Kontakt den, der driver Puljeassistenten.",
                       "The chat has no access to the assistant (missing or wrong API key). "
                       "Contact whoever runs Puljeassistenten.", r.status_code)
    if r.status_code == 429:
        raise ApiError("Der er mange spørgsmål lige nu. Vent et øjeblik, og prøv igen.",
                       "There are many questions right now. Wait a moment and try again.",
                       429)
    if 400 <= r.status_code < 500 and detail:
        raise ApiError(detail, detail, r.status_code, fields)
    raise ApiError(*DOWN, status=r.status_code)
