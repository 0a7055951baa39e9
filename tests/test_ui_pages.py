"""The plan check and the sources page in a real browser (Chromium, Playwright) against a
real chat and API; screenshots go to ``test-artifacts/``. The browser, the chat server and
the guarded context (no request may leave the machine) come from ``test_ui_e2e``."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests import test_ui_e2e as e2e
from tests.servers import Server

# Left out of the fast loop (-m "not slow"): real servers and a browser.
pytestmark = pytest.mark.slow

ARTIFACTS = e2e.ARTIFACTS
browser, chat, context, outside = e2e.browser, e2e.chat, e2e.context, e2e.outside  # fixtures

PLAN_CSV = ("Aktivitet;Kategori;Beløb\n"
            "Meritpædagoguddannelse for fire medhjælpere;;1.600.000\n"
            "Privat kursus i musik for hele huset;informal;300.000\n"
            "Masteruddannelse i ledelse;;50.000\n").encode()


def fits(page: Page, selector: str) -> None:
    """Every element is inside the page's width and shows all its text (no cut-off)."""
    width = page.evaluate("innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for el in page.locator(selector).all():
        box = el.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        assert el.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), el.inner_text()


def test_plan_check_shows_amounts_reasons_cap_chart_and_csv(
        chat: Server, api_server: Server, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(f"{chat.url}/plan", wait_until="domcontentloaded")
    grant = page.get_by_label("Kommunens tilskud (kr.)")
    expect(grant).to_be_visible(timeout=60_000)
    grant.fill("2400000")
    grant.press("Enter")
    expect(page.get_by_text("2.400.000 kr.", exact=True)).to_be_visible()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "plan.csv", "mimeType": "text/csv", "buffer": PLAN_CSV}])
    expect(page.get_by_text("plan.csv")).to_be_visible()
    page.wait_for_timeout(1000)
    editor = page.locator('[data-testid="stDataFrame"]')
    assert editor.locator(".dvn-scroller").evaluate(  # the amount column is not cut off
        "e => e.scrollWidth <= e.clientWidth + 1")
    editor.screenshot(path=str(ARTIFACTS / "e2e-plan-editor.png"))
    # A day before the first round's window closed (31 July 2026) in the sidebar: sent as
    # as_of, so the new meritpædagog course is judged on that day, not today.
    day = page.get_by_role("spinbutton", name="day, Vurdér pr. dato")
    day.click()
    page.keyboard.type("01032026")
    page.keyboard.press("Tab")
    page.wait_for_timeout(1000)
    expect(page.get_by_role("spinbutton", name="month, Vurdér pr. dato")).to_have_attribute(
        "aria-valuenow", "3")
    page.get_by_role("button", name="Tjek planen").click()

    items = page.locator(".pulje-item")
    expect(items).to_have_count(3, timeout=60_000)
    expect(page.locator(".pulje-amount")).to_have_text(
        ["1.600.000 kr.", "300.000 kr.", "50.000 kr."])
    expect(page.locator(".pulje-verdict")).to_have_text(["Ja", "Ja, hvis …", "Nej"])
    expect(items.nth(2)).to_contain_text("Masteruddannelse i ledelse")
    fits(page, ".pulje-item, .pulje-why, .pulje-source")
    assert "900000" not in page.locator("body").inner_text()
    assert all(len(w.inner_text()) > 40 for w in page.locator(".pulje-why").all())

    chart = page.locator('[data-testid="stVegaLiteChart"]')
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    box = chart.bounding_box()
    assert box and box["height"] >= 80 and box["width"] >= 300, box
    drawn = chart.locator("canvas, svg").first
    drawn_box = drawn.bounding_box()
    assert drawn_box and drawn_box["height"] >= 80, drawn_box
    chart.screenshot(path=str(ARTIFACTS / "e2e-plan-cap-chart.png"))

    # The item's [n] links reach the plan's source cards, one per passage.
    first_link = items.first.get_by_role("link").first
    target = (first_link.get_attribute("href") or "").lstrip("#")
    holder = page.locator(f'.pulje-source:has([id="{target}"]), .pulje-source[id="{target}"]')
    expect(holder).to_have_count(1)
    ids = [c.get_attribute("data-ns") for c in page.locator(".pulje-source").all()]
    assert len(ids) == len(set(ids)) and ids
    page.screenshot(path=str(ARTIFACTS / "e2e-plan-result.png"), full_page=True)

    with page.expect_download() as done:
        page.get_by_role("button", name="Hent resultatet som CSV").click()
    data = done.value.path().read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["#", "Aktivitet", "Kategori", "Beløb (kr.)", "Vurdering",
                       "Begrundelse", "Kilder"]
    assert [r[3] for r in rows[1:]] == ["1600000", "300000", "50000"]
    assert b".0;" not in data


