""" "Cite ¶ N" in the reading view: the citation opens in place, copies, and closes with Escape."""

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


def test_cite_button_opens_the_paragraph_citation_in_place(
    page, live_server, shipped_edition, console_errors
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/erz-2023/?style=apa")
    row = page.locator("#p12")
    button = row.get_by_role("button", name="Cite ¶ 12")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    popover = row.locator(".cite-popover")
    expect(popover).to_contain_text("(Erz, 2023, para. 12)")
    expect(popover).to_contain_text("Soziologiemagazin")
    popover.get_by_role("button", name="Copy citation").click()
    expect(popover.get_by_role("status").last).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == "(Erz, 2023, para. 12)"
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")
    assert console_errors == []


def test_cite_button_follows_the_style_chosen_in_the_cite_panel(
    page, live_server, shipped_edition, console_errors
):
    page.goto(f"{live_server.url}/erz-2023/?style=dgps")
    page.locator("#p20").get_by_role("button", name="Cite ¶ 20").click()
    expect(page.locator("#p20 .cite-popover")).to_contain_text("(Erz, 2023, Abs. 20)")
    page.keyboard.press("Tab")  # into the popover (the DOI link comes first)
    assert page.evaluate("document.activeElement.closest('#p20 .cite-popover') !== null")
    page.keyboard.press("Escape")
    expect(page.locator("#p20").get_by_role("button", name="Cite ¶ 20")).to_be_focused()
    assert console_errors == []


def test_without_javascript_cite_is_a_link_to_the_paragraph_page(
    browser, live_server, shipped_edition
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/erz-2023/")
    page.locator("#p12").get_by_role("link", name="Cite ¶ 12").click()
    assert page.url == f"{live_server.url}/erz-2023/p12/#cite"
    assert "(Erz, 2023, para. 12)" in page.locator("#cite").inner_text()
    context.close()
