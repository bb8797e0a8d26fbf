"""A week of reading, in headless Chromium: the instructor creates a course and an assignment for
p12–p19 through the pages, a student joins with the code, reads the assignment with its range
marked, annotates and replies inside it (the notes go to the course by default), and the
instructor's progress page shows the student as done."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from annotations.models import Annotation
from annotations.services import annotation_create
from courses.models import Assignment, Course
from courses.services import instructor_role_set
from edition.models import Paragraph
from edition.services import edition_import
from edition.source import load_source_file
from tests.e2e.test_annotating import select_words, settle
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RANGE = [f"p{number}" for number in range(12, 20)]
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture
def people(transactional_db):
    edition_import(source=load_source_file(Path(settings.EDITION_SOURCE_DIR) / "erz-2023.yaml"))
    instructor = make_user("katrin", display_name="Katrin Held")
    instructor_role_set(user=instructor, granted=True)
    student = make_user("stella", display_name="Stella Schmidt")
    return {"instructor": get_user_model().objects.get(pk=instructor.pk), "student": student}


def log_in(page, live_server, username: str, next_path: str):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}{next_path}")


def the_form(page, button: str):
    """The form that the button submits (the header has a search form too)."""
    return page.locator("form").filter(has=page.get_by_role("button", name=button, exact=True))


def watch_errors(page) -> list[str]:
    """Console errors, uncaught exceptions and 5xx answers of a second page (the `console_errors`
    fixture watches the first)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None,
    )
    return errors


def words_of(public_id: str, first: int, last: int) -> str:
    paragraph = Paragraph.objects.get(edition__slug="erz-2023", public_id=public_id)
    return " ".join(paragraph.text.split()[first:last])


