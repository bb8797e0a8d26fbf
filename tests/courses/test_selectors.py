"""Which courses a user finds: only their own; anything else is not found."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.models import Annotation
from annotations.services import annotation_create
from courses.progress import Progress, Status
from courses.selectors import (
    assignment_progress,
    assignment_progress_of,
    course_get_for_member,
    course_members,
    courses_for_user,
    dashboard_for_user,
)
from courses.services import assignment_create, co_instructor_add, course_create, course_join
from edition.models import Edition
from tests.courses.conftest import make_instructor
from tests.factories import make_document, make_edition, make_user


def course_edition() -> Edition:
    return Edition.objects.get(slug="test-interview")


def test_courses_for_user_lists_only_their_courses_with_their_role(course, student):
    other = course_create(user=make_instructor("ola"), title="Anderer Kurs")
    assert [(c.title, c.viewer_role) for c in courses_for_user(student)] == [
        ("Bildtheorie", "student")
    ]
    assert [c.title for c in courses_for_user(other.created_by)] == ["Anderer Kurs"]


def test_anonymous_and_outsiders_have_no_courses(course, outsider):
    assert list(courses_for_user(AnonymousUser())) == []
    assert list(courses_for_user(outsider)) == []


def test_course_get_for_member_knows_the_viewers_role(course, instructor, student):
    as_student = course_get_for_member(student, course.slug)
    as_instructor = course_get_for_member(instructor, course.slug)
    assert as_student == course and not as_student.viewer_is_instructor
    assert as_instructor.viewer_is_instructor


def test_course_get_for_member_is_none_for_outsiders_and_unknown_slugs(course, outsider):
    assert course_get_for_member(outsider, course.slug) is None
    assert course_get_for_member(AnonymousUser(), course.slug) is None
    assert course_get_for_member(outsider, "no-such-course") is None


def test_members_are_listed_instructors_first_then_in_joining_order(course, instructor, student):
    later = make_user("zoe")
    course_join(user=later, code=course.join_code)
    co_instructor_add(user=instructor, course=course, username="zoe")
    names = [(m.user.username, m.role) for m in course_members(course)]
    assert names == [("ines", "instructor"), ("zoe", "instructor"), ("stu", "student")]


# Progress


@pytest.fixture
def write(course, edition):
    """write(user, "p2") annotates a paragraph (shared with the course unless told otherwise);
    write(user, reply_to=note) replies."""

    def write(user, public_id=None, *, reply_to=None, visibility="group", group=None, on=None):
        if reply_to is not None:
            return annotation_create(
                user=user, parent=reply_to, motivation="replying", body="Antwort."
            )
        if visibility == "group":
            group = group or course.group
        return annotation_create(
            user=user,
            paragraph=(on or edition).paragraphs.get(public_id=public_id),
            motivation="commenting",
            body="Notiz.",
            visibility=visibility,
            group=group,
        )

    return write


def progress(user, assignment, now=None) -> Progress:
    course = course_get_for_member(user, assignment.course.slug)
    assignment.course = course
    return assignment_progress_of(user, assignment, now=now)


def counts(p: Progress) -> tuple:
    return (p.annotations, p.replies, p.annotations_on_time, p.replies_on_time)


def test_nothing_written_is_not_started(assignment, student):
    p = progress(student, assignment)
    assert counts(p) == (0, 0, 0, 0) and p.status == Status.NOT_STARTED


def test_some_work_in_the_range_is_in_progress(assignment, student, write):
    write(student, "p2")
    p = progress(student, assignment)
    assert counts(p) == (1, 0, 1, 0) and p.status == Status.IN_PROGRESS


def test_meeting_the_expectation_is_done(assignment, student, instructor, write):
    write(student, "p2")
    write(student, "p3")
    write(student, reply_to=write(instructor, "p3"))
    p = progress(student, assignment)
    assert counts(p) == (2, 1, 2, 1) and p.status == Status.DONE


def test_only_the_range_counts_and_replies_count_by_their_thread(
    assignment, student, instructor, write
):
    write(student, "p1")
    write(student, "p4")
    write(student, reply_to=write(instructor, "p4"))
    inside = write(instructor, "p2")
    write(student, reply_to=write(student, reply_to=inside))  # a reply to a reply: thread in p2
    assert counts(progress(student, assignment)) == (0, 2, 0, 2)


def test_private_deleted_and_other_groups_notes_do_not_count(assignment, student, edition, write):
    from annotations.models import Group
    from annotations.services import annotation_delete

    write(student, "p2", visibility="private")
    annotation_delete(user=student, annotation=write(student, "p2"))
    elsewhere = Group.objects.create(name="Lesekreis", slug="lesekreis")
    elsewhere.members.add(student)
    write(student, "p2", group=elsewhere)
    assert counts(progress(student, assignment)) == (0, 0, 0, 0)
    write(student, "p3", visibility="public")
    assert counts(progress(student, assignment)) == (1, 0, 1, 0)


def test_other_editions_and_other_students_do_not_count(assignment, course, student, write):
    second = make_document()
    second["edition"]["slug"] = "zweites-gespraech"
    other_edition = make_edition(second)
    write(student, "p2", visibility="public", on=other_edition)
    classmate = make_user("cleo")
    course_join(user=classmate, code=course.join_code)
    write(classmate, "p2")
    assert counts(progress(student, assignment)) == (0, 0, 0, 0)


def test_work_from_before_the_opening_does_not_count(assignment, student, write):
    early = write(student, "p2")
    Annotation.objects.filter(pk=early.pk).update(
        created=assignment.opens_at - timedelta(minutes=1)
    )
    assert counts(progress(student, assignment)) == (0, 0, 0, 0)


def test_nothing_after_the_due_date_is_late(assignment, student):
    after_due = assignment.due_at + timedelta(minutes=1)
    assert progress(student, assignment, now=after_due).status == Status.LATE


def test_unfinished_work_after_the_due_date_is_late(assignment, student, write):
    write(student, "p2")
    after_due = assignment.due_at + timedelta(days=1)
    assert progress(student, assignment, now=after_due).status == Status.LATE


def test_finished_only_after_the_due_date_is_late(assignment, student, instructor, write):
    write(student, "p2")
    write(student, reply_to=write(instructor, "p3"))
    late = write(student, "p3")
    Annotation.objects.filter(pk=late.pk).update(created=assignment.due_at + timedelta(hours=2))
    now = assignment.due_at + timedelta(days=1)
    p = progress(student, assignment, now=now)
    assert counts(p) == (2, 1, 1, 1) and p.late_work == 1 and p.status == Status.LATE


def test_done_on_time_stays_done_after_the_due_date(assignment, student, instructor, write):
    write(student, "p2")
    write(student, "p3")
    write(student, reply_to=write(instructor, "p2"))
    after_due = assignment.due_at + timedelta(days=30)
    assert progress(student, assignment, now=after_due).status == Status.DONE


def test_a_whole_edition_assignment_counts_every_paragraph(course, instructor, student, write):
    whole = assignment_create(
        user=instructor,
        course=course,
        title="Alles",
        edition=course_edition(),
        due_at=timezone.now() + timedelta(days=1),
        min_annotations=2,
        min_replies=0,
    )
    write(student, "p1")
    write(student, "p4")
    p = progress(student, whole)
    assert counts(p) == (2, 0, 2, 0) and p.status == Status.DONE


def test_instructors_have_no_progress_of_their_own(assignment, instructor, write):
    write(instructor, "p2")
    assert progress(instructor, assignment) is None


def test_dashboard_groups_assignments_under_courses_with_status(
    course, assignment, student, write, django_assert_num_queries
):
    other = course_create(user=make_instructor("ola"), title="Zweiter Kurs")
    course_join(user=student, code=other.join_code)
    assignment_create(
        user=other.created_by,
        course=other,
        title="Zweite Lektüre",
        edition=course_edition(),
        start="p4",
        end="p4",
        due_at=timezone.now() + timedelta(days=2),
        min_annotations=1,
        min_replies=0,
    )
    write(student, "p2")
    with django_assert_num_queries(2):
        courses = dashboard_for_user(student)
        rows = [
            (c.title, a.title, a.progress.status) for c in courses for a in c.dashboard_assignments
        ]
    assert rows == [
        ("Zweiter Kurs", "Zweite Lektüre", Status.NOT_STARTED),
        ("Bildtheorie", "Archiv und Bild", Status.IN_PROGRESS),
    ]


def test_dashboard_of_an_instructor_lists_assignments_without_progress(
    course, assignment, instructor
):
    [taught] = dashboard_for_user(instructor)
    assert [a.title for a in taught.dashboard_assignments] == ["Archiv und Bild"]
    assert not hasattr(taught.dashboard_assignments[0], "progress")


def test_progress_table_has_a_row_per_student(assignment, course, student, instructor, write):
    classmate = make_user("cleo")
    course_join(user=classmate, code=course.join_code)
    write(student, "p2")
    write(classmate, "p2")
    write(classmate, "p3")
    write(classmate, reply_to=write(instructor, "p2"))
    rows = assignment_progress(assignment)
    assert [(m.user.username, counts(m.progress), m.progress.status) for m in rows] == [
        ("cleo", (2, 1, 2, 1), Status.DONE),
        ("stu", (1, 0, 1, 0), Status.IN_PROGRESS),
    ]


def test_progress_table_query_count_does_not_grow_with_students(
    assignment, course, write, django_assert_max_num_queries
):
    def students(first, last):
        for number in range(first, last):
            user = make_user(f"student{number}")
            course_join(user=user, code=course.join_code)
            write(user, "p2")

    students(0, 3)
    with CaptureQueriesContext(connection) as three:
        assert len(assignment_progress(assignment)) == 3
    students(3, 10)
    with django_assert_max_num_queries(len(three.captured_queries)):
        rows = assignment_progress(assignment)
        assert len(rows) == 10 and all(m.progress.annotations == 1 for m in rows)
        assert all(m.user.profile.name for m in rows)
