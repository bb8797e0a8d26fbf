"""Who may do what on every URL of the project: each pattern of the URL conf × eight roles × the
methods its view answers, against one table. A pattern without a row fails the suite, so a new
view cannot ship before someone decides who may use it. `tests/courses/test_authorization_matrix.py`
does the same for the courses app alone, in more depth; this one covers the whole project.

The roles: anonymous; `otto`, logged in but in no course; `stu`, a student of course A; `bob`, a
student of course B; `amy`, a student of A and the author of every annotation in the URLs;
`ines`, A's instructor; `cora`, A's co-instructor; `stefan`, staff.

HEAD is asked of every URL, by every role, and must answer as GET does (the same status: no
more, no less), with no body. OPTIONS is asked of every URL (by one role of each kind:
anonymous, outsider, author, instructor) and is never a 5xx: a view that names its methods
answers it itself, with `Allow` and no body (200 from class-based views and the W3C protocol,
where it is the CORS preflight; 405 from function views that list their methods); a page that
does not look at the method answers it as GET, for the same role (so it shows no more than GET
would). The W3C protocol's PUT and DELETE are also sent with the annotation's current ETag in
If-Match, so that the author's right, not the precondition, decides.

Besides the status, every response is checked for what its role may not read (the bodies of the
private, course, hidden and deleted notes, the tags only on them, the other course's note, course
A's title, assignment and join code): not in headers, pages, JSON, the W3C protocol, search,
exports, tag pages, refusals or error messages. After every read and every refused write the
annotations, courses, tags, accounts and search tables hold exactly the rows they held before.
Changes of a thread's audience (refused while others' replies share it; narrowing and widening
again) and of a course role are followed through every role's reads, kept views included.

Left out: the Django admin (`admin:`; staff inspect there by design and it has its own permission
system, tested by Django) and static files (served by whitenoise, not the URL conf).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts import tokens
from annotations.services import annotation_create, annotation_delete
from courses.models import Membership
from courses.services import (
    annotation_hide,
    assignment_create,
    co_instructor_add,
    course_create,
    course_join,
)
from tests.courses.conftest import make_instructor
from tests.factories import DEFAULT_PASSWORD, make_user

LOGIN = "login"
ROLES = (
    "anonymous",
    "outsider",
    "student",
    "other_student",
    "author",
    "instructor",
    "co_instructor",
    "staff",
)
MEMBERS_OF_A = {"student", "author", "instructor", "co_instructor"}
# OPTIONS says the same to everyone or answers as GET (asked of every role): one role of each
# kind keeps the matrix's time down.
OPTIONS_ROLES = ("anonymous", "outsider", "author", "instructor")
MODERATORS_OF_A = {"instructor", "co_instructor"}
SKIPPED_NAMESPACES = {"admin"}

# A word that marks each secret (never typed into a URL, so never echoed), and who may read it.
SECRETS = {
    "Privatgeheimnis": {"author"},  # the author's private note
    "Privatmarke": {"author"},  # the tag only that note carries (stored spelling)
    "Kursgeheimnis": MEMBERS_OF_A,  # the author's note shared with course A
    "Kursmarke": MEMBERS_OF_A,
    "Versteckgeheimnis": {"author"} | MODERATORS_OF_A,  # a course-A note an instructor hid
    "Geloeschtgeheimnis": {"author"},  # a public note the author deleted (a reply keeps it)
    "Betageheimnis": {"other_student"},  # course B's note
    "Betamarke": {"other_student"},
    "Alphaseminar": MEMBERS_OF_A,  # course A's title
    "Alphaaufgabe": MEMBERS_OF_A,  # its assignment's title
}
# One word of each note the search looks for; the marker words above are never searched.
SEARCH_WORDS = ("Quittenbaum", "Kirschbaum", "Pflaumenbaum", "Birnbaum", "Apfelbaum")

# Where the app's answer looks wrong; the test expects today's answer and says why here.
KNOWN_GAPS: dict[tuple[str, str, str], str] = {}


# The people, the two courses and the notes


def note(user, paragraph, body, **kwargs):
    return annotation_create(
        user=user, paragraph=paragraph, motivation="commenting", body=body, **kwargs
    )


@pytest.fixture
def world(edition):
    ines, bea = make_instructor("ines"), make_instructor("bea")
    stu, amy, bob = make_user("stu"), make_user("amy"), make_user("bob")
    cora, otto, stefan = make_user("cora"), make_user("otto"), make_user("stefan")
    stefan.is_staff = True
    stefan.save(update_fields=["is_staff"])
    a = course_create(user=ines, title="Alphaseminar")
    b = course_create(user=bea, title="Betaseminar")
    for user, course in ((stu, a), (amy, a), (bob, b)):
        course_join(user=user, code=course.join_code)
    co_instructor_add(user=ines, course=a, username="cora")
    now = timezone.now()
    assignment = assignment_create(
        user=ines,
        course=a,
        title="Alphaaufgabe",
        edition=edition,
        start="p2",
        end="p3",
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=7),
    )
    p2, p3 = edition.paragraphs.get(public_id="p2"), edition.paragraphs.get(public_id="p3")
    private = note(amy, p2, "Privatgeheimnis im Quittenbaum.", tags=["Privatmarke"])
    group = note(
        amy,
        p2,
        "Kursgeheimnis im Kirschbaum.",
        tags=["Kursmarke"],
        visibility="group",
        group=a.group,
    )
    hidden = note(amy, p3, "Versteckgeheimnis im Pflaumenbaum.", visibility="group", group=a.group)
    annotation_hide(user=ines, annotation=hidden, reason="Nicht zum Thema.")
    public = note(amy, p3, "Eine öffentliche Notiz.", visibility="public")
    deleted = note(amy, p3, "Geloeschtgeheimnis im Birnbaum.", visibility="public")
    annotation_create(
        user=stu, parent=deleted, motivation="replying", body="Eine Antwort.", visibility="public"
    )
    annotation_delete(user=amy, annotation=deleted)
    note(
        bob,
        p2,
        "Betageheimnis im Apfelbaum.",
        tags=["Betamarke"],
        visibility="group",
        group=b.group,
    )
    token, raw_token = tokens.api_token_create(user=amy, name="Skript")
    a.refresh_from_db()
    users = {
        "anonymous": None,
        "outsider": otto,
        "student": stu,
        "other_student": bob,
        "author": amy,
        "instructor": ines,
        "co_instructor": cora,
        "staff": stefan,
    }
    return SimpleNamespace(
        users=users,
        edition=edition,
        course=a,
        assignment=assignment,
        private=private,
        group=group,
        hidden=hidden,
        public=public,
        deleted=deleted,
        token=token,
        raw_token=raw_token,
    )


# The table


def everyone(status) -> dict:
    return dict.fromkeys(ROLES, status)


def logged_in(status, anonymous=LOGIN) -> dict:
    return everyone(status) | {"anonymous": anonymous}


def course_page(student=200, done=200) -> dict:
    """A page of course A: 404 to anyone outside it (staff too), `student` for its students,
    `done` for its instructors."""
    return logged_in(404) | {
        "student": student,
        "author": student,
        "instructor": done,
        "co_instructor": done,
    }


def instructors_only(done=302) -> dict:
    return course_page(student=403, done=done)


def course_post_only() -> dict:
    return logged_in(405)


INSTRUCTOR_ROLE = logged_in(403) | {"instructor": 200}


def sees_note(ok, others=404, anonymous=404) -> dict:
    """A view of the course note: its readers (course A's members) get `ok`."""
    return everyone(others) | dict.fromkeys(MEMBERS_OF_A, ok) | {"anonymous": anonymous}


def changes_note(done, *, anonymous=404) -> dict:
    """A change of the course note: only its author; a reader who sees it gets 403, anyone else
    the 404 of a note that does not exist."""
    return sees_note(403, anonymous=anonymous) | {"author": done}


def own_deleted_note(done, anonymous) -> dict:
    return everyone(404) | {"author": done, "anonymous": anonymous}


REFUSED = {LOGIN, 400, 401, 403, 404, 405, 410, 412, 428}


@dataclass
class Row:
    kwargs: Callable = lambda w: {}
    expect: dict = field(default_factory=dict)  # method -> role -> outcome
    # method -> role -> outcome, the request carrying the resource's current ETag as If-Match
    if_match: dict = field(default_factory=dict)
    query: Callable = lambda w: ""
    data: dict = field(default_factory=dict)  # method -> (world -> body)
    as_json: bool = False  # bodies sent as JSON (the APIs), else as a form
    writes: frozenset = frozenset()  # methods that may change rows when they succeed
    invitation: bool = False  # the URL holds the join code: its holder sees the course
    headers: dict = field(default_factory=dict)


def read_page(status=200, **kwargs) -> Row:
    """A page for everyone that does not look at the method: a POST is read like a GET."""
    return Row(expect={"GET": everyone(status), "POST": everyone(status)}, **kwargs)


def my_page(**kwargs) -> Row:
    return Row(expect={"GET": logged_in(200), "POST": logged_in(200)}, **kwargs)


def course_slug(w) -> dict:
    return {"slug": w.course.slug}


def course_assignment(w) -> dict:
    return {"slug": w.course.slug, "pk": w.assignment.pk}


def group_note(w) -> dict:
    return {"uuid": w.group.uuid}


def deleted_note(w) -> dict:
    return {"uuid": w.deleted.uuid}


def edition_slug(w) -> dict:
    return {"slug": w.edition.slug}


def new_note(w) -> dict:
    return {"edition": w.edition.slug, "paragraph": "p1", "body": "Neu.", "visibility": "public"}


def w3c_replacement(w) -> dict:
    """A PUT of the course note (a whole-paragraph note on p2, whose target cannot change)."""
    return w3c_note(w) | {
        "body": {"type": "TextualBody", "value": "Ersetzt.", "format": "text/markdown"},
        "target": {
            "source": f"http://testserver/{w.edition.slug}/",
            "selector": {"type": "FragmentSelector", "value": "p2"},
        },
    }


def w3c_note(w) -> dict:
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "commenting",
        "body": {"type": "TextualBody", "value": "Neu.", "format": "text/markdown"},
        "target": {
            "source": f"http://testserver/{w.edition.slug}/",
            "selector": {"type": "FragmentSelector", "value": "p1"},
        },
    }


