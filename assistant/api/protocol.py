"""The HTTP/1.1 protocol the API is served with: uvicorn's h11 protocol with the limits
uvicorn lacks or leaves off, all read from :class:`~assistant.common.config.Settings`.

- Headers: at most ``max_header_bytes`` (h11's buffer limit; httptools, which uvicorn
  prefers when installed, has none) and all of them within ``header_timeout_s`` of the
  connection opening or the next request starting; otherwise a Danish problem document
  (431, 408) and the connection is closed. Without this, a client trickling one byte a
  second held a connection forever and unterminated 40 MB headers grew the process.
- Proxies: X-Forwarded-For/-Proto are believed from ``trusted_proxies`` only (default:
  no one), whatever uvicorn's own ``--forwarded-allow-ips`` says (it trusts loopback by
  default, so any local client could pick its address, and with it a fresh rate limit).
- ``keep_alive_s`` and ``limit_concurrency``, when uvicorn was not given them.

``pulje serve`` uses it; with a bare uvicorn pass ``--http assistant.api.protocol:Protocol``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
from uvicorn.config import Config
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from assistant.api.problems import PROBLEM, TYPE_BASE, title_for
from assistant.common.config import get_settings

UVICORN_KEEP_ALIVE_DEFAULT = 5


class Protocol(H11Protocol):
    """uvicorn's H11Protocol with a header size limit, a header deadline and proxy trust
    from the settings."""

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        settings = get_settings()
        self.max_header_bytes = settings.max_header_bytes
        self.header_timeout = settings.header_timeout_s
        self.conn = h11.Connection(h11.SERVER, max_incomplete_event_size=self.max_header_bytes)
        self.limit_concurrency = config.limit_concurrency or settings.limit_concurrency
        if config.timeout_keep_alive == UVICORN_KEEP_ALIVE_DEFAULT:
            self.timeout_keep_alive = settings.keep_alive_s
        app = self.app
        if isinstance(app, ProxyHeadersMiddleware):  # uvicorn's, with uvicorn's trust
            app = app.app
        proxies = settings.proxies()
        self.app = ProxyHeadersMiddleware(app, trusted_hosts=proxies) if proxies else app
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # h11 stays IDLE on the client's side until a request's headers are complete.
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self._arm()
        else:
            self._disarm()

    def send_400_response(self, msg: str) -> None:
        """A request h11 cannot parse: too large headers (431) or not HTTP (400)."""
        if len(self.conn.trailing_data[0]) > self.max_header_bytes:
            self._refuse(431, "headers-too-large", "Forespørgslens linje og headere må "
                         f"højst fylde {self.max_header_bytes} bytes.")
        else:
            self._refuse(400, "bad-http", "Forespørgslen kunne ikke læses som HTTP/1.1.")

    def _arm(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _too_slow(self) -> None:
        self._header_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            if self.conn.trailing_data[0]:  # a request was begun: say why it is dropped
                self._refuse(408, "header-timeout", "Headerne kom ikke inden for "
                             f"{self.header_timeout:g} sekunder.")
            else:
                self.transport.close()

    def _refuse(self, status: int, slug: str, detail: str) -> None:
        """Write a problem document by hand (h11 can't answer a request it never parsed)
        and close the connection."""
        body = json.dumps({"type": TYPE_BASE + slug, "title": title_for(status),
                           "status": status, "detail": detail}, ensure_ascii=False).encode()
        head = (f"HTTP/1.1 {status} {_PHRASES[status]}\r\ncontent-type: {PROBLEM}\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode()
        self.transport.write(head + body)
        self.transport.close()


_PHRASES = {400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large"}
