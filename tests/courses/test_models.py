"""What the database itself guarantees about courses and memberships."""

import pytest
from django.db import IntegrityError
from django.db.models import ProtectedError

from annotations.models import Group
from courses.models import Course, Membership


def test_a_user_is_a_member_of_a_course_only_once(course, student):
    with pytest.raises(IntegrityError):
        Membership.objects.create(course=course, user=student)


def test_join_codes_are_unique(course, instructor):
    other_group = Group.objects.create(name="Copy", slug="copy")
    with pytest.raises(IntegrityError):
        Course.objects.create(
            title="Copy",
            slug="copy",
            group=other_group,
            join_code=course.join_code,
            created_by=instructor,
        )


def test_a_course_reads_as_its_title_and_term(course):
    assert str(course) == "Bildtheorie (Sommersemester 2025)"
    assert str(Course(title="Lektürekurs")) == "Lektürekurs"


def test_the_course_group_cannot_be_deleted_under_the_course(course):
    with pytest.raises(ProtectedError):
        course.group.delete()