def test_instructor_assigns_p12_to_p19_and_sees_the_student_done(
    page, browser, live_server, people, console_errors, screenshot_dir
):
    # The instructor creates the course and the assignment through the pages.
    page.set_viewport_size({"width": 1400, "height": 1000})
    log_in(page, live_server, "katrin", "/courses/")
    page.get_by_role("link", name="New course").click()
    form = the_form(page, "Create course")
    form.get_by_label("Title").fill("Kunst und KI")
    form.get_by_label("Term").fill("Sommersemester 2027")
    form.get_by_label("Description").fill("Wir lesen das Interview mit Roland Meyer.")
    form.get_by_role("button", name="Create course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kunst und KI")
    join_code = page.locator("#join-code").inner_text().strip()
    course = Course.objects.get()
    assert join_code == course.join_code and course.created_by == people["instructor"]

    page.get_by_role("link", name="New assignment").click()
    now = timezone.localtime()
    due = now + timedelta(days=7)
    form = the_form(page, "Create assignment")
    form.get_by_label("Title").fill("Kunst, Arbeit und KI")
    form.get_by_label("Instructions").fill(
        "Lesen Sie **Abs. 12–19**:\n\n- Wer autorisiert Kunst?\n- Was heißt *Entqualifizierung*?"
    )
    form.get_by_label("Edition").select_option("erz-2023")
    form.get_by_label("From paragraph").fill("p12")
    form.get_by_label("To paragraph").fill("p19")
    form.get_by_label("Opens").fill((now - timedelta(hours=1)).strftime(DATETIME_LOCAL))
    form.get_by_label("Due").fill(due.strftime(DATETIME_LOCAL))
    form.get_by_label("Annotations expected").fill("2")
    form.get_by_label("Replies expected").fill("1")
    form.get_by_role("button", name="Create assignment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kunst, Arbeit und KI")
    assignment = Assignment.objects.get()
    assert (assignment.start_paragraph.public_id, assignment.end_paragraph.public_id) == (
        "p12",
        "p19",
    )
    assert (assignment.min_annotations, assignment.min_replies) == (2, 1)
    assert timezone.localtime(assignment.due_at).strftime(DATETIME_LOCAL) == due.strftime(
        DATETIME_LOCAL
    )
    expect(page.locator(".assignment-instructions strong")).to_have_text("Abs. 12–19")

    # Something to reply to: the instructor's question in the range, shared with the course.
    prompt = annotation_create(
        user=people["instructor"],
        paragraph=Paragraph.objects.get(edition__slug="erz-2023", public_id="p14"),
        motivation="questioning",
        body="Welche Kritik der KI-Bilder meint Meyer hier?",
        visibility="group",
        group=course.group,
    )

    # The student joins with the code and opens the reading from the assignment.
    # Reduced motion: no smooth scrolling to move the page under the screenshot.
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, reduced_motion="reduce")
    student_page = context.new_page()
    student_errors = watch_errors(student_page)
    log_in(student_page, live_server, "stella", "/courses/join/")
    form = the_form(student_page, "Join")
    form.get_by_label("Join code").fill(join_code.lower())
    form.get_by_role("button", name="Join").click()
    expect(student_page.get_by_role("status")).to_contain_text("You are a member of this course.")
    expect(student_page.get_by_role("heading", level=1)).to_have_text("Kunst und KI")
    student_page.get_by_role("link", name="Kunst, Arbeit und KI").click()
    student_page.get_by_role("link", name="Open the reading").click()
    student_page.wait_for_url(re.compile(rf"/erz-2023/\?assignment={assignment.pk}#p12$"))

    banner = student_page.locator(".reading-assignment")
    expect(banner.get_by_role("heading")).to_have_text("Assignment: Kunst, Arbeit und KI")
    expect(banner).to_contain_text("Kunst und KI")
    expect(banner.locator(".annotation-body li")).to_have_text(
        ["Wer autorisiert Kunst?", "Was heißt Entqualifizierung?"]
    )
    expect(banner).to_contain_text("You so far: 0 annotations, 0 replies (not started).")
    assigned = student_page.locator(".para-row--assigned")
    expect(assigned).to_have_count(len(RANGE))
    assert [row.get_attribute("id") for row in assigned.all()] == RANGE

    # First note: the paragraph's "Annotate" link and the words typed into Passage.
    course_audience = f"group:{course.group.slug}"
    student_page.locator("[data-annotate-paragraph=p13]").click()
    editor = student_page.get_by_role("dialog", name="New annotation")
    expect(editor.get_by_label("Who can see it")).to_have_value(course_audience)
    passage = words_of("p13", 1, 6)
    editor.get_by_label("Passage (optional)").fill(passage)
    editor.get_by_role("textbox", name="Note (Markdown)").fill("Ästhetik *und* Politik.")
    settle(student_page)
    editor.get_by_role("button", name="Save").click()
    expect(student_page.locator("[data-annotator-status]")).to_have_text("Annotation saved.")

    # Second note: words selected with the mouse.
    selected = "entqualifiziert und prekarisiert"
    select_words(student_page, "p18", selected)
    student_page.get_by_role("toolbar").get_by_role("button", name="Annotate").click()
    expect(editor.get_by_label("Passage (optional)")).to_have_value(selected)
    expect(editor.get_by_label("Who can see it")).to_have_value(course_audience)
    editor.get_by_role("textbox", name="Note (Markdown)").fill("Die **These** des Abschnitts.")
    settle(student_page)
    editor.get_by_role("button", name="Save").click()
    expect(student_page.locator("[data-annotator-status]")).to_have_text("Annotation saved.")
    expect(student_page.locator("p.para[data-paragraph=p18] mark.highlight")).to_have_text(selected)

    # And a reply to the instructor's question.
    thread = student_page.locator(f"#annotation-{prompt.uuid}")
    thread.get_by_role("button", name="Reply").first.click()
    thread.get_by_label("Your reply (Markdown)").fill("Die Kritik an unsichtbarer Arbeit.")
    thread.get_by_role("button", name="Send reply").click()
    expect(student_page.locator("[data-annotator-status]")).to_have_text("Reply saved.")

    work = Annotation.objects.filter(author=people["student"]).order_by("created")
    assert [(a.paragraph_id and a.paragraph.public_id, a.quote_exact) for a in work] == [
        ("p13", passage),
        ("p18", selected),
        (None, ""),
    ]
    assert {(a.visibility, a.group_id) for a in work} == {("group", course.group_id)}
    assert work[2].parent == prompt

    student_page.reload()
    banner = student_page.locator(".reading-assignment")
    expect(banner).to_contain_text("You so far: 2 annotations, 1 reply (done).")
    banner.evaluate(
        "element => window.scrollTo({top: element.getBoundingClientRect().top + scrollY - 16, "
        "behavior: 'instant'})"
    )
    expect(banner).to_be_in_viewport(ratio=1)
    student_page.screenshot(path=screenshot_dir / "assignment-reading.png")
    student_page.goto(f"{live_server.url}/courses/")
    expect(student_page.locator(f"#assignment-{assignment.pk} .status")).to_have_text("done")
    context.close()

    # The instructor's progress page.
    page.get_by_role("link", name="Students' progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress")
    row = page.locator("#progress-table tbody tr", has_text="Stella Schmidt")
    expect(row).to_have_count(1)
    expect(row.locator("td")).to_contain_text(["2 / 2", "1 / 1", "0", "done"])
    page.screenshot(path=screenshot_dir / "course-progress.png", full_page=True)
    assert console_errors == [] and student_errors == []
