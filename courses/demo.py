"""The demo: readers, a course with assignments and members, and their annotations on an imported
edition, from one file (fixtures/demo/erz-2023-demo.yaml), loaded by `manage.py load_demo`.

This module holds the file as a whole and the course part; the readers and their notes are read
and written by `annotations/demo.py`. It lives in `courses` because courses build on annotations
(a course is an annotation group): the module that knows both belongs to the app on top, and
annotations never import courses.

The whole file is checked against the database before anything is written: its shape, and every
name it uses (users, course keys, paragraph IDs, quotes). The rules of the app itself (a range
that runs backwards, a due date before the opening, a highlight with a note) are the services'
own; they are met while writing, and any of them stops the load with its place and rolls back
everything (one transaction). Dates are relative to the load (`due_in_days: 7`), so the demo's
assignments are always current.

The demo is loaded once, as a unit: when its users already exist it is skipped, never updated,
because readers may have edited or deleted demo annotations while trying the app and restarting
it must not undo that (nor is there a natural key to match an annotation against the file). When
only some demo usernames exist, they belong to someone else and the load stops.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annotations.demo import (
    DemoAnnotation,
    DemoDataError,
    DemoUser,
    demo_annotations_create,
    demo_annotations_validate,
    demo_users_create,
    demo_users_validate,
    expect,
    expect_keys,
    messages_of,
    text_of,
)
from courses.models import Course
from courses.services import assignment_create, course_create, course_join, instructor_role_set
from edition.models import Edition, Paragraph

FORMAT_VERSION = 2
DEMO_FILE = Path("fixtures") / "demo" / "erz-2023-demo.yaml"
TOP_LEVEL_KEYS = {"format", "edition", "password", "users", "courses", "annotations"}
COURSE_KEYS = {"key", "title", "term", "description", "instructor", "students", "assignments"}
ASSIGNMENT_KEYS = {
    "title",
    "instructions",
    "start",
    "end",
    "opens_in_days",
    "due_in_days",
    "min_annotations",
    "min_replies",
}
# The services' names for what the file calls otherwise.
ASSIGNMENT_FIELDS_IN_FILE = {"opens_at": "opens_in_days", "due_at": "due_in_days"}


@dataclass(frozen=True)
class DemoAssignment:
    place: str
    title: str
    instructions: str
    start: str
    end: str
    opens_in_days: int
    due_in_days: int
    min_annotations: int
    min_replies: int


@dataclass(frozen=True)
class DemoCourse:
    place: str
    key: str
    title: str
    term: str
    description: str
    instructor: str
    students: list[str]
    assignments: list[DemoAssignment]

    def __str__(self) -> str:
        return str(Course(title=self.title, term=self.term))


@dataclass
class DemoData:
    place: str
    edition: Edition
    password: str
    users: list[DemoUser]
    courses: list[DemoCourse]
    annotations: list[DemoAnnotation]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str
    role: str


@dataclass
class DemoReport:
    edition: str
    password: str
    logins: list[DemoLogin]
    users: int = 0
    courses: int = 0
    assignments: int = 0
    annotations: int = 0
    replies: int = 0
    already_loaded: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.already_loaded:
            return (
                f"{self.edition} demo: already loaded (users {', '.join(self.already_loaded)} "
                "exist); nothing changed"
            )
        counts = [
            _count(self.users, "user"),
            _count(self.courses, "course"),
            _count(self.assignments, "assignment"),
            _count(self.annotations, "annotation"),
            _count(self.replies, "reply", "replies"),
        ]
        return f"{self.edition} demo: created {', '.join(counts)}"

    def logins_text(self) -> str:
        """The table a person trying the app needs; for the local run only."""
        width = max(len(login.username) for login in self.logins)
        name_width = max(len(login.name) for login in self.logins)
        lines = [
            "Demo logins, for the local run only "
            f"(password of every demo account: {self.password}):",
            *(
                f"  {login.username:<{width}}  {login.name:<{name_width}}  {login.role}"
                for login in self.logins
            ),
        ]
        return "\n".join(lines)


# Reading the file


def load_demo_file(path: Path) -> DemoData:
    """Read and check a demo file against the database; raises DemoDataError naming the place."""
    place = str(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DemoDataError(place, f"cannot read the file ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise DemoDataError(place, f"not UTF-8 (byte {error.start})") from error
    except yaml.YAMLError as error:
        raise DemoDataError(place, f"malformed YAML: {error}") from error
    return validate_demo(document, place=place)


def validate_demo(document: Any, *, place: str) -> DemoData:
    expect(isinstance(document, dict), place, "the file must be a mapping")
    expect_keys(document, TOP_LEVEL_KEYS, place)
    expect(
        document.get("format") == FORMAT_VERSION,
        f"{place}: format",
        f"unsupported format {document.get('format')!r}, expected {FORMAT_VERSION}",
    )
    slug = text_of(document, "edition", f"{place}: edition")
    edition = Edition.objects.filter(slug=slug).first()
    expect(
        edition is not None,
        f"{place}: edition",
        f"{slug!r} is not imported; run `python manage.py import_edition` first",
    )
    password = text_of(document, "password", f"{place}: password")
    users = demo_users_validate(document.get("users"), f"{place}: users")
    usernames = {user.username for user in users}
    paragraphs = {paragraph.public_id: paragraph for paragraph in edition.paragraphs.all()}
    courses = _courses_validate(
        document.get("courses", []), usernames, paragraphs, f"{place}: courses"
    )
    annotations = demo_annotations_validate(
        document.get("annotations"),
        paragraphs=paragraphs,
        usernames=usernames,
        courses={course.key for course in courses},
        place=f"{place}: annotations",
    )
    return DemoData(place, edition, password, users, courses, annotations)


def _courses_validate(
    raw: Any, usernames: set[str], paragraphs: dict[str, Paragraph], place: str
) -> list[DemoCourse]:
    expect(isinstance(raw, list), place, "must be a list")
    courses: list[DemoCourse] = []
    for index, entry in enumerate(raw):
        where = f"{place}[{index}]"
        expect(isinstance(entry, dict), where, "must be a mapping")
        expect_keys(entry, COURSE_KEYS, where)
        key = text_of(entry, "key", where)
        expect(
            key not in {course.key for course in courses}, f"{where}.key", f"duplicate key {key!r}"
        )
        instructor = text_of(entry, "instructor", where)
        expect(instructor in usernames, f"{where}.instructor", f"unknown user {instructor!r}")
        students = entry.get("students", [])
        expect(
            isinstance(students, list) and all(isinstance(name, str) for name in students),
            f"{where}.students",
            "must be a list of usernames",
        )
        unknown = sorted(set(students) - usernames)
        expect(not unknown, f"{where}.students", f"unknown users: {', '.join(unknown)}")
        expect(
            len(set(students)) == len(students) and instructor not in students,
            f"{where}.students",
            "each member once; the instructor is not a student",
        )
        assignments_raw = entry.get("assignments", [])
        expect(isinstance(assignments_raw, list), f"{where}.assignments", "must be a list")
        assignments = [
            _assignment_validate(item, paragraphs, f"{where}.assignments[{number}]")
            for number, item in enumerate(assignments_raw)
        ]
        courses.append(
            DemoCourse(
                place=where,
                key=key,
                title=text_of(entry, "title", where),
                term=text_of(entry, "term", where, required=False),
                description=text_of(entry, "description", where, required=False),
                instructor=instructor,
                students=students,
                assignments=assignments,
            )
        )
    return courses


def _assignment_validate(raw: Any, paragraphs: dict[str, Paragraph], place: str) -> DemoAssignment:
    expect(isinstance(raw, dict), place, "must be a mapping")
    expect_keys(raw, ASSIGNMENT_KEYS, place)
    start = text_of(raw, "start", place, required=False)
    end = text_of(raw, "end", place, required=False)
    for key, public_id in (("start", start), ("end", end)):
        expect(
            not public_id or public_id in paragraphs,
            f"{place}.{key}",
            f"unknown paragraph {public_id!r}",
        )
    return DemoAssignment(
        place=place,
        title=text_of(raw, "title", place),
        instructions=text_of(raw, "instructions", place, required=False),
        start=start,
        end=end,
        opens_in_days=_whole_number(raw, "opens_in_days", place, default=0),
        due_in_days=_whole_number(raw, "due_in_days", place),
        min_annotations=_whole_number(raw, "min_annotations", place, default=3),
        min_replies=_whole_number(raw, "min_replies", place, default=1),
    )


def _whole_number(raw: dict, key: str, place: str, *, default: int | None = None) -> int:
    value = raw.get(key, default)
    expect(value is not None, f"{place}.{key}", "missing")
    # bool is an int in Python; `yes` in YAML is not a number of days.
    expect(
        isinstance(value, int) and not isinstance(value, bool),
        f"{place}.{key}",
        f"must be a whole number, not {value!r}",
    )
    return value


# Writing


def demo_load(*, demo: DemoData, now: datetime | None = None) -> DemoReport:
    """Create the demo's users, courses (with their members and assignments), annotations and
    replies in one transaction, or nothing if the demo is already loaded."""
    report = DemoReport(edition=demo.edition.slug, password=demo.password, logins=_logins(demo))
    usernames = [user.username for user in demo.users]
    existing = sorted(
        get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    if len(existing) == len(usernames):
        report.already_loaded = existing
        return report
    expect(
        not existing,
        f"{demo.place}: users",
        f"usernames already taken by other accounts: {', '.join(existing)}",
    )
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    with transaction.atomic():
        users = demo_users_create(demo.users, password=demo.password, place=f"{demo.place}: users")
        courses = {
            item.key: _course_create(item, users=users, edition=demo.edition, now=now)
            for item in demo.courses
        }
        demo_annotations_create(
            demo.annotations,
            users=users,
            groups={key: course.group for key, course in courses.items()},
        )
    report.users, report.courses = len(users), len(courses)
    report.assignments = sum(len(item.assignments) for item in demo.courses)
    report.annotations = len(demo.annotations)
    report.replies = sum(len(item.replies) for item in demo.annotations)
    return report


def _course_create(
    item: DemoCourse, *, users: dict[str, AbstractBaseUser], edition: Edition, now: datetime
) -> Course:
    instructor = users[item.instructor]
    instructor_role_set(user=instructor, granted=True)
    instructor = get_user_model().objects.get(pk=instructor.pk)  # fresh permission cache
    try:
        course = course_create(
            user=instructor, title=item.title, term=item.term, description=item.description
        )
    except ValidationError as error:
        raise DemoDataError(item.place, messages_of(error)) from error
    for username in item.students:
        course_join(user=users[username], code=course.join_code)
    for assignment in item.assignments:
        try:
            assignment_create(
                user=instructor,
                course=course,
                title=assignment.title,
                instructions=assignment.instructions,
                edition=edition,
                start=assignment.start,
                end=assignment.end,
                opens_at=now + timedelta(days=assignment.opens_in_days),
                due_at=now + timedelta(days=assignment.due_in_days),
                min_annotations=assignment.min_annotations,
                min_replies=assignment.min_replies,
            )
        except ValidationError as error:
            raise _assignment_error(assignment.place, error) from error
    return course


def _assignment_error(place: str, error: ValidationError) -> DemoDataError:
    """The service's message at the file's name for the field, when it names one field."""
    if hasattr(error, "error_dict") and len(error.message_dict) == 1:
        (name, messages), *_ = error.message_dict.items()
        return DemoDataError(
            f"{place}.{ASSIGNMENT_FIELDS_IN_FILE.get(name, name)}", " ".join(messages)
        )
    return DemoDataError(place, messages_of(error))


def _logins(demo: DemoData) -> list[DemoLogin]:
    """Each demo user with what they are in the demo's courses, instructors first."""
    roles: dict[str, list[str]] = {user.username: [] for user in demo.users}
    for course in demo.courses:
        roles[course.instructor].append(f"instructor of {course}")
        for username in course.students:
            roles[username].append(f"student in {course}")
    logins = [
        DemoLogin(user.username, user.display_name, "; ".join(roles[user.username]) or "reader")
        for user in demo.users
    ]
    teaching = {course.instructor for course in demo.courses}
    return sorted(logins, key=lambda login: login.username not in teaching)


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
