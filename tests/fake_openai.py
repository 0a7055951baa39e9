"""A small OpenAI-compatible chat server on loopback, for testing the optional LLM path
with a real HTTP client: it answers with a reply the test chooses, or stalls."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[dict[str, Any]], str]


@contextmanager
def fake_openai(reply: Reply, delay_s: float = 0.0) -> Iterator[dict[str, Any]]:
    """Serve /v1/chat/completions; yields {"url": base url, "requests": [bodies]}."""
    state: dict[str, Any] = {"requests": []}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state["requests"].append(body)
            if delay_s:
                time.sleep(delay_s)
            text = reply(body)
            try:
                if body.get("stream"):
                    self._stream(text, body)
                else:
                    self._complete(text, body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout)

        def _complete(self, text: str, body: dict[str, Any]) -> None:
            payload = json.dumps({
                "id": "chatcmpl-test", "object": "chat.completion", "created": 0,
                "model": body.get("model", "m"),
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": text}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _stream(self, text: str, body: dict[str, Any]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for i, word in enumerate(text.split(" ")):
                chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0,
                         "model": body.get("model", "m"),
                         "choices": [{"index": 0, "finish_reason": None,
                                      "delta": {"content": (" " if i else "") + word}}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
