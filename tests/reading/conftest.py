"""A seminar: "ines" teaches course A, where "ann" and "ben" study; "bob" studies in course B;
"cy" is in no course."""

import pytest

from tests.factories import make_course, make_instructor, make_student, make_user


@pytest.fixture
def seminar(edition):
    ines = make_instructor("ines")
    course_a = make_course(ines, title="Seminar A")
    course_b = make_course(ines, title="Seminar B")
    people = {
        "ines": ines,
        "ann": make_student(course_a, "ann", display_name="Ann Arbor"),
        "ben": make_student(course_a, "ben"),
        "bob": make_student(course_b, "bob"),
        "cy": make_user("cy"),
    }
    return {"edition": edition, "a": course_a, "b": course_b, **people}


@pytest.fixture
def p2(edition):
    return edition.paragraphs.get(public_id="p2")


@pytest.fixture
def p3(edition):
    return edition.paragraphs.get(public_id="p3")
