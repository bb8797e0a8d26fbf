"""Two readers of one seminar in headless Chromium: a classmate's course note arrives in the
other's open page without a reload, while the reader's place and open editor stay as they were;
a private note and a note the instructor hid never arrive, and nothing betrays them."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations.services import annotation_create
from courses.services import annotation_hide
from edition.models import Paragraph
from edition.services import edition_import
from edition.source import load_source_file
from tests.factories import DEFAULT_PASSWORD, make_course, make_instructor, make_student

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seminar(transactional_db, settings):
    settings.LIVE_POLL_MS = 500
    edition_import(source=load_source_file(Path(settings.EDITION_SOURCE_DIR) / "erz-2023.yaml"))
    ines = make_instructor("ines")
    course = make_course(ines, title="Bildtheorie")
    return {
        "ines": ines,
        "course": course,
        "lena": make_student(course, "lena", display_name="Lena Vogt"),
        "jonas": make_student(course, "jonas", display_name="Jonas Brandt"),
    }


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/?next=/erz-2023/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/erz-2023/")


def note(user, public_id, body, **kwargs):
    return annotation_create(
        user=user,
        paragraph=Paragraph.objects.get(edition__slug="erz-2023", public_id=public_id),
        motivation="commenting",
        body=body,
        **kwargs,
    )


def polls(page) -> list[int]:
    """The statuses of the page's live-channel answers, as they come."""
    seen: list[int] = []
    page.on("response", lambda r: seen.append(r.status) if "/live/" in r.url else None)
    return seen


def wait_for_polls(page, seen: list[int], count: int):
    start = len(seen)
    for _ in range(200):
        if len(seen) >= start + count:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the page asked its live channel {len(seen) - start} times")


def test_a_classmates_note_arrives_and_private_or_hidden_ones_never_do(
    page, live_server, seminar, console_errors, screenshot_dir
):
    group = seminar["course"].group
    note(seminar["lena"], "p12", "Schon vorher da", visibility="group", group=group)
    log_in(page, live_server, "jonas")
    seen = polls(page)
    page.locator("#p12").scroll_into_view_if_needed()
    expect(page.locator("[data-notes-for=p12]")).to_contain_text("Schon vorher da")
    # The reader is writing a note on p13 when the classmate's arrives on p12.
    page.locator('[data-annotate-paragraph="p13"]').click()
    page.locator("#editor-body").fill("Mein Entwurf")
    top_before = page.locator("p.para[data-paragraph=p13]").bounding_box()["y"]

    note(seminar["lena"], "p12", "Neu aus dem Seminar", visibility="group", group=group)
    expect(page.locator("[data-notes-for=p12]")).to_contain_text(
        "Neu aus dem Seminar", timeout=5000
    )
    expect(page.locator("[data-annotator-status]")).to_contain_text("new annotation")
    expect(page.locator("dialog[data-editor]")).to_be_visible()
    expect(page.locator("#editor-body")).to_have_value("Mein Entwurf")
    top_after = page.locator("p.para[data-paragraph=p13]").bounding_box()["y"]
    assert abs(top_after - top_before) < 2, (top_before, top_after)
    expect(page.locator("[data-notes-for=p12] .para-count, #p12 .para-count")).to_have_text("2")
    page.screenshot(path=str(screenshot_dir / "live-arrival.png"))
    page.locator("[data-editor-cancel]").click()

    # A private note of the classmate: the live channel's answers do not change at all.
    wait_for_polls(page, seen, 1)
    before = len(seen)
    note(seminar["lena"], "p12", "Nur für Lena", visibility="private")
    wait_for_polls(page, seen, 3)
    assert set(seen[before:]) == {304}, seen[before:]
    expect(page.locator("[data-notes-for=p12]")).not_to_contain_text("Nur für Lena")

    # A note the instructor hides goes away.
    hidden = note(seminar["lena"], "p12", "Bald versteckt", visibility="group", group=group)
    expect(page.locator("[data-notes-for=p12]")).to_contain_text("Bald versteckt", timeout=5000)
    annotation_hide(user=seminar["ines"], annotation=hidden, reason="Nicht zum Thema")
    expect(page.locator("[data-notes-for=p12]")).not_to_contain_text("Bald versteckt", timeout=5000)
    expect(page.locator("[data-notes-for=p12] li.thread")).to_have_count(2)
    assert not re.search("Lena Vogt.*versteckt", page.content())
    assert console_errors == []


def test_the_paragraph_page_shows_a_new_note_without_a_reload(
    page, live_server, seminar, console_errors
):
    group = seminar["course"].group
    log_in(page, live_server, "jonas")
    page.goto(f"{live_server.url}/erz-2023/p12/")
    seen = polls(page)
    wait_for_polls(page, seen, 1)
    note(seminar["lena"], "p12", "Auf der Absatzseite", visibility="group", group=group)
    expect(page.locator("[data-notes-for=p12]")).to_contain_text(
        "Auf der Absatzseite", timeout=5000
    )
    expect(page.locator("[data-live-status]")).to_contain_text("new annotation")
    assert console_errors == []
