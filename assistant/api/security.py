"""API keys, rate limits and the body-size limit: checked before any work is done."""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Annotated, Any

from fastapi import Request, Security
from fastapi.security import (
    APIKeyHeader,
    APIKeyQuery,
    HTTPAuthorizationCredentials,
    HTTPBearer,
)
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from assistant.api.problems import Problem, problem_response

OPEN_CLIENT = "open"


class KeyRing:
    """The configured keys, compared in constant time; empty means open mode."""

    def __init__(self, keys: dict[str, str]) -> None:
        # Compare digests of equal length, so neither the key's length nor its content
        # shows in the timing.
        self._keys = [(name, hashlib.sha256(key.encode()).digest()) for name, key in keys.items()]

    @property
    def open(self) -> bool:
        return not self._keys

    def client(self, presented: str | None, where: str = "headeren X-API-Key") -> str:
        """The name of the key presented, or raise a 401 problem."""
        if self.open:
            return OPEN_CLIENT
        if not presented:
            raise Problem(401, "missing-key", f"Angiv API-nøglen i {where}.",
                          headers={"WWW-Authenticate": "X-API-Key"})
        digest = hashlib.sha256(presented.encode("utf-8", "replace")).digest()
        found = None
        for name, key in self._keys:  # no early exit: every key is compared
            if hmac.compare_digest(digest, key):
                found = name
        if found is None:
            raise Problem(401, "wrong-key", "API-nøglen er ikke gyldig.",
                          headers={"WWW-Authenticate": "X-API-Key"})
        return found


class Limits:
    """Each client's allowance (``per_minute`` requests a minute) and each address's budget
    of failed authentications, counted over a sliding minute by the ``limits`` library.

    Its memory storage (``memory://``, the default) drops a bucket once its window has
    passed, so a stream of new clients costs nothing lasting; ``redis://host:6379`` shares
    the counts between workers and machines. Buckets are keyed by a fixed-size hash, never
    by the raw string a client sent.
    """

    def __init__(self, per_minute: int, failures_per_minute: int,
                 storage_uri: str = "memory://", window_s: int = 60) -> None:
        self.storage = storage_from_string(storage_uri)
        # A sliding window of two counters per bucket: fixed memory per client, counts
        # that expire (the moving window's memory storage keeps an emptied bucket's name
        # forever), and Redis supports it.
        self._window = SlidingWindowCounterRateLimiter(self.storage)
        self.requests = RateLimitItemPerSecond(per_minute, window_s, namespace="requests")
        self.failures = RateLimitItemPerSecond(failures_per_minute, window_s,
                                               namespace="auth-failures")
        # Check, compare and count one failure at a time, so that concurrent guesses from
        # one address cannot all pass the check before the first failure is counted.
        self._auth = threading.Lock()

    def take(self, client: str) -> None:
        """Use one request of the client's allowance, or raise a 429 problem."""
        if not self._window.hit(self.requests, bucket(client)):
            raise self._refusal(self.requests, bucket(client), "For mange forespørgsler")

    def authenticate(self, address: str, check: Callable[[], str]) -> str:
        """``check()`` (the key comparison), unless the address has used its budget of
        failures (429, before any key is compared); a 401 from it counts a failure."""
        where = bucket(address)
        with self._auth:
            if not self._window.test(self.failures, where):
                raise self._refusal(self.failures, where,
                                    "For mange forkerte API-nøgler fra denne adresse")
            try:
                return check()
            except Problem:
                self._window.hit(self.failures, where)
                raise

    def _refusal(self, item: RateLimitItem, where: str, why: str) -> Problem:
        reset = self._window.get_window_stats(item, where).reset_time
        wait = max(1, math.ceil(reset - time.time()))
        return Problem(429, "rate-limited", f"{why}; prøv igen om {seconds(wait)}.",
                       headers={"Retry-After": str(wait)})


def bucket(identity: str) -> str:
    """A fixed-size name for a client's bucket: whatever a client sends, a bucket costs
    the same.

    >>> len(bucket("x" * 50_000)) == len(bucket("open:127.0.0.1")) == 32
    True
    """
    return hashlib.blake2b(identity.encode("utf-8", "replace"), digest_size=16).hexdigest()


