"""What the edition's reading page shows of courses: the assignment being worked (its range
marked, its instructions at hand, the reader's progress) and, for instructors, the course's
activity per paragraph as a heat map in the margin."""

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from annotations.models import Annotation
from courses.models import Assignment, Course, Membership
from courses.progress import Progress
from courses.selectors import assignment_progress_of, courses_for_user


@dataclass(frozen=True)
class ReadingAssignment:
    assignment: Assignment
    first: int  # paragraph positions, inclusive; the whole edition when None
    last: int | None
    progress: Progress | None

    def covers(self, paragraph) -> bool:
        if self.last is None:
            return True
        return self.first <= paragraph.position <= self.last


def reading_assignment(user, edition, assignment_id: str | None) -> ReadingAssignment | None:
    """The assignment named in `?assignment=`, if the reader belongs to its course and it is
    on this edition; anything else is ignored (the text still opens)."""
    if not user.is_authenticated or not (assignment_id or "").isdigit():
        return None
    assignment = (
        Assignment.objects.filter(
            pk=int(assignment_id), edition=edition, course__memberships__user=user
        )
        .select_related("course__group", "start_paragraph", "end_paragraph", "edition")
        .first()
    )
    if assignment is None:
        return None
    role = Membership.objects.get(course=assignment.course, user=user).role
    assignment.course.viewer_role = role
    first = assignment.start_paragraph.position if assignment.start_paragraph else 0
    last = assignment.end_paragraph.position if assignment.end_paragraph else None
    return ReadingAssignment(assignment, first, last, assignment_progress_of(user, assignment))


def instructed_courses(user) -> list[Course]:
    """Courses whose activity the reader may see as a heat map."""
    if not user.is_authenticated:
        return []
    return list(courses_for_user(user).filter(viewer_role=Membership.Role.INSTRUCTOR))


@dataclass(frozen=True)
class Heat:
    annotations: int
    students: int
    level: int  # 0–4, relative to the busiest paragraph


NO_HEAT = Heat(0, 0, 0)


def course_heat(course: Course, edition) -> dict[int, Heat]:
    """Per paragraph pk: the course's live annotations and replies (a reply counts for its
    thread's paragraph) that members shared with the course or made public, and how many
    distinct students wrote them. One query."""
    students = Membership.objects.filter(course=course, role=Membership.Role.STUDENT)
    rows = (
        Annotation.objects.filter(
            Q(visibility=Annotation.Visibility.PUBLIC)
            | Q(visibility=Annotation.Visibility.GROUP, group=course.group_id),
            edition=edition,
            deleted_at__isnull=True,
            author__in=course.members.all(),
        )
        .annotate(at=Coalesce(F("paragraph_id"), F("root__paragraph_id")))
        .values("at")
        .annotate(
            n=Count("pk"),
            students=Count(
                "author", distinct=True, filter=Q(author__in=students.values("user_id"))
            ),
        )
        .order_by()
    )
    counts = {row["at"]: (row["n"], row["students"]) for row in rows}
    busiest = max((n for n, _ in counts.values()), default=0)
    return {
        pk: Heat(n, s, min(4, 1 + (4 * n - 1) // busiest) if busiest else 0)
        for pk, (n, s) in counts.items()
    }
