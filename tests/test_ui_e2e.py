"""End to end in a real browser: Debian's Chromium, headless, driven by Playwright.

The chat (``streamlit run ui/app.py``) talks to a real API server; the test asks the
first question a manager would, sees the verdict and the cited quote, opens the source,
and saves screenshots to ``test-artifacts/`` (or ``$PULJE_TEST_ARTIFACTS``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.servers import PROJECT_ROOT, Server, start_chat, stop

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("PULJE_TEST_ARTIFACTS", PROJECT_ROOT / "test-artifacts"))
QUOTE = "Midlerne fra opkvalificeringspuljen kan ikke anvendes på masteruddannelser"


@pytest.fixture(scope="module")
def chat(api_server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_chat(api_server.url, tmp_path_factory.mktemp("chat") / "chat.log")
    yield server
    stop(server)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium mangler (apt-get install chromium); scripts/system.sh "
                    "installerer det")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking"])
        yield b
        b.close()


def test_a_manager_asks_and_opens_the_source(chat: Server, browser: Browser) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="da-DK")
    page = context.new_page()
    page.goto(chat.url, wait_until="domcontentloaded")
    box = page.get_by_placeholder("Skriv dit spørgsmål …")
    expect(box).to_be_visible(timeout=60_000)
    box.fill("Kan vi finansiere en masteruddannelse?")
    box.press("Enter")

    card = page.locator(".pulje-source").first
    expect(card).to_be_visible(timeout=60_000)
    expect(card.locator("mark")).to_contain_text(QUOTE)
    expect(card).to_contain_text("Regler")
    verdict = page.get_by_text("Nej", exact=True).first
    expect(verdict).to_be_visible()
    expect(page.get_by_text("kan ikke bruges på masteruddannelser").first).to_be_visible()
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "e2e-chat-answer.png"), full_page=True)

    with context.expect_page() as opened:
        card.get_by_role("link", name="Åbn kilden").click()
    source = opened.value
    source.wait_for_load_state("domcontentloaded")
    passage = source.locator(".pulje-passage")
    expect(passage).to_be_visible(timeout=60_000)
    expect(passage.locator("mark")).to_contain_text(QUOTE)
    expect(source.get_by_text("Børne- og Undervisningsministeriet · Regler").first
           ).to_be_visible()
    source.screenshot(path=str(ARTIFACTS / "e2e-source.png"), full_page=True)
    context.close()
    assert (ARTIFACTS / "e2e-chat-answer.png").stat().st_size > 10_000
