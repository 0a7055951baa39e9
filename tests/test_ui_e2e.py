"""End to end in a real browser: Debian's Chromium, headless, driven by Playwright.

The chat (``streamlit run ui/app.py``) talks to a real API server; the tests ask what a
manager would, look at the verdict, the source cards and the sources page, and save
screenshots to ``test-artifacts/`` (or ``$PULJE_TEST_ARTIFACTS``). Every page a test opens
runs in a context that refuses (and records) any request to a host other than loopback:
nothing the chat shows may depend on the internet.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright

from tests.servers import KEY, PROJECT_ROOT, Server, start_chat, stop

# Left out of the fast loop (-m "not slow"): real servers and a browser.
pytestmark = pytest.mark.slow

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


LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class Outside(list[str]):
    """The URLs a context tried to fetch from outside the machine (each one refused)."""


@pytest.fixture
def outside() -> Outside:
    return Outside()


@pytest.fixture
def context(browser: Browser, outside: Outside) -> Iterator[BrowserContext]:
    """A Danish browser context in which every non-loopback request is refused and
    recorded; the test fails if there was any."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="da-DK",
                              accept_downloads=True)

    def guard(route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname in LOOPBACK:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    ctx.route("**/*", guard)
    yield ctx
    ctx.close()
    assert not outside, f"siden hentede noget uden for maskinen: {sorted(set(outside))}"


def ask(page: Page, question: str, answers: int) -> None:
    """Type the question and wait until the conversation holds ``answers`` answers."""
    box = page.get_by_placeholder("Skriv dit spørgsmål …")
    expect(box).to_be_visible(timeout=60_000)
    box.fill(question)
    box.press("Enter")
    expect(page.locator('[data-testid="stChatMessage"] .pulje-source').first
           ).to_be_visible(timeout=90_000)
    expect(page.locator('[data-testid="stChatMessage"]')).to_have_count(2 * answers,
                                                                          timeout=90_000)
    expect(page.get_by_text("Var svaret nyttigt?")).to_have_count(answers, timeout=90_000)


def api_answer(api: Server, question: str) -> dict:  # type: ignore[type-arg]
    """The same question straight from the API (its answers are deterministic)."""
    r = httpx.post(f"{api.url}/v1/ask", headers={"X-API-Key": KEY}, timeout=60,
                   json={"question": question})
    r.raise_for_status()
    return dict(r.json())


def test_a_manager_asks_and_opens_the_source(chat: Server, context: BrowserContext) -> None:
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
    assert (ARTIFACTS / "e2e-chat-answer.png").stat().st_size > 10_000


def test_one_card_per_passage_with_every_quote_and_an_anchor_per_number(
        chat: Server, api_server: Server, context: BrowserContext) -> None:
    question = "Hvornår skal vi indsende regnskab?"
    answer = api_answer(api_server, question)
    by_passage: dict[str, list[int]] = {}
    for c in answer["citations"]:
        by_passage.setdefault(c["passage_id"], []).append(c["n"])
    assert len(by_passage) < len(answer["citations"])  # the case: quotes sharing a passage
    page = context.new_page()
    page.goto(chat.url, wait_until="domcontentloaded")
    ask(page, question, 1)

    cards = page.locator(".pulje-source")
    expect(cards).to_have_count(len(by_passage))
    for i, (passage_id, ns) in enumerate(by_passage.items()):
        card = cards.nth(i)
        expect(card.locator(".pulje-numbers")).to_have_text(" ".join(f"[{n}]" for n in ns))
        expect(card.get_by_role("link", name=f"Åbn kilden ({passage_id})")).to_be_visible()
        quotes = {c["quote"] for c in answer["citations"] if c["passage_id"] == passage_id}
        expect(card.locator("mark")).to_have_count(len(quotes))
    # The passage is text: its "- 1. august 2023 – ..." lines are not a Markdown list.
    regnskab = cards.filter(has_text="1. august 2023")
    assert "- 1. august 2023 – 31. juli 2025" in regnskab.inner_text()
    expect(regnskab.locator("ol, ul, li")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "e2e-cards-grouped.png"), full_page=True)

    # Every [n] in the answer text jumps to the card holding n.
    message = page.locator('[data-testid="stChatMessage"]').last
    for n in sorted(c["n"] for c in answer["citations"]):
        link = message.locator('[data-testid="stMarkdownContainer"] a', has_text=f"[{n}]")
        target = (link.get_attribute("href") or "").lstrip("#")
        assert target, f"[{n}] is no link"
        holder = page.locator(f'.pulje-source:has([id="{target}"]), .pulje-source[id="{target}"]')
        expect(holder).to_have_count(1)
        expect(holder.locator(".pulje-numbers")).to_contain_text(f"[{n}]")
    # In a short window the last card starts out of sight; its number brings it in.
    page.set_viewport_size({"width": 1280, "height": 500})
    last = max(c["n"] for c in answer["citations"])
    link = message.locator('[data-testid="stMarkdownContainer"] a', has_text=f"[{last}]")
    link.scroll_into_view_if_needed()
    holder = page.locator(".pulje-source", has=page.locator(".pulje-numbers",
                                                             has_text=f"[{last}]"))
    expect(holder).not_to_be_in_viewport()
    link.click()
    expect(holder).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / "e2e-cards-jump.png"))


