"""Who may do what on every course URL: each pattern in the `courses` namespace × seven roles ×
GET and POST, against one table. A pattern without a row fails the suite, so a new view cannot
ship before someone decides who may use it.

The rules the table encodes:
- anonymous visitors are sent to log in, whatever the URL (and whatever the method);
- a course is invisible to anyone not in it: 404, the answer for a course that does not exist;
- students read their course (200) and are refused its instructor pages and changes (403: they
  know the course exists);
- instructors and co-instructors (who need no instructor role of their own) do everything;
- staff have no special access to course pages: a staff member outside a course is an outsider
  (staff inspect courses in the Django admin, whose course pages are read-only);
- creating a course needs the instructor role; joining needs only an account and the code, which
  is the invitation (whoever holds it sees what they would join).
After every GET and every refused POST the database is exactly as it was.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from annotations.services import annotation_create
from courses.services import (
    assignment_create,
    co_instructor_add,
    course_create,
    course_join,
    vocabulary_set,
)
from tests.courses.conftest import make_instructor
from tests.factories import make_user

LOGIN = "login"
ROLES = (
    "anonymous",
    "outsider",
    "student",
    "other_student",
    "instructor",
    "co_instructor",
    "staff",
)


# The people and the two courses


@dataclass
class Side:
    """One course with what its pages are about."""

    course: object
    assignment: object
    student: str
    annotation: object

    @property
    def secrets(self) -> list[str]:
        """What nobody outside the course may read anywhere."""
        return [
            self.course.title,
            self.assignment.title,
            self.annotation.body,
            self.course.join_code,
            self.course.tag_vocabulary[0],
        ]


def make_side(edition, *, instructor, student, title, assignment_title, note, tag) -> Side:
    course = course_create(user=instructor, title=title)
    course_join(user=student, code=course.join_code)
    vocabulary_set(user=instructor, course=course, tags=[tag], binding=False)
    now = timezone.now()
    assignment = assignment_create(
        user=instructor,
        course=course,
        title=assignment_title,
        edition=edition,
        start="p2",
        end="p3",
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=7),
    )
    annotation = annotation_create(
        user=student,
        paragraph=edition.paragraphs.get(public_id="p2"),
        motivation="commenting",
        body=note,
        tags=[tag],
        visibility="group",
        group=course.group,
    )
    course.refresh_from_db()
    return Side(course, assignment, student.get_username(), annotation)


@pytest.fixture
def world(edition):
    """Course A (Alpha) with instructor ines, co-instructor cora and student stu; course B
    (Beta) with instructor bea and student bob; otto belongs to neither; stefan is staff."""
    ines, bea = make_instructor("ines"), make_instructor("bea")
    stu, bob = make_user("stu"), make_user("bob")
    cora, otto, stefan = make_user("cora"), make_user("otto"), make_user("stefan")
    stefan.is_staff = True
    stefan.save(update_fields=["is_staff"])
    a = make_side(
        edition,
        instructor=ines,
        student=stu,
        title="Kurs Alpha",
        assignment_title="Aufgabe Alpha",
        note="Notiz nur für Alpha",
        tag="Alphabegriff",
    )
    co_instructor_add(user=ines, course=a.course, username="cora")
    b = make_side(
        edition,
        instructor=bea,
        student=bob,
        title="Kurs Beta",
        assignment_title="Aufgabe Beta",
        note="Notiz nur für Beta",
        tag="Betabegriff",
    )
    users = {
        "anonymous": None,
        "outsider": otto,
        "student": stu,
        "other_student": bob,
        "instructor": ines,
        "co_instructor": cora,
        "staff": stefan,
    }
    return {"users": users, "a": a, "b": b}


# The table


def member_page(student=200) -> dict:
    """A page of the course: its members read it; `student` says what students get."""
    return {
        "anonymous": LOGIN,
        "outsider": 404,
        "student": student,
        "other_student": 404,
        "instructor": 200,
        "co_instructor": 200,
        "staff": 404,
    }


def instructors_only(done=302) -> dict:
    """A change of the course (or a page that prepares one): instructors only."""
    return member_page(student=403) | {"instructor": done, "co_instructor": done}


def post_only() -> dict:
    return dict.fromkeys(ROLES, 405) | {"anonymous": LOGIN}


def anyone_logged_in(status) -> dict:
    return dict.fromkeys(ROLES, status) | {"anonymous": LOGIN}


INSTRUCTOR_ROLE = {
    "anonymous": LOGIN,
    "outsider": 403,
    "student": 403,
    "other_student": 403,
    "instructor": 200,
    "co_instructor": 403,  # co-teaching a course does not make one an instructor
    "staff": 403,
}


def assignment_form(side: Side, title: str) -> dict:
    return {
        "title": title,
        "instructions": "Lesen.",
        "edition": side.assignment.edition.slug,
        "start": "p2",
        "end": "p3",
        "opens_at": "2026-01-05T10:00",
        "due_at": "2026-01-12T10:00",
        "min_annotations": "1",
        "min_replies": "0",
    }


@dataclass
class Row:
    kwargs: object  # Side -> the URL's kwargs
    get: dict
    post: dict
    data: object = lambda side: {}  # Side -> a POST that the allowed roles get through with
    # Joining: the code in the URL or the form is the invitation to the course.
    invitation: bool = False


def slug(side: Side) -> dict:
    return {"slug": side.course.slug}


def assignment(side: Side) -> dict:
    return {"slug": side.course.slug, "pk": side.assignment.pk}


def course_annotation(side: Side) -> dict:
    return {"slug": side.course.slug, "uuid": side.annotation.uuid}


# Read pages do not look at the method: a POST gets what a GET gets and changes nothing.
MATRIX = {
    "course-list": Row(lambda side: {}, anyone_logged_in(200), anyone_logged_in(200)),
    "course-new": Row(
        lambda side: {},
        INSTRUCTOR_ROLE,
        INSTRUCTOR_ROLE | {"instructor": 302},
        data=lambda side: {"title": "Ein neuer Kurs"},
    ),
    "join-form": Row(
        lambda side: {},
        anyone_logged_in(200),
        anyone_logged_in(302),
        data=lambda side: {"code": side.course.join_code},
        invitation=True,
    ),
    "join-link": Row(
        lambda side: {"code": side.course.join_code},
        anyone_logged_in(200),
        anyone_logged_in(302),
        invitation=True,
    ),
    "course-detail": Row(slug, member_page(), member_page()),
    "join-code-regenerate": Row(slug, post_only(), instructors_only()),
    "joining-set": Row(slug, post_only(), instructors_only(), data=lambda side: {"open": "0"}),
    "member-remove": Row(
        slug, post_only(), instructors_only(), data=lambda side: {"username": side.student}
    ),
    "co-instructor-add": Row(
        slug, post_only(), instructors_only(), data=lambda side: {"username": "otto"}
    ),
    "vocabulary-set": Row(
        slug,
        post_only(),
        instructors_only(),
        data=lambda side: {"tags": "Methode\nThese", "tags_binding": "on"},
    ),
    "student-detail": Row(
        lambda side: {"slug": side.course.slug, "username": side.student},
        instructors_only(200),
        instructors_only(200),
    ),
    "course-annotations": Row(slug, instructors_only(200), instructors_only(200)),
    "course-annotations-jsonld": Row(slug, instructors_only(200), instructors_only(200)),
    "course-annotations-csv": Row(slug, instructors_only(200), instructors_only(200)),
    "annotation-hide": Row(
        course_annotation,
        instructors_only(200),
        instructors_only(),
        data=lambda side: {"reason": "Nicht zum Thema."},
    ),
    "annotation-unhide": Row(course_annotation, post_only(), instructors_only()),
    "assignment-new": Row(
        slug,
        instructors_only(200),
        instructors_only(),
        data=lambda side: assignment_form(side, "Neue Aufgabe"),
    ),
    "assignment-detail": Row(assignment, member_page(), member_page()),
    "assignment-edit": Row(
        assignment,
        instructors_only(200),
        instructors_only(),
        data=lambda side: assignment_form(side, "Geänderte Aufgabe"),
    ),
    "assignment-progress": Row(assignment, instructors_only(200), instructors_only(200)),
    "assignment-students-csv": Row(assignment, instructors_only(200), instructors_only(200)),
    "assignment-annotations-csv": Row(assignment, instructors_only(200), instructors_only(200)),
}


def course_url_names() -> list[str | None]:
    """Every pattern in the `courses` namespace, wherever it is included."""

    def walk(patterns, inside: bool):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, inside or pattern.namespace == "courses")
            elif isinstance(pattern, URLPattern) and inside:
                yield pattern.name

    return list(walk(get_resolver().url_patterns, False))


CASES = [
    pytest.param(name, method, id=f"{name}-{method}")
    for name in MATRIX
    for method in ("GET", "POST")
]


# Helpers


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def request(client: Client, method: str, url: str, data: dict):
    return client.get(url) if method == "GET" else client.post(url, data)


def outcome(response):
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith("/accounts/login/?next="):
        return LOGIN
    return response.status_code


def snapshot() -> dict:
    """Every row of the courses, annotations and tags tables (membership tables included)."""
    tables = {}
    for label in ("courses", "annotations", "taggit"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables[model._meta.db_table] = list(model.objects.order_by("pk").values())
    return tables


# The tests


def test_every_course_url_has_a_row_in_the_matrix():
    names = course_url_names()
    assert None not in names, "every course URL needs a name"
    missing = sorted(set(names) - set(MATRIX))
    assert not missing, f"decide who may use these course URLs and add rows: {missing}"
    assert not set(MATRIX) - set(names), "rows for URLs that no longer exist"
    assert all(set(row.get) == set(row.post) == set(ROLES) for row in MATRIX.values())


def check(world, name: str, role: str, method: str) -> list[str]:
    """What is wrong with one role's request, as sentences; nothing when all is as the row says."""
    row, side = MATRIX[name], world["a"]
    url = reverse(f"courses:{name}", kwargs=row.kwargs(side))
    expected = (row.get if method == "GET" else row.post)[role]
    before = snapshot()
    response = request(client_for(world["users"][role]), method, url, row.data(side))
    got, where = outcome(response), f"{role} {method} {url}"
    if got != expected:
        return [f"{where}: expected {expected}, got {got}"]
    problems = []
    if (method == "GET" or expected in (LOGIN, 403, 404, 405)) and snapshot() != before:
        problems.append(f"{where}: answered {got} but changed the database")
    if expected in (403, 404) and not row.invitation:
        page = response.content.decode()
        if leaked := [secret for secret in side.secrets if secret in page]:
            problems.append(f"{where}: the refusal shows {leaked}")
    return problems


