"""Creating, joining and running a course: membership rules and join codes."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from annotations.models import Annotation, Group
from annotations.selectors import annotations_visible_to
from annotations.services import annotation_create
from courses.join_codes import ALPHABET, LENGTH
from courses.models import Course, Membership
from courses.services import (
    assignment_create,
    assignment_update,
    co_instructor_add,
    course_create,
    course_join,
    instructor_role_set,
    is_instructor,
    join_code_regenerate,
    joining_set,
    member_remove,
)
from tests.courses.conftest import make_instructor
from tests.factories import make_document, make_edition, make_user


def roles(course) -> dict[str, str]:
    return {m.user.username: m.role for m in course.memberships.select_related("user")}


def group_members(course) -> set[str]:
    return set(course.group.members.values_list("username", flat=True))


# Creating


def test_creating_a_course_makes_its_group_and_its_creator_the_instructor(instructor):
    course = course_create(user=instructor, title="  Bild  und Archiv ", term="WS 2025/26")
    assert course.title == "Bild und Archiv" and course.slug == "bild-und-archiv-ws-202526"
    assert course.group.name == "Bild und Archiv (WS 2025/26)"
    assert course.group.slug == course.slug
    assert roles(course) == {"ines": "instructor"}
    assert group_members(course) == {"ines"}
    assert course.created_by == instructor and course.joining_open


def test_join_code_is_readable(course):
    assert len(course.join_code) == LENGTH
    assert set(course.join_code) <= set(ALPHABET)
    assert not set(course.join_code) & set("0O1IL")


def test_only_instructors_create_courses(outsider):
    with pytest.raises(PermissionDenied):
        course_create(user=outsider, title="Mein Kurs")
    assert not Course.objects.exists() and not Group.objects.exists()


def test_a_course_needs_a_title_and_nothing_is_saved_without_one(instructor):
    with pytest.raises(ValidationError) as error:
        course_create(user=instructor, title="   ")
    assert "title" in error.value.message_dict
    assert not Course.objects.exists() and not Group.objects.exists()


def test_slugs_stay_unique_and_avoid_existing_groups_and_reserved_words(instructor):
    Group.objects.create(name="Lektüre", slug="lekture")
    assert course_create(user=instructor, title="Lektüre").slug == "lekture-2"
    assert course_create(user=instructor, title="Lektüre").slug == "lekture-3"
    assert course_create(user=instructor, title="New").slug == "new-2"
    assert course_create(user=instructor, title="!!!").slug == "course"


# Joining


def test_joining_with_the_code_makes_a_student_and_a_group_member(course, student):
    assert roles(course) == {"ines": "instructor", "stu": "student"}
    assert group_members(course) == {"ines", "stu"}


def test_join_code_is_forgiving_about_case_spaces_and_dashes(course, outsider):
    typed = f" {course.join_code[:4].lower()}-{course.join_code[4:].lower()} "
    membership = course_join(user=outsider, code=typed)
    assert membership.course == course and membership.role == "student"


def test_joining_twice_keeps_one_membership(course, student):
    again = course_join(user=student, code=course.join_code)
    assert again.role == "student" and course.memberships.filter(user=student).count() == 1


def test_an_unknown_code_is_a_clear_error(course, outsider):
    with pytest.raises(ValidationError) as error:
        course_join(user=outsider, code="NOPE2345")
    assert "No course has this join code" in error.value.message_dict["code"][0]
    assert not course.memberships.filter(user=outsider).exists()


def test_an_empty_code_is_the_same_error(course, outsider):
    with pytest.raises(ValidationError, match="No course has this join code"):
        course_join(user=outsider, code=" - ")


def test_a_closed_course_cannot_be_joined(course, instructor, outsider):
    joining_set(user=instructor, course=course, is_open=False)
    with pytest.raises(ValidationError) as error:
        course_join(user=outsider, code=course.join_code)
    assert "Joining this course is closed" in error.value.message_dict["code"][0]
    assert group_members(course) == {"ines"}


def test_a_member_following_the_link_of_a_closed_course_is_still_a_member(
    course, instructor, student
):
    joining_set(user=instructor, course=course, is_open=False)
    assert course_join(user=student, code=course.join_code).role == "student"


def test_reopened_course_can_be_joined_again(course, instructor, outsider):
    joining_set(user=instructor, course=course, is_open=False)
    joining_set(user=instructor, course=course, is_open=True)
    assert course_join(user=outsider, code=course.join_code).role == "student"


def test_a_regenerated_code_replaces_the_old_one(course, instructor, outsider):
    old = course.join_code
    join_code_regenerate(user=instructor, course=course)
    course.refresh_from_db()
    assert course.join_code != old
    with pytest.raises(ValidationError, match="No course has this join code"):
        course_join(user=outsider, code=old)
    assert course_join(user=outsider, code=course.join_code).role == "student"


def test_students_cannot_change_the_code_or_joining(course, student):
    old = course.join_code
    with pytest.raises(PermissionDenied):
        join_code_regenerate(user=student, course=course)
    with pytest.raises(PermissionDenied):
        joining_set(user=student, course=course, is_open=False)
    course.refresh_from_db()
    assert course.join_code == old and course.joining_open


def test_an_instructor_of_another_course_cannot_change_this_one(course):
    other = make_instructor("ola")
    with pytest.raises(PermissionDenied):
        joining_set(user=other, course=course, is_open=False)


# Members


def test_removing_a_student_takes_them_out_of_the_group(course, instructor, student):
    member_remove(user=instructor, course=course, username="stu")
    assert roles(course) == {"ines": "instructor"}
    assert group_members(course) == {"ines"}


def test_a_removed_student_no_longer_sees_course_annotations(course, instructor, student, edition):
    note = annotation_create(
        user=instructor,
        paragraph=edition.paragraphs.get(public_id="p2"),
        motivation="commenting",
        body="Für den Kurs.",
        visibility=Annotation.Visibility.GROUP,
        group=course.group,
    )
    assert annotations_visible_to(student).filter(pk=note.pk).exists()
    member_remove(user=instructor, course=course, username="stu")
    student = get_user_model().objects.get(pk=student.pk)
    assert not annotations_visible_to(student).filter(pk=note.pk).exists()


def test_students_cannot_remove_members(course, instructor, student):
    with pytest.raises(PermissionDenied):
        member_remove(user=student, course=course, username="ines")
    assert roles(course) == {"ines": "instructor", "stu": "student"}


def test_removing_a_non_member_is_an_error(course, instructor, outsider):
    with pytest.raises(ValidationError, match="otto is not in this course"):
        member_remove(user=instructor, course=course, username="otto")


def test_the_last_instructor_cannot_be_removed(course, instructor):
    with pytest.raises(ValidationError, match="needs an instructor"):
        member_remove(user=instructor, course=course, username="ines")
    assert roles(course) == {"ines": "instructor"}


def test_a_co_instructor_can_be_added_and_then_run_the_course(course, instructor, outsider):
    co_instructor_add(user=instructor, course=course, username="otto")
    assert roles(course) == {"ines": "instructor", "otto": "instructor"}
    assert "otto" in group_members(course)
    joining_set(user=outsider, course=course, is_open=False)
    member_remove(user=outsider, course=course, username="ines")
    assert roles(course) == {"otto": "instructor"} and group_members(course) == {"otto"}


def test_adding_a_student_as_co_instructor_promotes_them(course, instructor, student):
    co_instructor_add(user=instructor, course=course, username="stu")
    assert roles(course)["stu"] == "instructor"
    assert course.memberships.filter(user=student).count() == 1


def test_co_instructor_must_be_an_existing_user(course, instructor):
    with pytest.raises(ValidationError, match="There is no user named “nobody”"):
        co_instructor_add(user=instructor, course=course, username="nobody")


def test_students_cannot_add_co_instructors(course, student, outsider):
    with pytest.raises(PermissionDenied):
        co_instructor_add(user=student, course=course, username="otto")
    assert not Membership.objects.filter(user=outsider).exists()


# The instructor role


def test_instructor_role_is_granted_and_revoked(db):
    user = make_user("tina")
    assert not is_instructor(user)
    assert instructor_role_set(user=user, granted=True) is True
    assert instructor_role_set(user=user, granted=True) is False
    assert is_instructor(get_user_model().objects.get(pk=user.pk))
    assert instructor_role_set(user=user, granted=False) is True
    assert not is_instructor(get_user_model().objects.get(pk=user.pk))


def test_superusers_are_instructors(db):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    assert is_instructor(admin)


# Assignments


def assignment_data(edition, **changes) -> dict:
    now = timezone.now()
    data = {
        "title": "Lektüre",
        "instructions": "",
        "edition": edition,
        "start": "p2",
        "end": "p3",
        "opens_at": now,
        "due_at": now + timedelta(days=7),
        "min_annotations": 3,
        "min_replies": 1,
    }
    return data | changes


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def test_an_assignment_has_its_range_and_sanitised_instructions(assignment, edition):
    assert assignment.start_paragraph == edition.paragraphs.get(public_id="p2")
    assert assignment.end_paragraph == edition.paragraphs.get(public_id="p3")
    assert assignment.instructions_html == "<p>Lesen Sie <strong>genau</strong>.</p>"
    assert assignment.reading_url == f"/test-interview/?assignment={assignment.pk}#p2"


def test_instructions_are_sanitised(course, instructor, edition):
    assignment = assignment_create(
        user=instructor,
        course=course,
        **assignment_data(edition, instructions="<script>x()</script>[a](javascript:x())"),
    )
    assert "<script" not in assignment.instructions_html
    assert "javascript:" not in assignment.instructions_html


def test_range_ids_are_forgiving(course, instructor, edition):
    assignment = assignment_create(
        user=instructor, course=course, **assignment_data(edition, start=" P2", end="3")
    )
    assert (assignment.start_paragraph.public_id, assignment.end_paragraph.public_id) == (
        "p2",
        "p3",
    )


def test_no_range_is_the_whole_edition(course, instructor, edition):
    assignment = assignment_create(
        user=instructor, course=course, **assignment_data(edition, start="", end="")
    )
    assert assignment.is_whole_edition
    assert assignment.reading_url == f"/test-interview/?assignment={assignment.pk}"


def test_opening_defaults_to_now(course, instructor, edition):
    data = assignment_data(edition)
    del data["opens_at"]
    before = timezone.now()
    assignment = assignment_create(user=instructor, course=course, **data)
    assert before <= assignment.opens_at <= timezone.now()


def test_due_before_opening_is_an_error_naming_the_field(course, instructor, edition):
    now = timezone.now()
    errors = errors_of(
        lambda: assignment_create(
            user=instructor,
            course=course,
            **assignment_data(edition, opens_at=now, due_at=now - timedelta(hours=1)),
        )
    )
    assert list(errors) == ["due_at"]
    assert errors["due_at"][0].startswith("The due date must be after the opening (")
    assert not course.assignments.exists()


def test_a_backwards_range_is_an_error(course, instructor, edition):
    errors = errors_of(
        lambda: assignment_create(
            user=instructor, course=course, **assignment_data(edition, start="p3", end="p2")
        )
    )
    assert errors == {"end": ["The range runs backwards: p2 comes before p3."]}
    assert not course.assignments.exists()


def test_unknown_paragraph_ids_are_errors_for_each_field(course, instructor, edition):
    errors = errors_of(
        lambda: assignment_create(
            user=instructor, course=course, **assignment_data(edition, start="p0", end="p99")
        )
    )
    assert errors == {
        "start": ["test-interview has no paragraph “p0”."],
        "end": ["test-interview has no paragraph “p99”."],
    }


def test_a_paragraph_of_another_edition_is_unknown_in_this_one(course, instructor, edition):
    document = make_document()
    document["edition"]["slug"] = "zweites-gespraech"
    document["turns"][-1]["paragraphs"].append({"id": "p5", "text": "Nur hier."})
    make_edition(document)
    errors = errors_of(
        lambda: assignment_create(
            user=instructor, course=course, **assignment_data(edition, start="p2", end="p5")
        )
    )
    assert errors == {"end": ["test-interview has no paragraph “p5”."]}


def test_half_a_range_is_an_error(course, instructor, edition):
    errors = errors_of(
        lambda: assignment_create(
            user=instructor, course=course, **assignment_data(edition, start="p2", end="")
        )
    )
    assert list(errors) == ["end"] and "Give both" in errors["end"][0]


def test_a_withdrawn_paragraph_cannot_bound_a_range(course, instructor, edition):
    edition.paragraphs.filter(public_id="p3").update(status="withdrawn")
    errors = errors_of(
        lambda: assignment_create(user=instructor, course=course, **assignment_data(edition))
    )
    assert errors == {"end": ["p3 was withdrawn from the edition."]}


def test_an_assignment_expects_something(course, instructor, edition):
    errors = errors_of(
        lambda: assignment_create(
            user=instructor,
            course=course,
            **assignment_data(edition, min_annotations=0, min_replies=0),
        )
    )
    assert errors == {"min_annotations": ["Expect at least one annotation or one reply."]}


def test_all_problems_are_reported_at_once(course, instructor, edition):
    now = timezone.now()
    errors = errors_of(
        lambda: assignment_create(
            user=instructor,
            course=course,
            **assignment_data(
                edition, start="p9", opens_at=now, due_at=now, min_annotations=0, min_replies=0
            ),
        )
    )
    assert set(errors) == {"start", "due_at", "min_annotations"}


def test_students_cannot_create_or_change_assignments(course, student, assignment, edition):
    with pytest.raises(PermissionDenied):
        assignment_create(user=student, course=course, **assignment_data(edition))
    with pytest.raises(PermissionDenied):
        assignment_update(
            user=student, assignment=assignment, **assignment_data(edition, title="Meins")
        )
    assignment.refresh_from_db()
    assert assignment.title == "Archiv und Bild" and course.assignments.count() == 1


def test_updating_an_assignment_validates_like_creating(assignment, instructor, edition):
    updated = assignment_update(
        user=instructor,
        assignment=assignment,
        **assignment_data(edition, title="Neu", start="p1", end="p4", instructions="*x*"),
    )
    assert updated.title == "Neu" and updated.instructions_html == "<p><em>x</em></p>"
    assert (updated.start_paragraph.public_id, updated.end_paragraph.public_id) == ("p1", "p4")
    with pytest.raises(ValidationError):
        assignment_update(
            user=instructor,
            assignment=assignment,
            **assignment_data(edition, title="Kaputt", start="p4", end="p1"),
        )
    assignment.refresh_from_db()
    assert assignment.title == "Neu"