def test_english_follow_up_is_answered_in_english_by_default(chat: Server,
                                                            context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(chat.url, wait_until="domcontentloaded")
    expect(page.get_by_role("radio", name="Som spørgsmålet / As asked")).to_be_checked(
        timeout=60_000)
    ask(page, "Kan vi finansiere en masteruddannelse?", 1)
    first = page.locator('[data-testid="stChatMessage"]').nth(1)
    expect(first.get_by_text("kan ikke bruges på masteruddannelser")).to_be_visible()
    ask(page, "And what about a diploma programme?", 2)
    follow_up = page.locator('[data-testid="stChatMessage"]').nth(3)
    expect(follow_up.get_by_text("Academy and diploma programmes can be funded")
           ).to_be_visible()
    expect(follow_up.get_by_text("Yes, if …", exact=True)).to_be_visible()
    expect(follow_up.get_by_role("link", name="Open the source").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "e2e-language-follows-question.png"), full_page=True)

    # An explicit choice wins over the question's language.
    page.get_by_text("Dansk", exact=True).click()
    expect(page.get_by_placeholder("Skriv dit spørgsmål …")).to_be_visible()
    ask(page, "Can we pay for substitutes while staff are on a course?", 3)
    chosen = page.locator('[data-testid="stChatMessage"]').nth(5)
    expect(chosen.get_by_text("Ja, hvis …", exact=True)).to_be_visible()
    expect(chosen.get_by_text("Åbn kilden").first).to_be_visible()


def test_no_page_fetches_from_outside_and_the_icons_render(
        chat: Server, context: BrowserContext, outside: Outside) -> None:
    page = context.new_page()
    for path, ready in [("", page.get_by_placeholder("Skriv dit spørgsmål …")),
                        ("plan", page.get_by_role("button", name="Tjek planen")),
                        ("kilder?passage=faktaark-008", page.locator(".pulje-passage"))]:
        page.goto(f"{chat.url}/{path}", wait_until="networkidle")
        expect(ready).to_be_visible(timeout=60_000)
        page.wait_for_timeout(1500)  # late requests: favicon, fonts
        assert not outside, f"/{path} hentede {sorted(set(outside))}"
        icon = page.locator('link[rel~="icon"]').first.get_attribute("href") or ""
        got = page.request.get(icon if icon.startswith("http") else f"{chat.url}/{icon}")
        assert urlparse(got.url).hostname in LOOPBACK and got.ok
        assert got.headers["content-type"].startswith("image/")
        nav = page.locator('[data-testid="stSidebarNav"] [data-testid="stIconMaterial"]')
        expect(nav).to_have_count(3)
        for i in range(3):  # drawn by the icon font, not its ligature's letters
            font = nav.nth(i).evaluate(
                "e => getComputedStyle(e).fontFamily.split(',')[0].replaceAll('\"', '')")
            assert "Material" in font
            assert nav.nth(i).evaluate(f"e => document.fonts.check('24px \"{font}\"')")
            box = nav.nth(i).bounding_box()
            assert box and 12 <= box["width"] <= 30, box  # an icon, not the word "chat"
    page.locator('[data-testid="stSidebar"]').screenshot(
        path=str(ARTIFACTS / "e2e-sidebar-icons.png"))
