"""Reads of courses. Membership is applied in the query: a course someone does not belong to
is simply not found (the views answer 404, as for a course that does not exist)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import OuterRef, QuerySet, Subquery

from courses.join_codes import join_code_normalise
from courses.models import Assignment, Course, Membership


def _with_viewer_role(courses: QuerySet[Course], user: AbstractBaseUser) -> QuerySet[Course]:
    role = Membership.objects.filter(course=OuterRef("pk"), user_id=user.pk).values("role")[:1]
    return courses.annotate(viewer_role=Subquery(role))


def courses_for_user(user: AbstractBaseUser) -> QuerySet[Course]:
    """The courses a user belongs to, newest first, each with `viewer_role`."""
    if not user.is_authenticated:
        return Course.objects.none()
    return _with_viewer_role(Course.objects.filter(memberships__user=user), user).select_related(
        "group"
    )


def course_get_for_member(user: AbstractBaseUser, slug: str) -> Course | None:
    """The course if the user belongs to it, with `viewer_role` and `viewer_is_instructor`;
    None otherwise, the same answer as for a course that does not exist."""
    course = courses_for_user(user).filter(slug=slug).first()
    if course is not None:
        course.viewer_is_instructor = course.viewer_role == Membership.Role.INSTRUCTOR
    return course


def course_for_join_code(user: AbstractBaseUser, code: str) -> Course | None:
    """The course a join link points to, for the page that asks to confirm joining; with
    `viewer_role` (None for someone not yet in it)."""
    normalised = join_code_normalise(code)
    if not normalised:
        return None
    return _with_viewer_role(Course.objects.filter(join_code=normalised), user).first()


def course_members(course: Course) -> QuerySet[Membership]:
    """Instructors first, then students, in the order they joined."""
    return (
        Membership.objects.filter(course=course)
        .select_related("user__profile")
        .order_by("role", "joined_at", "id")
    )


def course_instructors(course: Course) -> QuerySet[Membership]:
    return course_members(course).filter(role=Membership.Role.INSTRUCTOR)


def course_assignments(course: Course) -> QuerySet[Assignment]:
    """In the order they are due, each ready to show its range and link to the reading."""
    return course.assignments.select_related(
        "course", "edition", "start_paragraph", "end_paragraph"
    ).order_by("due_at", "id")


def assignment_get_for_member(user: AbstractBaseUser, slug: str, pk: int) -> Assignment | None:
    """The assignment if the user belongs to its course (`assignment.course` then carries
    `viewer_role` and `viewer_is_instructor`); None otherwise."""
    course = course_get_for_member(user, slug)
    if course is None:
        return None
    assignment = course_assignments(course).filter(pk=pk).first()
    if assignment is not None:
        assignment.course = course
    return assignment