@pytest.mark.parametrize(("name", "method"), CASES)
def test_role_matrix(world, name, method):
    """Every role in turn, each from the same starting state (its changes are rolled back)."""
    problems = []
    for role in ROLES:
        with transaction.atomic():
            problems += check(world, name, role, method)
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", [name for name, row in MATRIX.items() if not row.invitation])
def test_a_student_of_another_course_never_sees_anything_of_it(world, name, method):
    """bob (course B) on every course URL, pointed at course A and at his own course B."""
    row, a, b = MATRIX[name], world["a"], world["b"]
    client = client_for(world["users"]["other_student"])
    for side in (a, b):
        url = reverse(f"courses:{name}", kwargs=row.kwargs(side))
        page = request(client, method, url, row.data(side)).content.decode()
        leaked = [secret for secret in a.secrets if secret in page]
        assert not leaked, f"{method} {url} shows course A's {leaked}"


def test_an_assignment_is_found_only_under_its_own_course(world):
    """Course B's instructor cannot reach A's assignment by putting its number under B."""
    a, b = world["a"], world["b"]
    client = client_for(b.course.memberships.get(role="instructor").user)
    for name in ("assignment-detail", "assignment-edit", "assignment-progress"):
        url = reverse(f"courses:{name}", kwargs={"slug": b.course.slug, "pk": a.assignment.pk})
        response = client.get(url)
        assert response.status_code == 404, url
        assert a.assignment.title not in response.content.decode()


