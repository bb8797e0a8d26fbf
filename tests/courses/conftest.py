"""People and a course: "ines" teaches "Bildtheorie", "stu" studies in it, "otto" is outside.
The assignment reads p2–p3 of the test edition; it opened a day ago and is due in a week."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.services import assignment_create, course_create, course_join, instructor_role_set
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


@pytest.fixture
def assignment(course, instructor, edition):
    now = timezone.now()
    return assignment_create(
        user=instructor,
        course=course,
        title="Archiv und Bild",
        instructions="Lesen Sie **genau**.",
        edition=edition,
        start="p2",
        end="p3",
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=7),
        min_annotations=2,
        min_replies=1,
    )
