"""The page per member for a course's instructors: everything the member shared with the course,
in reading order, and nothing else."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.models import Annotation, Group
from annotations.services import TextSelector, annotation_create, annotation_delete
from courses.services import assignment_create, course_create, course_join
from tests.courses.conftest import make_instructor
from tests.courses.test_views import text
from tests.factories import make_document, make_edition, make_user


def url(course, username="stu") -> str:
    return f"/courses/{course.slug}/students/{username}/"


def note(user, course, public_id="p2", *, body="Notiz.", edition=None, selector=None, **changes):
    fields = {"visibility": "group", "group": course.group} | changes
    edition = edition or course.assignments.get().edition
    return annotation_create(
        user=user,
        paragraph=edition.paragraphs.get(public_id=public_id),
        selector=selector,
        motivation="commenting",
        body=body,
        tags=["Bild"],
        **fields,
    )


def reply(user, parent, body="Ja."):
    return annotation_create(user=user, parent=parent, motivation="replying", body=body)


def listed(response) -> list[str]:
    """The bodies on the page's list, in order."""
    page = text(response)
    start = page.index("Annotations and replies")
    found = [body for body in BODIES if body in page[start:]]
    return sorted(found, key=lambda body: page.index(body, start))


BODIES = [f"Notiz {number}." for number in range(20)]


# Who sees the page


def test_anonymous_visitors_are_sent_to_log_in(client, course, student):
    assert client.get(url(course))["Location"].startswith("/accounts/login/?next=/courses/")


@pytest.mark.parametrize("who", ["outsider", "other_instructor", "student", "classmate"])
def test_only_the_courses_instructors_see_it(client, assignment, course, student, request, who):
    note(student, course, body="Nur für den Kurs.")
    if who == "other_instructor":
        user = make_instructor("ola")
        course_create(user=user, title="Anderer Kurs")
    elif who == "classmate":
        user = make_user("cleo")
        course_join(user=user, code=course.join_code)
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(url(course))
    assert response.status_code == (404 if who in ("outsider", "other_instructor") else 403)
    assert "Nur für den Kurs." not in response.content.decode()


@pytest.mark.parametrize("username", ["nobody", "otto"])
def test_someone_outside_the_course_has_no_page(client, course, instructor, outsider, username):
    note(outsider, course, visibility="public", group=None, edition=make_edition())
    client.force_login(instructor)
    assert client.get(url(course, username)).status_code == 404


def test_member_list_and_progress_rows_link_to_the_page(
    client, assignment, course, instructor, student
):
    client.force_login(instructor)
    link = f'<a href="{url(course)}">Stu Dent</a>'
    assert link in client.get(f"/courses/{course.slug}/").content.decode()
    progress = f"/courses/{course.slug}/assignments/{assignment.pk}/progress/"
    assert link in client.get(progress).content.decode()


# What it shows


def test_shows_what_the_student_shared_with_the_course_and_nothing_else(
    client, assignment, course, instructor, student
):
    shared = note(student, course, body=BODIES[0])
    note(student, course, body=BODIES[1], visibility="public", group=None)
    note(student, course, body=BODIES[2], visibility="private", group=None)
    annotation_delete(user=student, annotation=note(student, course, body=BODIES[3]))
    elsewhere = Group.objects.create(name="Lesekreis", slug="lesekreis")
    elsewhere.members.add(student, instructor)
    note(student, course, body=BODIES[4], group=elsewhere)
    classmate = make_user("cleo")
    course_join(user=classmate, code=course.join_code)
    note(classmate, course, body=BODIES[5])
    client.force_login(instructor)
    response = client.get(url(course))
    assert listed(response) == BODIES[:2]
    page = text(response)
    assert "Stu Dent" in page and "stu · Student" in page
    assert "2 annotations and replies." in page
    assert f'href="/annotations/{shared.uuid}/"' in response.content.decode()  # the permalink
    assert 'href="/tags/bild/"' in response.content.decode()