def test_sources_page_shows_passage_text_not_markdown(chat: Server,
                                                      context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(f"{chat.url}/kilder?passage=faktaark-018&quote=1.+august+2025+%E2%80%93+31.+juli"
              "+2027", wait_until="domcontentloaded")
    passage = page.locator(".pulje-passage")
    expect(passage).to_be_visible(timeout=60_000)
    text = passage.inner_text()
    for line in ["- 1. august 2023 – 31. juli 2025", "- 1. august 2025 – 31. juli 2027",
                 "- 1. august 2027 - 31. juli 2029", "- 1. august 2029 – 31. juli 2030"]:
        assert line in text
    expect(passage.locator("ol, ul, li")).to_have_count(0)
    expect(passage.locator("mark")).to_have_text(["1. august 2025 – 31. juli 2027"])
    page.screenshot(path=str(ARTIFACTS / "e2e-source-plain-text.png"), full_page=True)


def pick(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option).click()


def test_sources_can_be_browsed_and_searched(chat: Server, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(f"{chat.url}/kilder", wait_until="domcontentloaded")
    passage = page.locator(".pulje-passage")
    expect(passage).to_have_attribute("data-id", "faktaark-001", timeout=60_000)

    # Browse: another document, its sections in reading order, a passage in one.
    pick(page, "Dokument", "Spørgsmål om opkvalificering af pædagogmedhjælper ved AMU-kurser")
    expect(passage).to_have_attribute("data-id", "kk-amu-svar-001", timeout=30_000)
    # The sections of the rules, in reading order; one with two passages, the second read.
    pick(page, "Dokument", "Fakta om rammer for udmøntning af opkvalificeringspuljen på "
                           "dagtilbudsområdet for 2023-2025")
    expect(passage).to_have_attribute("data-id", "faktaark-001", timeout=30_000)
    page.get_by_role("combobox", name="Afsnit", exact=True).click()
    names = page.get_by_role("option").all_inner_texts()
    assert names[0].startswith("Formål") and len(names) >= 5
    assert names.index("Krav til økonomisk afrapportering (2)") > 3  # near the end
    page.get_by_role("option", name="Krav til økonomisk afrapportering (2)").click()
    expect(passage).to_have_attribute("data-id", "faktaark-018")
    listed = page.locator('[data-testid="stButton"] button[kind^="tertiary"]')
    expect(listed).to_have_count(2)
    listed.nth(1).click()
    expect(passage).to_have_attribute("data-id", "faktaark-019")
    expect(passage).to_contain_text("Regnskaberne skal dokumentere")
    page.get_by_role("button", name="◀ Forrige").click()
    expect(passage).to_have_attribute("data-id", "faktaark-018")
    page.screenshot(path=str(ARTIFACTS / "e2e-sources-browse.png"), full_page=True)

    # Search: a word, the hits with it marked, one opened.
    box = page.get_by_label("Søg i kilderne")
    box.fill("vikarer")
    box.press("Enter")
    hits = page.locator(".pulje-hit")
    expect(hits.first).to_be_visible(timeout=60_000)
    expect(hits.first.locator("mark").first).to_have_text("vikarer", ignore_case=True)
    hit_id = hits.nth(1).locator("span").inner_text().strip("()")
    page.screenshot(path=str(ARTIFACTS / "e2e-sources-search.png"), full_page=True)
    page.locator('[data-testid="stButton"]').filter(has=page.get_by_role("button", name="Vis")
                                                    ).nth(1).click()
    expect(passage).to_have_attribute("data-id", hit_id)
    expect(passage.locator("mark").first).to_have_text("vikarer", ignore_case=True)
    assert f"passage={hit_id}" in page.url
    page.screenshot(path=str(ARTIFACTS / "e2e-sources-hit-opened.png"), full_page=True)