def assignment_form(w) -> dict:
    return {
        "title": "Neue Aufgabe",
        "instructions": "Lesen.",
        "edition": w.edition.slug,
        "start": "p2",
        "end": "p3",
        "opens_at": "2026-01-05T10:00",
        "due_at": "2026-01-12T10:00",
        "min_annotations": "1",
        "min_replies": "0",
    }


POST = frozenset({"POST"})
W3C = {"Accept": "application/ld+json", "Content-Type": "application/ld+json"}

MATRIX: dict[str, Row] = {
    # accounts
    "accounts:signup": Row(
        expect={
            "GET": everyone(302) | {"anonymous": 200},
            "POST": everyone(302) | {"anonymous": 200},
        }
    ),
    "accounts:login": read_page(),
    "accounts:logout": Row(expect={"GET": everyone(405), "POST": everyone(302)}),
    "accounts:profile": Row(
        expect={"GET": logged_in(200), "POST": logged_in(302)},
        data={"POST": lambda w: {"display_name": "Neuer Name"}},
        writes=POST,
    ),
    "accounts:api-token-create": Row(
        expect={"GET": logged_in(405), "POST": logged_in(200)},
        data={"POST": lambda w: {"name": "Neu"}},
        writes=POST,
    ),
    "accounts:api-token-revoke": Row(
        kwargs=lambda w: {"token_id": w.token.pk},
        expect={"GET": logged_in(405), "POST": logged_in(404) | {"author": 302}},
        writes=POST,
    ),
    "accounts:account-data": Row(expect={"GET": logged_in(200), "POST": logged_in(405)}),
    "accounts:account-delete": Row(
        expect={"GET": logged_in(200), "POST": logged_in(302)},
        data={"POST": lambda w: {"password": DEFAULT_PASSWORD, "annotations": "delete"}},
        writes=POST,  # one's own account, confirmed with one's own password
    ),
    "accounts:account-deleted": read_page(),
    "accounts:password-change": Row(expect={"GET": logged_in(200), "POST": logged_in(200)}),
    "accounts:password-change-done": Row(expect={"GET": logged_in(200), "POST": logged_in(405)}),
    "accounts:password-reset": Row(
        expect={"GET": everyone(200), "POST": everyone(302)},
        data={"POST": lambda w: {"email": "amy@example.org"}},
    ),
    "accounts:password-reset-done": Row(expect={"GET": everyone(200), "POST": everyone(405)}),
    "accounts:password-reset-confirm": read_page(
        kwargs=lambda w: {"uidb64": "AA", "token": "set-password"}
    ),
    "accounts:password-reset-complete": Row(expect={"GET": everyone(200), "POST": everyone(405)}),
    # annotations: the JSON API
    "annotations:api-collection": Row(
        query=lambda w: f"?edition={w.edition.slug}",
        expect={"GET": everyone(200), "POST": everyone(201) | {"anonymous": 401}},
        data={"POST": new_note},
        as_json=True,
        writes=POST,
    ),
    "annotations:api-preview": Row(
        expect={"GET": everyone(405), "POST": everyone(200)},
        data={"POST": lambda w: {"body": "**fett**"}},
        as_json=True,
    ),
    "annotations:api-item": Row(
        kwargs=group_note,
        expect={
            "GET": sees_note(200),
            "POST": everyone(405),
            "PATCH": changes_note(200),
            "DELETE": changes_note(204),
        },
        data={"PATCH": lambda w: {"body": "Geändert."}},
        as_json=True,
        writes=frozenset({"PATCH", "DELETE"}),
    ),
    "annotations:api-restore": Row(
        kwargs=deleted_note,
        expect={"GET": everyone(405), "POST": own_deleted_note(200, anonymous=401)},
        as_json=True,
        writes=POST,
    ),
    "annotations:api-tags": Row(expect={"GET": everyone(200), "POST": everyone(405)}),
    # annotations: the W3C protocol
    "annotations:w3c-context": Row(expect={"GET": everyone(200), "POST": everyone(405)}),
    "annotations:w3c-container": Row(
        query=lambda w: f"?edition={w.edition.slug}",
        expect={
            "GET": everyone(200),
            "POST": everyone(201) | {"anonymous": 401},
            "PUT": everyone(405),
            "DELETE": everyone(405),
        },
        data={"POST": w3c_note},
        as_json=True,
        headers=W3C,
        writes=POST,
    ),
    "annotations:w3c-annotation": Row(
        kwargs=group_note,
        expect={
            "GET": sees_note(200),
            "POST": everyone(405),
            # Without If-Match: the author is asked for it (428), nothing changes.
            "PUT": changes_note(428, anonymous=401),
            "DELETE": changes_note(204, anonymous=401),
        },
        # With the current ETag the precondition holds: who it is decides.
        if_match={
            "PUT": changes_note(200, anonymous=401),
            "DELETE": changes_note(204, anonymous=401),
        },
        data={"PUT": w3c_replacement},
        as_json=True,
        headers=W3C,
        writes=frozenset({"PUT", "DELETE"}),
    ),
    # annotations: pages
    "annotations:annotation-new": Row(
        query=lambda w: f"?edition={w.edition.slug}&paragraph=p1",
        expect={"GET": logged_in(200), "POST": logged_in(302)},
        data={
            "POST": lambda w: {"motivation": "commenting", "body": "Neu.", "visibility": "private"}
        },
        writes=POST,
    ),
    "annotations:my-annotations": my_page(),
    "annotations:my-annotations-jsonld": my_page(),
    "annotations:my-annotations-csv": my_page(),
    "annotations:my-annotations-markdown": my_page(),
    "annotations:annotation-import": Row(
        expect={"GET": logged_in(200), "POST": logged_in(400)}  # POST: no file sent
    ),
    "annotations:deleted-annotations": my_page(),
    "annotations:annotation-restore": Row(
        kwargs=deleted_note,
        expect={"GET": logged_in(405), "POST": own_deleted_note(302, anonymous=LOGIN)},
        writes=POST,
    ),
    "annotations:annotation-detail": Row(
        kwargs=group_note, expect={"GET": sees_note(302), "POST": sees_note(302)}
    ),
    "annotations:thread-fragment": Row(
        kwargs=group_note, expect={"GET": sees_note(200), "POST": everyone(405)}
    ),
    # The reading page's threads of p2 (where the private, course and other course's notes are):
    # every role gets the list, holding only what it may read.
    "annotations:paragraph-threads": Row(
        kwargs=lambda w: {"slug": w.edition.slug, "public_id": "p2"},
        expect={"GET": everyone(200), "POST": everyone(405)},
    ),
    "annotations:annotation-history": Row(
        kwargs=group_note,
        expect={"GET": everyone(404) | {"author": 200}, "POST": everyone(404) | {"author": 200}},
    ),
    "annotations:annotation-cite": Row(
        kwargs=group_note, expect={"GET": sees_note(200), "POST": sees_note(200)}
    ),
    # A tag seen on no note the reader may see looks like an unknown one: 200, the slug only.
    "annotations:tag-detail": read_page(kwargs=lambda w: {"slug": "kursmarke"}),
    # courses (tests/courses/test_authorization_matrix.py checks these in more depth)
    "courses:course-list": Row(expect={"GET": logged_in(200), "POST": logged_in(200)}),
    "courses:course-new": Row(
        expect={"GET": INSTRUCTOR_ROLE, "POST": INSTRUCTOR_ROLE | {"instructor": 302}},
        data={"POST": lambda w: {"title": "Ein neuer Kurs"}},
        writes=POST,
    ),
    "courses:join-form": Row(
        expect={"GET": logged_in(200), "POST": logged_in(302)},
        data={"POST": lambda w: {"code": w.course.join_code}},
        writes=POST,
        invitation=True,
    ),
    "courses:join-link": Row(
        kwargs=lambda w: {"code": w.course.join_code},
        expect={"GET": logged_in(200), "POST": logged_in(302)},
        writes=POST,
        invitation=True,
    ),
    "courses:course-detail": Row(
        kwargs=course_slug, expect={"GET": course_page(), "POST": course_page()}
    ),
    "courses:join-code-regenerate": Row(
        kwargs=course_slug,
        expect={"GET": course_post_only(), "POST": instructors_only()},
        writes=POST,
    ),
    "courses:joining-set": Row(
        kwargs=course_slug,
        expect={"GET": course_post_only(), "POST": instructors_only()},
        data={"POST": lambda w: {"open": "0"}},
        writes=POST,
    ),
    "courses:member-remove": Row(
        kwargs=course_slug,
        expect={"GET": course_post_only(), "POST": instructors_only()},
        data={"POST": lambda w: {"username": "stu"}},
        writes=POST,
    ),
    "courses:co-instructor-add": Row(
        kwargs=course_slug,
        expect={"GET": course_post_only(), "POST": instructors_only()},
        data={"POST": lambda w: {"username": "otto"}},
        writes=POST,
    ),
    "courses:vocabulary-set": Row(
        kwargs=course_slug,
        expect={"GET": course_post_only(), "POST": instructors_only()},
        data={"POST": lambda w: {"tags": "Methode\nThese", "tags_binding": "on"}},
        writes=POST,
    ),
    "courses:student-detail": Row(
        kwargs=lambda w: {"slug": w.course.slug, "username": "amy"},
        expect={"GET": instructors_only(200), "POST": instructors_only(200)},
    ),
    "courses:course-annotations": Row(
        kwargs=course_slug, expect={"GET": instructors_only(200), "POST": instructors_only(200)}
    ),
    "courses:course-annotations-jsonld": Row(
        kwargs=course_slug, expect={"GET": instructors_only(200), "POST": instructors_only(200)}
    ),
    "courses:course-annotations-csv": Row(
        kwargs=course_slug, expect={"GET": instructors_only(200), "POST": instructors_only(200)}
    ),
    "courses:annotation-hide": Row(
        kwargs=lambda w: {"slug": w.course.slug, "uuid": w.group.uuid},
        expect={"GET": instructors_only(200), "POST": instructors_only()},
        data={"POST": lambda w: {"reason": "Nicht zum Thema."}},
        writes=POST,
    ),
    "courses:annotation-unhide": Row(
        kwargs=lambda w: {"slug": w.course.slug, "uuid": w.hidden.uuid},
        expect={"GET": course_post_only(), "POST": instructors_only()},
        writes=POST,
    ),
    "courses:assignment-new": Row(
        kwargs=course_slug,
        expect={"GET": instructors_only(200), "POST": instructors_only()},
        data={"POST": assignment_form},
        writes=POST,
    ),
    "courses:assignment-detail": Row(
        kwargs=course_assignment, expect={"GET": course_page(), "POST": course_page()}
    ),
    "courses:assignment-edit": Row(
        kwargs=course_assignment,
        expect={"GET": instructors_only(200), "POST": instructors_only()},
        data={"POST": assignment_form},
        writes=POST,
    ),
    "courses:assignment-progress": Row(
        kwargs=course_assignment,
        expect={"GET": instructors_only(200), "POST": instructors_only(200)},
    ),
    "courses:assignment-students-csv": Row(
        kwargs=course_assignment,
        expect={"GET": instructors_only(200), "POST": instructors_only(200)},
    ),
    "courses:assignment-annotations-csv": Row(
        kwargs=course_assignment,
        expect={"GET": instructors_only(200), "POST": instructors_only(200)},
    ),
    # Django's language switch: sets a cookie and goes back, whoever asks
    "set_language": Row(
        expect={"GET": everyone(302), "POST": everyone(302)},
        data={"POST": lambda w: {"language": "en", "next": "/"}},
    ),
    # search: every note's own word at once; each role finds only what it may read
    "search:search": read_page(query=lambda w: "?q=" + "+OR+".join(SEARCH_WORDS)),
    # edition: public text; the reading view asked for course A's assignment and heat map
    "edition:edition-list": read_page(),
    "reading:edition-detail": read_page(
        kwargs=edition_slug,
        query=lambda w: f"?assignment={w.assignment.pk}&heatmap={w.course.slug}",
    ),
    "edition:edition-json": read_page(kwargs=edition_slug),
    "edition:edition-text": read_page(kwargs=edition_slug),
    "edition:edition-tei": read_page(kwargs=edition_slug),
    "edition:cite-bibtex": read_page(kwargs=edition_slug),
    "edition:cite-ris": read_page(kwargs=edition_slug),
    "edition:cite-csl": read_page(kwargs=edition_slug),
    "reading:paragraph-detail": read_page(
        kwargs=lambda w: {"slug": w.edition.slug, "public_id": "p2"}
    ),
    # the live channel: counts and digests of what the role may see, never of the rest
    "reading:live": Row(
        kwargs=edition_slug,
        expect={"GET": everyone(200), "POST": everyone(405)},
    ),
}