def test_public_notes_count_only_on_the_courses_editions(
    client, assignment, course, instructor, student
):
    document = make_document()
    document["edition"]["slug"] = "zweites-gespraech"
    other = make_edition(document)
    note(student, course, body=BODIES[0], visibility="public", group=None, edition=other)
    note(student, course, body=BODIES[1], edition=other)  # shared with the course: counts
    client.force_login(instructor)
    assert listed(client.get(url(course))) == [BODIES[1]]
    assignment_create(
        user=instructor, course=course, title="Zweites", edition=other, due_at=assignment.due_at
    )
    assert listed(client.get(url(course))) == BODIES[:2]


def test_reading_order_across_editions_paragraphs_passages_and_time(
    client, assignment, course, instructor, student
):
    document = make_document()
    document["edition"]["slug"] = "aaa-frueher"  # sorts before test-interview
    first_edition = make_edition(document)
    text_p2 = assignment.edition.paragraphs.get(public_id="p2").text
    start = text_p2.index("Ort")
    later_passage = TextSelector(start, start + 3, "Ort")
    earlier_passage = TextSelector(0, 3, "Ein")
    note(student, course, "p3", body=BODIES[6])
    p3 = note(student, course, "p3", body=BODIES[5])  # written later, dated earlier
    note(student, course, "p2", body=BODIES[3], selector=later_passage)
    thread = note(instructor, course, "p2", body="Frage der Dozentin.", selector=earlier_passage)
    note(student, course, "p2", body=BODIES[1])  # whole paragraph: before its passages
    reply(student, thread, body=BODIES[2])
    Annotation.objects.filter(pk=p3.pk).update(created=timezone.now() - timedelta(hours=1))
    note(student, course, "p4", body=BODIES[7])
    note(student, course, "p4", body=BODIES[0], edition=first_edition)
    client.force_login(instructor)
    assert listed(client.get(url(course))) == [BODIES[n] for n in (0, 1, 2, 3, 5, 6, 7)]


def test_a_reply_shows_what_it_answers(client, assignment, course, instructor, student):
    text_p2 = assignment.edition.paragraphs.get(public_id="p2").text
    start = text_p2.index("Bildproduktion")
    thread = note(
        instructor,
        course,
        body="Was heißt *Produktion* hier?",
        selector=TextSelector(start, start + 14, "Bildproduktion"),
    )
    first = reply(make_student(course, "cleo", "Cleo Classmate"), thread, body="Herstellung.")
    reply(make_student(course, "stu2", "Stu Zwei"), first, body="Eher Erzeugung.")
    client.force_login(instructor)
    page = text(client.get(url(course, "stu2")))
    assert "In reply to Cleo Classmate : Herstellung." in page  # text() spaces out the link
    assert "The thread is on: Bildproduktion" in page
    page = text(client.get(url(course, "cleo")))
    assert "In reply to ines : Was heißt *Produktion* hier?" in page


def make_student(course, username, display_name):
    user = make_user(username, display_name=display_name)
    course_join(user=user, code=course.join_code)
    return user


def test_shows_the_students_status_with_each_assignment(
    client, assignment, course, instructor, student
):
    note(student, course, "p2")
    client.force_login(instructor)
    page = text(client.get(url(course)))
    assert "Archiv und Bild 1 of 2 annotations, 0 of 1 replies in progress" in page


def test_an_instructors_page_has_their_notes_and_no_status(
    client, assignment, course, instructor, student
):
    note(instructor, course, body=BODIES[0])
    client.force_login(instructor)
    response = client.get(url(course, "ines"))
    assert listed(response) == BODIES[:1] and "Instructor" in text(response)
    assert "status--" not in response.content.decode()


def test_queries_do_not_grow_with_annotations(
    client, assignment, course, instructor, student, django_assert_max_num_queries
):
    def write(count):
        for _ in range(count):
            thread = note(instructor, course, "p2", body="Frage.")
            reply(student, thread, body="Antwort.")
            note(student, course, "p3", body="Notiz.")

    client.force_login(instructor)
    write(3)
    with CaptureQueriesContext(connection) as three:
        assert "6 annotations and replies." in text(client.get(url(course)))
    write(7)
    with django_assert_max_num_queries(len(three.captured_queries)):
        assert "20 annotations and replies." in text(client.get(url(course)))
