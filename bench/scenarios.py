"""What the benchmark asks of the app, who asks it, and how many SQL queries each request costs.

Signed-in scenarios use sessions made with the test Client's `force_login` against the benchmark
database: the session row and its cookie are exactly what a login POST would give (the bench
users have no usable password, so nobody can log in to a kept benchmark database). Queries are
counted with `CaptureQueriesContext` through the test Client under the production settings the
server runs with; the second of two identical requests is counted (warm, as under load).
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils.crypto import get_random_string

from annotations.services import TextSelector, selector_validate
from bench.config import HOST
from bench.data import INSTRUCTOR, PREFIX, READER
from bench.text import word_spans
from courses.models import Course, Membership
from edition.models import Edition, Paragraph

EDITION = "erz-2023"
API_PARAGRAPH = "p12"
SEARCH_PATH = "/search/"
SEARCH_QUERY = "?q=Bilder"
BASELINE_PATH = "/static/bench/baseline.html"
WRITERS = 200
NOTE_BODY = "Benchmark: *eine* Notiz für die Gruppe."


@dataclass(frozen=True)
class Actor:
    username: str
    session: str
    csrf_token: str

    def cookie(self) -> str:
        return (
            f"{settings.SESSION_COOKIE_NAME}={self.session}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf_token}"
        )


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    path: str
    method: str = "GET"
    actor: str = ""  # "", "reader" or "instructor"
    body: str = ""
    page: bool = False  # an HTML page: weigh it with its CSS and JS
    skipped: str = ""
    many_writers: bool = False  # under load, rotate over `writers()` instead of the actor


def bench_client() -> Client:
    return Client(HTTP_HOST=HOST, enforce_csrf_checks=True)


def actor(username: str) -> Actor:
    """A signed-in session and a CSRF token of the form Django issues (any well-formed token
    is accepted when the cookie and the header agree, as the page's script sends them)."""
    client = bench_client()
    client.force_login(get_user_model().objects.get(username=username))
    return Actor(
        username=username,
        session=client.cookies[settings.SESSION_COOKIE_NAME].value,
        csrf_token=get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS),
    )


def writers(edition: Edition, count: int = WRITERS) -> list[tuple[Actor, str]]:
    """Students of every course, each with a note for their own course: on a seminar platform
    many people write at once, and each stays under the per-user rate limit of creating notes
    (`settings.RATE_LIMITS`, when there is one), which is left on as in production."""
    students = (
        Membership.objects.filter(role=Membership.Role.STUDENT, user__username__startswith=PREFIX)
        .select_related("user", "course__group")
        .order_by("user__username")[:count]
    )
    return [(actor(m.user.username), _new_note(edition, m.course)) for m in students]


def headers(scenario: Scenario, actors: dict[str, Actor]) -> dict[str, str]:
    return headers_of(actors[scenario.actor], scenario.method) if scenario.actor else {}


def headers_of(who: Actor, method: str = "GET") -> dict[str, str]:
    signed_in = {"Cookie": who.cookie()}
    if method != "GET":
        signed_in |= {"X-CSRFToken": who.csrf_token, "Content-Type": "application/json"}
    return signed_in


def _search_available() -> bool:
    """Whether a search view answers /search/ (not the edition page for a slug "search")."""
    try:
        match = resolve(SEARCH_PATH)
    except Resolver404:
        return False
    return "search" in (match.namespace, match.url_name)


def _new_note(edition: Edition, course: Course) -> str:
    """What the reading page's script sends for a note on a few words of p12."""
    paragraph = Paragraph.objects.get(edition=edition, public_id=API_PARAGRAPH)
    spans = word_spans(paragraph.text)
    start, end = spans[0][0], spans[min(2, len(spans) - 1)][1]
    selector = selector_validate(paragraph, TextSelector(start, end, paragraph.text[start:end]))
    return json.dumps(
        {
            "edition": edition.slug,
            "paragraph": paragraph.public_id,
            "selector": selector.__dict__,
            "motivation": "commenting",
            "body": NOTE_BODY,
            "tags": ["Methode"],
            "visibility": "group",
            "group": course.group.slug,
            "colour": "green",
        },
        ensure_ascii=False,
    )


def scenarios(edition: Edition) -> list[Scenario]:
    """Every scenario of the issue, in the order they run (writes last, so they do not change
    what the reads see)."""
    reader_course = Course.objects.get(memberships__user__username=READER)
    taught = Course.objects.get(created_by__username=INSTRUCTOR)
    assignment = taught.assignments.order_by("due_at", "id").first()
    page = edition.get_absolute_url()
    search = Scenario(
        "search",
        "search “Bilder”",
        SEARCH_PATH + SEARCH_QUERY,
        actor="reader",
        page=True,
        skipped="" if _search_available() else f"no {SEARCH_PATH} URL in this version",
    )
    return [
        Scenario("static", "static file (baseline)", BASELINE_PATH),
        Scenario("edition_anonymous", "edition, anonymous", page, page=True),
        Scenario("edition_student", "edition, student", page, actor="reader", page=True),
        Scenario(
            "threads_paragraph",
            f"threads of {API_PARAGRAPH} (student)",
            f"{page}{API_PARAGRAPH}/threads/",
            actor="reader",
        ),
        Scenario(
            "api_paragraph",
            f"API: {API_PARAGRAPH}'s annotations",
            f"/api/annotations/?edition={edition.slug}&paragraph={API_PARAGRAPH}",
            actor="reader",
        ),
        search,
        Scenario(
            "progress",
            "assignment progress (instructor)",
            f"/courses/{taught.slug}/assignments/{assignment.pk}/progress/",
            actor="instructor",
            page=True,
        ),
        Scenario(
            "create",
            "create annotation (API)",
            "/api/annotations/",
            method="POST",
            actor="reader",
            body=_new_note(edition, reader_course),
            many_writers=True,
        ),
    ]


def count_queries(scenario: Scenario, actors: dict[str, Actor]) -> tuple[int, int]:
    """SQL queries of one warm request, and its status."""
    client = bench_client()
    if scenario.actor:
        client.cookies[settings.SESSION_COOKIE_NAME] = actors[scenario.actor].session
        client.cookies[settings.CSRF_COOKIE_NAME] = actors[scenario.actor].csrf_token
    extra = {"HTTP_X_CSRFTOKEN": actors[scenario.actor].csrf_token} if scenario.actor else {}
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.generic(
                scenario.method,
                scenario.path,
                scenario.body.encode(),
                content_type="application/json",
                **extra,
            )
    return len(queries), response.status_code
