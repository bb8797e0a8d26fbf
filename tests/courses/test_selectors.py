"""Which courses a user finds: only their own; anything else is not found."""

from django.contrib.auth.models import AnonymousUser

from courses.selectors import course_get_for_member, course_members, courses_for_user
from courses.services import co_instructor_add, course_create, course_join
from tests.courses.conftest import make_instructor
from tests.factories import make_user


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