def url_names() -> list[str | None]:
    """Every pattern of the URL conf as `namespace:name`, through every include; the admin's
    are left out (see the module docstring). A pattern without a name is None."""

    def walk(patterns, namespace: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                inner = ":".join(filter(None, (namespace, pattern.namespace)))
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                if pattern.name is None:
                    yield None
                else:
                    yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return list(walk(get_resolver().url_patterns, ""))


# Helpers


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def send(client: Client, row: Row, method: str, url: str, w, headers: dict):
    data = row.data.get(method, lambda w: {})(w)
    if method in ("GET", "HEAD", "OPTIONS"):
        return client.generic(method, url, headers=headers)
    if row.as_json:
        content_type = headers.get("Content-Type", "application/json")
        return client.generic(
            method, url, json.dumps(data), content_type=content_type, headers=headers
        )
    if method == "POST":
        return client.post(url, data, headers=headers)
    return client.generic(method, url, headers=headers)


def outcome(response):
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="):
        return LOGIN
    return response.status_code


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def snapshot() -> dict:
    """Every row of the tables a refused request must not touch (membership and tag tables
    included); users without their last log-in, which logging in the roles sets."""
    tables = {}
    for label in ("annotations", "courses", "taggit", "accounts", "search"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed:  # not SQLite's full-text table, which mirrors SearchEntry
                tables[model._meta.db_table] = list(model.objects.order_by("pk").values())
    users = get_user_model().objects.order_by("pk").values()
    tables["users"] = [{k: v for k, v in u.items() if k != "last_login"} for u in users]
    return tables


def forbidden_for(role: str, row: Row) -> list[str]:
    words = [word for word, readers in SECRETS.items() if role not in readers]
    if row.invitation:  # whoever holds the code sees what they would join
        words = [word for word in words if word not in ("Alphaseminar",)]
    return words


def check(w, name: str, role: str, method: str, before: dict, *, if_match=False) -> list[str]:
    """What is wrong with one role's request, as sentences; nothing when all is as the row says.
    HEAD is expected to answer as GET; OPTIONS is judged by `options_problems`."""
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(w)) + row.query(w)
    headers = dict(row.headers)
    if if_match:
        expected = row.if_match[method][role]
        headers["If-Match"] = client_for(w.users["author"]).get(url, headers=row.headers)["ETag"]
    else:
        expected = row.expect.get("GET" if method == "HEAD" else method, {}).get(role)
    client = client_for(w.users[role])
    response = send(client, row, method, url, w, headers)
    got = outcome(response)
    where = f"{role} {method}{' with If-Match' if if_match else ''} {url}"
    problems = []
    if method == "OPTIONS":
        problems += options_problems(response, got, row.expect["GET"][role], where)
    elif got != expected:
        problems.append(f"{where}: expected {expected}, got {got}")
    may_write = method in row.writes and expected not in REFUSED
    if not may_write and snapshot() != before:
        problems.append(f"{where}: answered {got} but changed the database")
    page = body_of(response)
    if method == "HEAD" and page:
        problems.append(f"{where}: answered HEAD with a body")
    said = page + "\n".join(f"{key}: {value}" for key, value in response.headers.items())
    if leaked := [word for word in forbidden_for(role, row) if word in said]:
        problems.append(f"{where}: shows {leaked}")
    if w.course.join_code in said and role not in MEMBERS_OF_A and not row.invitation:
        problems.append(f"{where}: shows course A's join code")
    return problems


def options_problems(response, got, as_get, where: str) -> list[str]:
    """OPTIONS answered by the view itself (Allow, no body), or as GET for this role."""
    if got in (200, 405) and response.get("Allow") and not body_of(response):
        return []
    if got != as_get:  # never a 5xx: GET expects none
        return [f"{where}: expected 200 or 405 with Allow, or {as_get} as for GET, got {got}"]
    return []


# The tests


def test_every_url_pattern_has_a_row_in_the_matrix():
    names = url_names()
    assert None not in names, "every URL needs a name"
    missing = sorted(set(names) - set(MATRIX))
    assert not missing, f"decide who may use these URLs and add rows: {missing}"
    assert not set(MATRIX) - set(names), "rows for URLs that no longer exist"
    for name, row in MATRIX.items():
        assert "GET" in row.expect and "POST" in row.expect, name
        assert all(set(roles) == set(ROLES) for roles in row.expect.values()), name


@pytest.mark.parametrize("name", list(MATRIX))
def test_role_matrix(world, name):
    """Every method and role in turn, each from the same starting state (changes rolled back)."""
    row = MATRIX[name]
    problems, before = [], snapshot()  # each request starts from it: the others are rolled back
    requests = [(method, False) for method in row.expect] + [("OPTIONS", False)]
    requests += [("HEAD", False)] if "GET" in row.expect else []
    requests += [(method, True) for method in row.if_match]
    for method, if_match in requests:
        for role in OPTIONS_ROLES if method == "OPTIONS" else ROLES:
            with transaction.atomic():
                problems += check(world, name, role, method, before, if_match=if_match)
                transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


# What each role counts and finds: the same notes everywhere (placeholders of deleted notes
# with live replies are in the JSON API, not in the W3C container, which answers 410 for them).
VISIBLE = {
    "anonymous": 3,  # the public note, the deleted one's placeholder, the reply to it
    "outsider": 3,
    "staff": 3,
    "student": 4,  # + the course note
    "other_student": 4,  # + course B's note
    "instructor": 5,  # + the course note and the one they hid
    "co_instructor": 5,
    "author": 6,  # + the private note, the course note, the hidden one
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_counts_and_finds_exactly_what_it_may_read(world, role):
    client = client_for(world.users[role])
    slug = world.edition.slug
    api = client.get(f"/api/annotations/?edition={slug}").json()
    assert api["total"] == len(api["items"]) == VISIBLE[role]
    w3c = client.get(f"/annotations/w3c/?edition={slug}", headers={"Accept": "application/json"})
    assert w3c.json()["total"] == VISIBLE[role] - 1
    tags = {t["name"]: t["count"] for t in client.get("/api/tags/").json()["items"]}
    readable = {word for word, readers in SECRETS.items() if role in readers}
    assert tags == {tag: 1 for tag in ("Privatmarke", "Kursmarke", "Betamarke") if tag in readable}
    # Search is the positive control of the leak check: its readers do find each secret note.
    page = client.get("/search/?q=" + "+OR+".join(SEARCH_WORDS)).content.decode()
    notes = {"Privatgeheimnis", "Kursgeheimnis", "Versteckgeheimnis", "Betageheimnis"}
    assert {word for word in notes if word in page} == notes & readable


def test_an_api_token_acts_for_its_owner_only_until_revoked(world):
    """The author's token reads and changes the author's private note, and nobody else's."""
    client = Client(headers={"Authorization": f"Bearer {world.raw_token}"})
    mine = f"/api/annotations/{world.private.uuid}/"
    assert client.get(mine).status_code == 200
    reply = world.deleted.replies.get()
    assert (
        client.patch(
            f"/api/annotations/{reply.uuid}/", '{"body": "x"}', content_type="application/json"
        ).status_code
        == 403
    )
    client_for(world.users["author"]).post(
        reverse("accounts:api-token-revoke", kwargs={"token_id": world.token.pk})
    )
    response = client.get(mine)
    assert response.status_code == 401
    assert "Privatgeheimnis" not in response.content.decode()


# Changes of audience and of role: what each role reads changes exactly as the rule says, at
# once, whatever was kept for it before.

REPLY_WORD = "Zitronenbaum"  # in stu's reply to the author's course note


def reads(w, reply) -> dict[str, tuple]:
    """What each role reads of the course note's thread: the note and the reply through the
    JSON API (status), whether the reply's word is in the edition's list, and the API's count."""
    result = {}
    for role in ROLES:
        client = client_for(w.users[role])
        listed = client.get(f"/api/annotations/?edition={w.edition.slug}")
        result[role] = (
            client.get(f"/api/annotations/{w.group.uuid}/").status_code,
            client.get(f"/api/annotations/{reply.uuid}/").status_code,
            REPLY_WORD in listed.content.decode(),
            listed.json()["total"],
        )
    return result


def test_widening_a_thread_others_replied_to_is_refused_everywhere_and_changes_no_view(world):
    reply = annotation_create(
        user=world.users["student"],
        parent=world.group,
        motivation="replying",
        body=f"Nur fürs Seminar: {REPLY_WORD}.",
    )
    before = reads(world, reply)
    members = {role for role in ROLES if role in MEMBERS_OF_A}
    assert {role for role, (_, status, seen, _) in before.items() if status == 200 and seen} == (
        members
    )
    author = client_for(world.users["author"])
    api = author.patch(
        f"/api/annotations/{world.group.uuid}/",
        json.dumps({"visibility": "public"}),
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["error"]["field"] == "visibility"
    url = f"/annotations/w3c/{world.group.uuid}/"
    current = author.get(url, headers={"Accept": "application/ld+json"})
    data = current.json() | {"edition:visibility": "public"}
    data.pop("edition:group", None)
    put = author.put(
        url,
        json.dumps(data),
        content_type="application/ld+json",
        headers={"If-Match": current["ETag"]},
    )
    assert put.status_code == 400 and put.json()["error"]["field"] == "edition:visibility"
    assert reads(world, reply) == before


def test_narrowing_a_thread_narrows_every_reply_and_widening_again_only_the_authors(world):
    reply = annotation_create(
        user=world.users["student"],
        parent=world.group,
        motivation="replying",
        body=f"Nur fürs Seminar: {REPLY_WORD}.",
    )
    author = client_for(world.users["author"])

    def audience(visibility, group=None):
        response = author.patch(
            f"/api/annotations/{world.group.uuid}/",
            json.dumps({"visibility": visibility, "group": group}),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content

    audience("private")
    narrowed = reads(world, reply)
    assert {role for role, (note, *_) in narrowed.items() if note == 200} == {"author"}
    assert {role for role, (_, status, seen, _) in narrowed.items() if status == 200} == {"student"}
    audience("public")
    widened = reads(world, reply)
    assert {role for role, (note, *_) in widened.items() if note == 200} == set(ROLES)
    # stu's reply stays his alone: widening the thread took none of his words along.
    assert {role for role, (_, status, seen, _) in widened.items() if status == 200 or seen} == {
        "student"
    }


def test_a_change_of_role_changes_at_once_what_the_role_reads(world):
    """The co-instructor demoted to student, a student promoted: every kept view (the API list,
    a paragraph's threads, search) follows at once."""

    def sees_hidden(role) -> dict[str, bool]:
        client = client_for(world.users[role])
        return {
            "api": "Versteckgeheimnis"
            in client.get(f"/api/annotations/?edition={world.edition.slug}").content.decode(),
            "threads": "Versteckgeheimnis"
            in client.get(f"/{world.edition.slug}/p3/threads/").content.decode(),
            "search": "Versteckgeheimnis" in client.get("/search/?q=Pflaumenbaum").content.decode(),
            "count": client.get(f"/api/annotations/?edition={world.edition.slug}").json()["total"],
        }

    everywhere = {"api": True, "threads": True, "search": True}
    nowhere = {"api": False, "threads": False, "search": False}
    assert sees_hidden("co_instructor") == everywhere | {"count": VISIBLE["co_instructor"]}
    assert sees_hidden("student") == nowhere | {"count": VISIBLE["student"]}
    Membership.objects.filter(course=world.course, user=world.users["co_instructor"]).update(
        role=Membership.Role.STUDENT
    )
    assert sees_hidden("co_instructor") == nowhere | {"count": VISIBLE["student"]}
    co_instructor_add(user=world.users["instructor"], course=world.course, username="stu")
    assert sees_hidden("student") == everywhere | {"count": VISIBLE["instructor"]}
