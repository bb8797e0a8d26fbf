"""Reads of courses. Membership is applied in the query: a course someone does not belong to
is simply not found (the views answer 404, as for a course that does not exist)."""

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from annotations.models import Annotation
from annotations.selectors import annotations_visible_to, hidden_from
from courses.join_codes import join_code_normalise
from courses.models import Assignment, Course, Membership
from courses.progress import Progress

# Stands for "to the end" when an assignment reads the whole edition.
LAST_POSITION = 2**31 - 1

# Annotations as a reader meets them: by paragraph, passage start (whole-paragraph notes first;
# a reply sorts with its thread), then creation.
READING_ORDER = (
    Coalesce("paragraph__position", "root__paragraph__position"),
    Coalesce("position_start", "root__position_start").asc(nulls_first=True),
    "created",
    "id",
)


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


def course_member_get(course: Course, username: str) -> Membership | None:
    return course_members(course).filter(user__username=username).first()


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


# Progress. The counts are subqueries, so a page of N students or N assignments is one query.


def _work_in_range(*, edition, group, first, last, opens_at) -> QuerySet[Annotation]:
    """What counts for an assignment (see `courses.progress`), by anybody. The arguments are
    values or `OuterRef`s; `first` and `last` are paragraph positions, inclusive."""
    in_range = Q(paragraph__position__gte=first, paragraph__position__lte=last) | Q(
        root__paragraph__position__gte=first, root__paragraph__position__lte=last
    )
    shared = Q(visibility=Annotation.Visibility.PUBLIC) | Q(
        visibility=Annotation.Visibility.GROUP, group=group
    )
    return Annotation.objects.filter(
        in_range,
        shared,
        edition=edition,
        deleted_at__isnull=True,
        created__gte=opens_at,
    )


def _counted_work(*, author, **assignment_values) -> QuerySet[Annotation]:
    return _work_in_range(**assignment_values).filter(author=author)


def _range_of(assignment: Assignment) -> dict:
    return {
        "edition": assignment.edition_id,
        "group": assignment.course.group_id,
        "first": assignment.start_paragraph.position if assignment.start_paragraph else 0,
        "last": assignment.end_paragraph.position if assignment.end_paragraph else LAST_POSITION,
        "opens_at": assignment.opens_at,
    }


def _count(work: QuerySet[Annotation]) -> Coalesce:
    counted = work.order_by().values("author").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted), Value(0))


def _work_counts(work: QuerySet[Annotation], due_at) -> dict:
    # A thread's first note has a paragraph and a reply has none (the table's check constraint),
    # so these are the threads' first notes and the replies. Asked this way, not by `root`:
    # SQLite's planner took the index on `root` for "IS NULL", which all threads share, and read
    # every thread of the edition for each student instead of using the author's index.
    annotations = work.filter(paragraph__isnull=False)
    replies = work.filter(paragraph__isnull=True)
    return {
        "annotations_count": _count(annotations),
        "replies_count": _count(replies),
        "annotations_on_time": _count(annotations.filter(created__lte=due_at)),
        "replies_on_time": _count(replies.filter(created__lte=due_at)),
    }


def _progress(row, assignment: Assignment, now: datetime) -> Progress:
    return Progress(
        annotations=row.annotations_count,
        replies=row.replies_count,
        annotations_on_time=row.annotations_on_time,
        replies_on_time=row.replies_on_time,
        expected_annotations=assignment.min_annotations,
        expected_replies=assignment.min_replies,
        due_at=assignment.due_at,
        now=now,
    )


def assignments_with_progress(user: AbstractBaseUser) -> QuerySet[Assignment]:
    """The assignments of the user's courses, soonest due first, each counting the user's own
    work (`annotations_count`, `replies_count`, `…_on_time`): one query for any number."""
    work = _counted_work(
        author=user.pk,
        edition=OuterRef("edition_id"),
        group=OuterRef("course__group_id"),
        first=OuterRef("range_first"),
        last=OuterRef("range_last"),
        opens_at=OuterRef("opens_at"),
    )
    return (
        Assignment.objects.filter(course__memberships__user_id=user.pk)
        .select_related("course", "edition", "start_paragraph", "end_paragraph")
        .annotate(
            range_first=Coalesce("start_paragraph__position", Value(0)),
            range_last=Coalesce("end_paragraph__position", Value(LAST_POSITION)),
        )
        .annotate(**_work_counts(work, OuterRef("due_at")))
        .order_by("due_at", "id")
    )


def dashboard_for_user(user: AbstractBaseUser, *, now: datetime | None = None) -> list[Course]:
    """The user's courses, each with `dashboard_assignments`; in a course the user studies in,
    every assignment carries the user's `progress`. Two queries."""
    now = now or timezone.now()
    courses = list(courses_for_user(user))
    by_pk = {course.pk: course for course in courses}
    for course in courses:
        course.dashboard_assignments = []
    for assignment in assignments_with_progress(user):
        course = by_pk[assignment.course_id]
        assignment.course = course
        if course.viewer_role == Membership.Role.STUDENT:
            assignment.progress = _progress(assignment, assignment, now)
        course.dashboard_assignments.append(assignment)
    return courses


