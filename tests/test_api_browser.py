"""The API in a real browser (Debian's Chromium, headless, Playwright) against a real
``pulje serve``: the docs render with the network cut off, and ``EventSource`` streams an
answer from ``GET /v1/ask/stream``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Route, expect, sync_playwright

from tests.servers import KEY, Server

# Left out of the fast loop (-m "not slow"): a real server and a browser.
pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium mangler (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking"])
        yield b
        b.close()


def _offline(browser: Browser) -> tuple[BrowserContext, list[str], list[str]]:
    """A context in which every request beyond loopback is aborted (and noted)."""
    context = browser.new_context(locale="da-DK")
    left: list[str] = []
    seen: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        seen.append(url)
        if urlsplit(url).hostname in LOOPBACK or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            left.append(url)
            route.abort()

    context.route("**/*", guard)
    return context, left, seen


@pytest.mark.parametrize("page_path", ["/docs", "/redoc"])
def test_the_docs_render_with_no_network_beyond_loopback(
        api_server: Server, browser: Browser, page_path: str) -> None:
    context, left, seen = _offline(browser)
    try:
        page = context.new_page()
        page.goto(api_server.url + page_path, wait_until="load")
        if page_path == "/docs":
            operation = page.locator(".opblock-summary-path", has_text="/v1/ask").first
            expect(operation).to_be_visible(timeout=30_000)
            assert page.locator(".opblock").count() >= 10
            # The key is declared: Swagger offers "Authorize" and locks the /v1 operations.
            expect(page.locator("button.authorize")).to_be_visible()
            page.locator("button.authorize").click()
            expect(page.get_by_text("X-API-Key").first).to_be_visible()
        else:
            expect(page.get_by_text("/v1/ask/stream").first).to_be_attached(timeout=30_000)
            expect(page.locator("h1", has_text="Puljeassistenten").first).to_be_visible()
        icon = page.evaluate("document.querySelector('link[rel*=icon]').href")
        assert urlsplit(icon).hostname == "127.0.0.1"
    finally:
        context.close()
    assert not left, f"forespørgsler ud over loopback: {left}"
    assert any("/docs-assets/" in url for url in seen)


def test_event_source_streams_an_answer_and_stops(api_server: Server, browser: Browser
                                                  ) -> None:
    context, left, _ = _offline(browser)
    try:
        page = context.new_page()
        page.goto(api_server.url + "/livez")  # same origin as the stream
        result = page.evaluate("""([key]) => new Promise((resolve, reject) => {
            const q = new URLSearchParams({question: "Kan vi finansiere en masteruddannelse?",
                                           api_key: key});
            const es = new EventSource("/v1/ask/stream?" + q);
            const got = {delta: [], ids: [], citations: null, answer: null};
            es.addEventListener("delta", e => { got.delta.push(JSON.parse(e.data).text);
                                                 got.ids.push(e.lastEventId); });
            es.addEventListener("citations", e => { got.citations = JSON.parse(e.data); });
            es.addEventListener("answer", e => { got.answer = JSON.parse(e.data); es.close();
                                                 resolve(got); });
            es.onerror = () => { es.close(); reject(new Error("EventSource-fejl")); };
            setTimeout(() => reject(new Error("intet svar")), 60000);
        })""", [KEY])
    finally:
        context.close()
    assert not left
    assert result["answer"]["verdict"] == "no" and result["citations"]
    assert "".join(result["delta"]) == result["answer"]["answer"]
    assert result["ids"][:3] == ["1", "2", "3"]
