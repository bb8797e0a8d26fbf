"""The shipped edition read in headless Chromium: layout, permalinks, no-JS, phone width."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from edition.services import edition_import
from edition.source import load_source_file

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shipped_edition(transactional_db):
    edition_import(source=load_source_file(Path(settings.EDITION_SOURCE_DIR) / "erz-2023.yaml"))


def test_edition_page_reads_cleanly_in_chromium(
    page, live_server, shipped_edition, console_errors, screenshot_dir
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/erz-2023/")
    assert page.locator("h1").inner_text().startswith("Das Archiv als Ort der Bildproduktion")
    assert page.locator(".para-row").count() == 34
    assert page.locator(".turn").count() == 17
    assert page.locator("a[href='https://doi.org/10.3224/soz.v16i1.06']").first.is_visible()
    assert page.locator(".para[lang=de]").count() == 34
    page.screenshot(path=screenshot_dir / "edition.png")
    assert console_errors == []


def test_anchor_scrolls_to_the_paragraph(page, live_server, shipped_edition):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/erz-2023/#p20")
    page.wait_for_function(
        # A function, not an expression: Playwright evals expressions, which the CSP forbids.
        "() => Math.abs(document.getElementById('p20').getBoundingClientRect().top) < 100",
        timeout=5000,
    )


def test_copy_link_puts_the_permalink_on_the_clipboard(
    page, live_server, shipped_edition, console_errors
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/erz-2023/")
    row = page.locator("#p12")
    row.get_by_role("button", name="Copy link").click()
    expect(row.get_by_role("status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}/erz-2023/p12/"
    assert console_errors == []


def test_paragraph_page_in_context(
    page, live_server, shipped_edition, console_errors, screenshot_dir
):
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{live_server.url}/erz-2023/p12/")
    assert page.locator("h1").inner_text().startswith("Paragraph 12")
    assert "(Erz, 2023, para. 12)" in page.locator("#cite").inner_text()
    page.get_by_label("Citation style").select_option("dgps")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#cite")).to_contain_text("(Erz, 2023, Abs. 12)")
    page.get_by_role("link", name="para. 13 →").click()
    assert page.url == f"{live_server.url}/erz-2023/p13/"
    page.goto(f"{live_server.url}/erz-2023/p12/")
    page.screenshot(path=screenshot_dir / "paragraph.png", full_page=True)
    assert console_errors == []


def test_edition_works_without_javascript(browser, live_server, shipped_edition):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/erz-2023/")
    assert page.locator(".para-row").count() == 34
    assert page.locator(".copy-button").count() == 0
    page.locator("#p5 .para-num").click()
    assert page.url == f"{live_server.url}/erz-2023/p5/"
    page.locator("#p5 .apparatus summary").click()
    assert page.locator("#p5 .apparatus-list").is_visible()
    context.close()


def test_phone_width_has_no_horizontal_scroll(page, live_server, shipped_edition, screenshot_dir):
    page.set_viewport_size({"width": 320, "height": 800})
    for url in ("/erz-2023/", "/erz-2023/p13/"):
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, url
    page.goto(f"{live_server.url}/erz-2023/#p1")
    page.screenshot(path=screenshot_dir / "phone.png")