def test_a_student_of_another_course_sees_nothing_of_it_elsewhere(world, edition):
    """The reading view (with A's assignment and heat map asked for), the annotation API,
    permalinks, tag pages and tag suggestions."""
    a = world["a"]
    client = client_for(world["users"]["other_student"])
    note = a.annotation
    tag = a.course.tag_vocabulary[0]
    pages = {
        "reading view": f"/{edition.slug}/?assignment={a.assignment.pk}&heatmap={a.course.slug}",
        "reading view, course scope": f"/{edition.slug}/?scope=groups",
        "paragraph page": f"/{edition.slug}/p2/",
        "annotation API": f"/api/annotations/?edition={edition.slug}",
        "tag suggestions": f"/api/tags/?group={a.course.group.slug}",
        "my annotations": "/annotations/mine/",
        # A tag seen on no visible note looks like an unknown one: 200, empty, the slug.
        "tag page": f"/tags/{tag.lower()}/",
    }
    for what, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, what
        page = response.content.decode()
        leaked = [secret for secret in a.secrets if secret in page]
        assert not leaked, f"{what} shows course A's {leaked}"
    for url in (
        f"/api/annotations/{note.uuid}/",
        f"/annotations/{note.uuid}/",
        f"/annotations/{note.uuid}/thread/",
    ):
        assert client.get(url).status_code == 404, url


def test_a_replaced_or_wrong_join_code_shows_nothing_of_the_course(world):
    a = world["a"]
    old = a.course.join_code
    client = client_for(world["users"]["instructor"])
    client.post(reverse("courses:join-code-regenerate", kwargs={"slug": a.course.slug}))
    outsider = client_for(world["users"]["other_student"])
    for code in (old, "WRONGCODE"):
        response = outsider.get(reverse("courses:join-link", kwargs={"code": code}))
        assert response.status_code == 400
        assert a.course.title not in response.content.decode()
