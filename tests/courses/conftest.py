"""People and a course: "ines" teaches "Bildtheorie", "stu" studies in it, "otto" is outside.
The assignment reads p2–p3 of the test edition; it opened a day ago and is due in a week."""

import pytest

from tests.factories import (
    make_assignment,
    make_course,
    make_instructor,
    make_student,
    make_user,
)


@pytest.fixture
def instructor(db):
    return make_instructor()


@pytest.fixture
def course(instructor):
    return make_course(
        instructor,
        title="Bildtheorie",
        term="Sommersemester 2025",
        description="Wir lesen das Interview.",
    )


@pytest.fixture
def student(course):
    return make_student(course, "stu", display_name="Stu Dent")


@pytest.fixture
def outsider(db):
    return make_user("otto")


@pytest.fixture
def assignment(course, instructor, edition):
    return make_assignment(course, instructor, edition)
