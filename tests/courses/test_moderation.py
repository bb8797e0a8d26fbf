"""Moderation pages: the instructor hides a note from the per-student page or the course's
annotation list, with a reason, and shows it again."""

import csv
import io

import pytest
from django.test import Client

from annotations.models import Annotation
from annotations.services import annotation_create
from courses.services import annotation_hide, course_create, course_join
from tests.courses.conftest import make_instructor
from tests.courses.test_views import text
from tests.factories import make_user

REASON = "Nicht zum Thema."


@pytest.fixture
def note(assignment, course, student):
    return annotation_create(
        user=student,
        paragraph=assignment.edition.paragraphs.get(public_id="p2"),
        motivation="commenting",
        body="Eine Notiz im Kurs.",
        visibility="group",
        group=course.group,
    )


def hide_url(course, note) -> str:
    return f"/courses/{course.slug}/annotations/{note.uuid}/hide/"


def show_url(course, note) -> str:
    return f"/courses/{course.slug}/annotations/{note.uuid}/show/"


def student_url(course) -> str:
    return f"/courses/{course.slug}/students/stu/"


def test_per_student_page_offers_hide_with_a_reason(client, course, instructor, note):
    client.force_login(instructor)
    html = client.get(student_url(course)).content.decode()
    form = html[html.index(f'action="{hide_url(course, note)}"') :]
    form = form[: form.index("</form>")]
    assert 'name="reason"' in form and "required" in form and 'maxlength="500"' in form
    assert f'name="next" value="{student_url(course)}"' in form


def test_instructor_hides_from_the_list_and_returns_to_it(client, course, instructor, note):
    client.force_login(instructor)
    response = client.post(hide_url(course, note), {"reason": REASON, "next": student_url(course)})
    assert response.status_code == 302
    assert response["Location"] == f"{student_url(course)}#annotation-{note.uuid}"
    note.refresh_from_db()
    assert note.hidden_reason == REASON and note.hidden_by == instructor
    page = client.get(student_url(course))
    assert "The annotation is hidden; its author sees your reason." in text(page)
    assert f"Hidden by an instructor: {REASON}" in text(page)
    assert f'action="{show_url(course, note)}"' in page.content.decode()
    assert "Show again" in text(page)


def test_a_missing_reason_is_shown_at_the_field(client, course, instructor, note):
    client.force_login(instructor)
    response = client.post(hide_url(course, note), {"reason": "  ", "next": student_url(course)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in text(response)
    assert "Eine Notiz im Kurs." in html  # the note is shown with the form
    assert f'name="next" value="{student_url(course)}"' in html
    note.refresh_from_db()
    assert note.hidden_at is None


def test_a_reason_over_500_characters_is_refused(client, course, instructor, note):
    client.force_login(instructor)
    response = client.post(hide_url(course, note), {"reason": "x" * 501})
    assert response.status_code == 400
    assert "Ensure this value has at most 500 characters" in text(response)
    note.refresh_from_db()
    assert note.hidden_at is None


def test_an_outside_next_is_ignored(client, course, instructor, note):
    client.force_login(instructor)
    response = client.post(
        hide_url(course, note), {"reason": REASON, "next": "https://evil.example/"}
    )
    assert response["Location"] == student_url(course)


def test_show_again(client, course, instructor, note):
    annotation_hide(user=instructor, annotation=note, reason=REASON)
    client.force_login(instructor)
    url = f"/courses/{course.slug}/annotations/"
    response = client.post(show_url(course, note), {"next": url})
    assert response["Location"] == f"{url}#annotation-{note.uuid}"
    note.refresh_from_db()
    assert note.hidden_at is None and note.hidden_reason == ""
    assert "The annotation is shown again." in text(client.get(url))


@pytest.mark.parametrize("who", ["student", "classmate"])
def test_students_cannot_hide(client, course, note, request, who):
    if who == "classmate":
        user = make_user("cleo")
        course_join(user=user, code=course.join_code)
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.post(hide_url(course, note), {"reason": REASON}).status_code == 403
    assert client.get(hide_url(course, note)).status_code == 403
    note.refresh_from_db()
    assert note.hidden_at is None


def test_outsiders_and_other_instructors_get_404(client, course, note, outsider):
    other = make_instructor("ola")
    other_course = course_create(user=other, title="Anderer Kurs")
    client.force_login(outsider)
    assert client.post(hide_url(course, note), {"reason": REASON}).status_code == 404
    client.force_login(other)
    assert client.post(hide_url(course, note), {"reason": REASON}).status_code == 404
    # nor through their own course's URL
    assert client.post(hide_url(other_course, note), {"reason": REASON}).status_code == 404
    note.refresh_from_db()
    assert note.hidden_at is None


def test_a_public_note_has_no_hide_button_and_cannot_be_hidden(
    client, assignment, course, instructor, student
):
    public = annotation_create(
        user=student,
        paragraph=assignment.edition.paragraphs.get(public_id="p3"),
        motivation="commenting",
        body="Für alle.",
        visibility="public",
    )
    client.force_login(instructor)
    html = client.get(student_url(course)).content.decode()
    assert "Für alle." in html and hide_url(course, public) not in html
    assert client.post(hide_url(course, public), {"reason": REASON}).status_code == 404


def test_course_annotations_lists_every_members_notes_with_authors(
    client, assignment, course, instructor, student, note
):
    classmate = make_user("cleo", display_name="Cleo Classmate")
    course_join(user=classmate, code=course.join_code)
    annotation_create(user=classmate, parent=note, motivation="replying", body="Antwort.")
    annotation_hide(user=instructor, annotation=note, reason=REASON)
    client.force_login(instructor)
    page = text(client.get(f"/courses/{course.slug}/annotations/"))
    assert "2 annotations and replies." in page
    assert page.index("Eine Notiz im Kurs.") < page.index("Antwort.")
    assert "¶ 2 · Stu Dent" in page and "¶ 2 · Cleo Classmate" in page
    hidden = text(client.get(f"/courses/{course.slug}/annotations/?hidden=1"))
    assert "1 annotation or reply." in hidden and "Antwort." not in hidden
    html = client.get(f"/courses/{course.slug}/").content.decode()
    assert f'href="/courses/{course.slug}/annotations/"' in html


def test_annotations_csv_gives_the_reason_of_a_hidden_note(
    client, assignment, course, instructor, note
):
    annotation_hide(user=instructor, annotation=note, reason=REASON)
    client.force_login(instructor)
    raw = client.get(f"/courses/{course.slug}/assignments/{assignment.pk}/annotations.csv")
    rows = list(csv.DictReader(io.StringIO(raw.content.decode("utf-8-sig"))))
    assert rows[0]["hidden by an instructor"] == REASON


def test_the_hide_page_shows_the_note_and_the_form(client, course, instructor, note):
    client.force_login(instructor)
    response = client.get(hide_url(course, note))
    assert response.status_code == 200
    page = text(response)
    assert "Hide an annotation" in page and "Eine Notiz im Kurs." in page
    assert "Reason for hiding" in page


def test_forms_carry_csrf_tokens(course, instructor, note):
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    assert client.post(hide_url(course, note), {"reason": REASON}).status_code == 403
    assert not Annotation.objects.filter(hidden_at__isnull=False).exists()
