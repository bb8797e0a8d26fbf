"""Creating, joining and running a course: membership rules and join codes."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from annotations.models import Annotation, Group
from annotations.selectors import annotations_visible_to
from annotations.services import annotation_create
from courses.join_codes import ALPHABET, LENGTH
from courses.models import Course, Membership
from courses.services import (
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
from tests.factories import make_user


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
