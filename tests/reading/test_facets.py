"""The reading page's filters (reading/facets.py) and the responses kept per reader change at once
with the reader's role in a course: a demoted co-instructor no longer sees, in the tag facets or
anywhere kept, what only instructors see (a note they hid), and a promoted student does."""

import pytest
from django.test import Client

from annotations.services import annotation_create
from courses.models import Membership
from courses.services import annotation_hide, co_instructor_add
from tests.factories import make_course_with_students, make_instructor, make_user

PAGE = "/test-interview/"
THREADS = "/test-interview/p2/threads/"
API = "/api/annotations/?edition=test-interview"
TAG = "Nurfuerlehrende"
BODY = "Vom Kurs verborgen."


@pytest.fixture
def course(edition):
    """ines teaches; cora co-teaches; stu's tagged course note, ines hid; cleo studies."""
    ines, cora, stu, cleo = (
        make_instructor("ines"),
        make_user("cora"),
        make_user("stu"),
        make_user("cleo"),
    )
    course = make_course_with_students(ines, [cora, stu, cleo])
    co_instructor_add(user=ines, course=course, username="cora")
    note = annotation_create(
        user=stu,
        paragraph=edition.paragraphs.get(public_id="p2"),
        motivation="commenting",
        body=BODY,
        tags=[TAG],
        visibility="group",
        group=course.group,
    )
    annotation_hide(user=ines, annotation=note, reason="Nicht zum Thema.")
    return {"course": course, "ines": ines, "cora": cora, "cleo": cleo}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown(client) -> dict[str, bool]:
    """Whether each kept view shows the hidden note (its tag in the facets, its text)."""
    return {
        "facets": f'<option value="{TAG.lower()}"' in client.get(PAGE).content.decode(),
        "threads": BODY in client.get(THREADS).content.decode(),
        "api": BODY in client.get(API).content.decode(),
    }


def set_role(course, user, role) -> None:
    Membership.objects.filter(course=course, user=user).update(role=role)


def test_a_demoted_co_instructor_no_longer_sees_what_instructors_see(course):
    client = signed_in(course["cora"])
    assert shown(client) == {"facets": True, "threads": True, "api": True}
    assert shown(client) == {"facets": True, "threads": True, "api": True}  # now kept
    set_role(course["course"], course["cora"], Membership.Role.STUDENT)
    assert shown(client) == {"facets": False, "threads": False, "api": False}


def test_a_promoted_student_sees_it_at_once(course):
    client = signed_in(course["cleo"])
    assert shown(client) == {"facets": False, "threads": False, "api": False}
    co_instructor_add(user=course["ines"], course=course["course"], username="cleo")
    assert shown(client) == {"facets": True, "threads": True, "api": True}
