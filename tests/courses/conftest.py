"""People and a course: "ines" teaches "Bildtheorie", "stu" studies in it, "otto" is outside."""

import pytest
from django.contrib.auth import get_user_model

from courses.services import course_create, course_join, instructor_role_set
from tests.factories import make_user


def make_instructor(username: str = "ines"):
    """A user with the instructor role, fetched again so the permission cache is fresh."""
    user = make_user(username)
    instructor_role_set(user=user, granted=True)
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def instructor(db):
    return make_instructor()


@pytest.fixture
def course(instructor):
    return course_create(
        user=instructor,
        title="Bildtheorie",
        term="Sommersemester 2025",
        description="Wir lesen das Interview.",
    )


@pytest.fixture
def student(course):
    user = make_user("stu", display_name="Stu Dent")
    course_join(user=user, code=course.join_code)
    return user


@pytest.fixture
def outsider(db):
    return make_user("otto")