def assignment_progress_of(
    user: AbstractBaseUser, assignment: Assignment, *, now: datetime | None = None
) -> Progress | None:
    """One student's progress with one assignment; None if they are not a student of it."""
    if assignment.course.viewer_role != Membership.Role.STUDENT:
        return None
    row = assignments_with_progress(user).filter(pk=assignment.pk).first()
    return _progress(row, assignment, now or timezone.now()) if row else None


def _activity(work: QuerySet[Annotation], field: str, aggregate) -> Subquery:
    """The first or last moment of a student's counted work, as a subquery per row."""
    moment = work.order_by().values("author").annotate(at=aggregate(field)).values("at")[:1]
    return Subquery(moment)


def assignment_progress(assignment: Assignment, *, now: datetime | None = None) -> list[Membership]:
    """The instructor's table: every student of the course, with their `progress` and the
    `first_activity` and `last_activity` (creation or edit) of the work that counts. One query
    however many students there are."""
    now = now or timezone.now()
    work = _counted_work(author=OuterRef("user_id"), **_range_of(assignment))
    students = (
        Membership.objects.filter(course=assignment.course, role=Membership.Role.STUDENT)
        .select_related("user__profile")
        .annotate(**_work_counts(work, assignment.due_at))
        .annotate(
            first_activity=_activity(work, "created", Min),
            last_activity=_activity(work, "modified", Max),
        )
        .order_by("user__username")
    )
    rows = list(students)
    for membership in rows:
        membership.progress = _progress(membership, assignment, now)
    return rows


def assignment_work(assignment: Assignment) -> QuerySet[Annotation]:
    """Every annotation and reply by the course's members that counts for the assignment (the
    progress rule, for everybody at once), in reading order."""
    members = Membership.objects.filter(course=assignment.course).values("user_id")
    return (
        _work_in_range(**_range_of(assignment))
        .filter(author__in=members)
        .select_related(
            "author__profile", "paragraph", "parent__author__profile", "root__paragraph"
        )
        .prefetch_related("tags")
        .order_by(*READING_ORDER)
    )


# What members shared with the course, for its instructors.


def _placeholder(user: AbstractBaseUser, prefix: str) -> ExpressionWrapper:
    """Whether the related annotation is only a placeholder for this reader."""
    gone = Q(**{f"{prefix}deleted_at__isnull": False}) | hidden_from(user, prefix)
    return ExpressionWrapper(gone, output_field=BooleanField())


def course_annotations(
    user: AbstractBaseUser, course: Course, *, author: AbstractBaseUser | None = None
) -> QuerySet[Annotation]:
    """Live annotations and replies shared with the course: with its group, or made public by
    a member on an edition the course reads; never anyone's private ones. As far as `user` may
    see them, across editions in reading order, each ready to show its passage and, for a
    reply, what it answers."""
    members = Membership.objects.filter(course=course).values("user_id")
    editions = course.assignments.values("edition_id")
    shared = Q(visibility=Annotation.Visibility.GROUP, group=course.group_id) | Q(
        visibility=Annotation.Visibility.PUBLIC, author__in=members, edition__in=editions
    )
    # A placeholder (a note another course hid from this reader) is no one's shared work here;
    # a reply to one, or in a thread of one, shows nothing of it.
    annotations = (
        annotations_visible_to(user)
        .filter(shared, deleted_at__isnull=True, hidden_from_viewer=False)
        .annotate(
            parent_is_placeholder=_placeholder(user, "parent__"),
            root_is_placeholder=_placeholder(user, "root__"),
        )
    )
    if author is not None:
        annotations = annotations.filter(author=author)
    return annotations.select_related(
        "paragraph__edition", "root__paragraph__edition", "parent__author__profile"
    ).order_by("edition__slug", *READING_ORDER)


def course_annotation_get(user: AbstractBaseUser, course: Course, uuid) -> Annotation | None:
    """An annotation or reply shared with the course's group, the ones its instructors
    moderate; None for anything else."""
    return (
        course_annotations(user, course)
        .filter(uuid=uuid, visibility=Annotation.Visibility.GROUP, group=course.group_id)
        .first()
    )


def student_assignments(
    student: AbstractBaseUser, course: Course, *, now: datetime | None = None
) -> list[Assignment]:
    """The course's assignments, each with the student's `progress`. One query."""
    now = now or timezone.now()
    assignments = list(assignments_with_progress(student).filter(course=course))
    for assignment in assignments:
        assignment.course = course
        assignment.progress = _progress(assignment, assignment, now)
    return assignments
