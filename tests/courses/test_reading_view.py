"""The edition page worked from an assignment (range marked, task at hand, notes go to the
course by default) and the instructor's heat map of the course's activity per paragraph."""

import json
import re

from django.test import Client

from annotations.services import annotation_create
from courses.services import course_create, course_join
from tests.courses.conftest import make_instructor
from tests.factories import make_user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows(html: str) -> dict[str, str]:
    """Each paragraph row's opening tag, by paragraph ID."""
    return dict(
        (m.group(2), m.group(1))
        for m in re.finditer(r'<div class="(para-row[^"]*)" id="(p\d+)">', html)
    )


def _config(html: str) -> dict:
    raw = re.search(r'<script id="annotator-config" type="application/json">(.*?)</script>', html)
    return json.loads(raw.group(1))


def test_student_working_an_assignment_sees_its_task_and_range(student, assignment):
    html = _client(student).get(f"/test-interview/?assignment={assignment.pk}").content.decode()
    assert "Assignment: Archiv und Bild" in html
    assert "Lesen Sie <strong>genau</strong>." in html
    assert "You so far: 0 annotations, 0 replies (not started)." in html
    rows = _rows(html)
    assert [pid for pid, cls in rows.items() if "para-row--assigned" in cls] == ["p2", "p3"]
    assert _config(html)["defaultVisibility"] == f"group:{assignment.course.group.slug}"


def test_progress_in_the_banner_counts_work_shared_with_the_course(student, assignment, edition):
    p2 = edition.paragraphs.get(public_id="p2")
    annotation_create(
        user=student,
        paragraph=p2,
        motivation="commenting",
        body="Für den Kurs",
        visibility="group",
        group=assignment.course.group,
    )
    annotation_create(
        user=student, paragraph=p2, motivation="commenting", body="Privat", visibility="private"
    )
    html = _client(student).get(f"/test-interview/?assignment={assignment.pk}").content.decode()
    assert "You so far: 1 annotation, 0 replies (in progress)." in html


def test_assignment_of_a_course_the_reader_is_not_in_is_ignored(outsider, assignment):
    for client in (_client(outsider), Client()):
        html = client.get(f"/test-interview/?assignment={assignment.pk}").content.decode()
        assert "Archiv und Bild" not in html and "para-row--assigned" not in html
        assert "defaultVisibility" not in html or _config(html)["defaultVisibility"] is None


def test_nonsense_assignment_parameter_still_opens_the_text(student, edition):
    response = _client(student).get("/test-interview/?assignment=abc")
    assert response.status_code == 200 and "para-row--assigned" not in response.content.decode()


def test_instructor_sees_the_course_heat_map_per_paragraph(instructor, course, student, edition):
    other = make_user("uma")
    course_join(user=other, code=course.join_code)
    p2, p3 = edition.paragraphs.get(public_id="p2"), edition.paragraphs.get(public_id="p3")
    shared = {"visibility": "group", "group": course.group, "motivation": "commenting"}
    root = annotation_create(user=student, paragraph=p2, body="Eins", **shared)
    annotation_create(user=other, paragraph=p2, body="Zwei", **shared)
    annotation_create(user=other, parent=root, motivation="replying", body="Antwort")
    annotation_create(user=student, paragraph=p3, body="Drei", **shared)
    annotation_create(
        user=student, paragraph=p3, motivation="commenting", body="Privat", visibility="private"
    )
    html = _client(instructor).get(f"/test-interview/?heatmap={course.slug}").content.decode()
    row = html[html.index('id="p2"') : html.index('id="p3"')]
    assert '<span class="heat heat--4">3 notes, 2 students</span>' in row
    row = html[html.index('id="p3"') : html.index('id="p4"')]
    assert '<span class="heat heat--2">1 note, 1 students</span>' in row
    row = html[html.index('id="p4"') :]
    assert '<span class="heat heat--0">no notes</span>' in row


def test_heat_map_is_for_the_courses_own_instructors_only(student, course, edition):
    elsewhere = course_create(user=make_instructor("ida"), title="Andere", term="", description="")
    for url in (
        f"/test-interview/?heatmap={course.slug}",
        f"/test-interview/?heatmap={elsewhere.slug}",
    ):
        html = _client(student).get(url).content.decode()
        assert 'class="heat ' not in html and "heat-map-form" not in html


def test_heat_map_query_count_does_not_grow_with_the_notes(
    instructor, course, student, edition, django_assert_max_num_queries
):
    client = _client(instructor)
    url = f"/test-interview/?heatmap={course.slug}"
    p2 = edition.paragraphs.get(public_id="p2")

    def add(n):
        for i in range(n):
            annotation_create(
                user=student,
                paragraph=p2,
                motivation="commenting",
                body=f"Notiz {i}",
                visibility="group",
                group=course.group,
            )

    add(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(10)
    with django_assert_max_num_queries(len(few)):
        client.get(url)


def test_filters_and_heat_map_keep_each_other_and_the_assignment(instructor, course, assignment):
    url = f"/test-interview/?assignment={assignment.pk}&heatmap={course.slug}&tag=methode"
    html = _client(instructor).get(url).content.decode()
    filters = html[html.index('class="annotation-filters"') :]
    filters = filters[: filters.index("</form>")]
    assert f'<input type="hidden" name="assignment" value="{assignment.pk}">' in filters
    assert f'<input type="hidden" name="heatmap" value="{course.slug}">' in filters
    heat_form = html[html.index('class="heat-map-form"') :]
    heat_form = heat_form[: heat_form.index("</form>")]
    assert '<input type="hidden" name="tag" value="methode">' in heat_form
    assert f'<input type="hidden" name="assignment" value="{assignment.pk}">' in heat_form
