"""The reading view's find box in headless Chromium (static/js/find.js): Enter steps between
matching paragraphs in place and a live region says where the reader is."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.search.conftest import search_document

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright beside live_server

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
MISSING = not Path(CHROMIUM).exists() and os.environ.get("CI", "").lower() != "true"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(MISSING, reason=f"Chromium not found at {CHROMIUM}"),
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}


@pytest.fixture
def find_edition(transactional_db):
    return factories.make_edition(search_document())


def test_enter_steps_through_the_matches_and_announces_them(page, live_server, find_edition):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/test-interview/?find=Bild*#find-input")
    search_box = page.locator("#find-input")
    expect(search_box).to_be_focused()
    status = page.locator("[data-find-status]")
    expect(status).to_have_text("“Bild*”: 3 paragraphs match.")
    expect(page.locator(".para-row.find-hit")).to_have_count(3)

    search_box.press("Enter")
    expect(status).to_have_text("Match 1 of 3: paragraph 2")
    expect(page.locator(".find-current")).to_have_id("p2")
    assert page.url.endswith("match=1#p2")
    search_box.press("Enter")
    search_box.press("Enter")
    expect(status).to_have_text("Match 3 of 3: paragraph 4")
    search_box.press("Enter")
    expect(status).to_have_text("Match 1 of 3: paragraph 2")
    search_box.press("Shift+Enter")
    expect(page.locator(".find-current")).to_have_id("p4")
    expect(search_box).to_be_focused()

    page.locator("[data-find-match='p3']").click()
    expect(page.locator("#p3")).to_be_focused()
    expect(status).to_have_text("Match 2 of 3: paragraph 3")
    assert errors == []


def test_a_new_text_is_submitted_as_usual(page, live_server, find_edition):
    page.goto(f"{live_server.url}/test-interview/?find=Bild#find-input")
    page.locator("#find-input").fill("Plakat")
    page.locator("#find-input").press("Enter")
    expect(page.locator("[data-find-status]")).to_have_text("“Plakat”: 1 paragraph matches.")
    assert "find=Plakat" in page.url