def seconds(n: int) -> str:
    """A number of seconds in Danish: "1 sekund", "2 sekunder".

    >>> seconds(1), seconds(2), seconds(0)
    ('1 sekund', '2 sekunder', '0 sekunder')
    """
    return f"{n} sekund" if n == 1 else f"{n} sekunder"


# Declared in the OpenAPI description, so that Swagger's "Authorize" and generated clients
# send the key. auto_error=False: the KeyRing decides (open mode needs no key) and answers
# with a Danish problem document.
API_KEY_HEADER = APIKeyHeader(
    name="X-API-Key", scheme_name="ApiKey", auto_error=False,
    description="API-nøglen. Kræves på alle /v1-adresser, medmindre serveren kører i åben "
                "tilstand (ingen nøgler sat, kun loopback).")
# EventSource cannot send headers: GET /v1/ask/stream (only) also takes the key here.
API_KEY_QUERY = APIKeyQuery(
    name="api_key", scheme_name="ApiKeyQuery", auto_error=False,
    description="Kun til GET /v1/ask/stream (EventSource kan ikke sende headere). Brug en "
                "nøgle for sig til browseren; adressen kan havne i proxyers logge.")
BEARER = HTTPBearer(scheme_name="MetricsBearer", auto_error=False,
                    description="Til /metrics: samme nøgler som X-API-Key, som Bearer-token "
                                "(Prometheus' authorization-opsætning).")

HeaderKey = Annotated[str | None, Security(API_KEY_HEADER)]
QueryKey = Annotated[str | None, Security(API_KEY_QUERY)]
BearerKey = Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)]


def client_of(request: Request, presented: str | None, where: str = "headeren X-API-Key"
              ) -> str:
    """The caller: the API key's name (checked), or in open mode the caller's address.

    An address that has presented ``PULJE_AUTH_FAILURES_PER_MINUTE`` wrong or missing keys
    within a minute gets 429 for every request until that minute has passed, a correct key
    included: otherwise the 429 and the 200 would tell a guesser which guess was right.
    """
    ring: KeyRing = request.app.state.keys
    address = request.client.host if request.client else ""
    if ring.open:
        return f"{OPEN_CLIENT}:{address}" if request.client else OPEN_CLIENT
    limits: Limits = request.app.state.limiter
    return limits.authenticate(address, lambda: ring.client(presented, where))


def authorise(request: Request, key: HeaderKey) -> str:
    """FastAPI dependency for every /v1 route: who calls, within their rate limit."""
    client = client_of(request, key)
    request.app.state.limiter.take(client)
    return client


def authorise_event_source(request: Request, key: HeaderKey,
                           query_key: QueryKey) -> str:
    """As :func:`authorise`, for the GET stream: the header, or else ``?api_key=``."""
    client = client_of(request, key or query_key,
                       "headeren X-API-Key eller parameteren api_key")
    request.app.state.limiter.take(client)
    return client


def authorise_metrics(request: Request, key: HeaderKey,
                      bearer: BearerKey) -> str:
    """/metrics: the same keys as /v1 (X-API-Key or ``Authorization: Bearer``), open in
    open mode; not rate-limited, so that scraping uses no client's allowance."""
    return client_of(request, key or (bearer.credentials if bearer else None),
                     "headeren X-API-Key eller Authorization: Bearer")


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with a 413 problem, whether the size is
    declared (Content-Length) or not (chunked): no handler ever reads more."""

    def __init__(self, app: Callable[..., Awaitable[None]], limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = True
            if too_big:
                await self._refuse(scope, receive, send)
                return
        seen = 0
        exceeded = False

        async def counted() -> MutableMapping[str, Any]:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise _TooLarge
            return message

        started = False

        async def tracked_send(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, receive, send)
        except Exception:
            if exceeded and not started:
                await self._refuse(scope, receive, send)
            else:
                raise

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(413, "too-large",
                                    f"Indholdet må højst være {self.limit} bytes.",
                                    instance=scope.get("path"))
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
