"""Every payload of the corpus through every field a user controls, by the real write path
(the JSON API, the profile, course and assignment forms, the search box, the import page).

What is typed is stored as typed (the forms trim outer whitespace, titles and tags are single-
spaced: the only changes), or refused with a clear message; and every page showing it has exactly
the scripts, handlers, dangerous elements and script URLs of the same page with harmless input.
"""

import json
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Profile
from annotations import w3c
from annotations.models import TAG_MAX_LENGTH, Annotation
from courses.models import Assignment, Course
from tests.courses.conftest import make_instructor
from tests.factories import make_user
from tests.security.payloads import ALL, LONG_OVER, LONG_WITHIN, NUL

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "frame",
    "object",
    "embed",
    "applet",
    "form",
    "meta",
    "base",
    "link",
    "style",
    "svg",
    "math",
    "template",
    "noscript",
    "textarea",
    "input",
    "button",
    "select",
    "img",
    "video",
    "audio",
    "source",
    "details",
    "marquee",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
P2 = "Ein Archiv ist ein Ort der Bildproduktion, sagt man."


def browser_view(url: str) -> str:
    """A URL as a browser reads its scheme (WHATWG URL): C0 controls and spaces trimmed at the
    ends, tabs and newlines removed anywhere, case ignored. Spaces inside make it relative."""
    trimmed = url.strip("".join(map(chr, range(0x21))))
    return "".join(c for c in trimmed if c not in "\t\n\r").lower()


class _Executable(HTMLParser):
    """What in a page could run or change the page: elements, event handlers, inline style and
    script URLs, as the parser sees them (markup-like text inside text or attributes is not)."""

    def __init__(self):
        super().__init__()
        self.found: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.found[f"<{tag}>"] += 1
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found[f"{tag}[{name}]"] += 1
            if name in URL_ATTRIBUTES and value:
                url = browser_view(value)
                if url.startswith(DANGEROUS_SCHEMES):
                    self.found[f"{tag}[{name}={url[:16]}]"] += 1

    handle_startendtag = handle_starttag


def executable(html: str) -> Counter[str]:
    parser = _Executable()
    parser.feed(html)
    parser.close()
    return parser.found


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def tag_accepted(text: str) -> bool:
    name = " ".join(text.split())
    return (
        0 < len(name) <= TAG_MAX_LENGTH
        and "," not in name
        and '"' not in name
        and any(c.isalnum() for c in name)
    )


def w3c_file(body: str, tags: list[str]) -> bytes:
    start = P2.index("Bildproduktion")
    values = [{"type": "TextualBody", "purpose": "commenting", "value": body}]
    values += [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in tags]
    note = {
        "@context": w3c.ANNO_CONTEXT,
        "id": "https://elsewhere.example/annotations/w3c/11111111-1111-4111-8111-111111111111/",
        "type": "Annotation",
        "motivation": "commenting",
        "body": values,
        "target": {
            "source": "https://elsewhere.example/test-interview/",
            "selector": {
                "type": "FragmentSelector",
                "value": "p2",
                "refinedBy": [
                    {"type": "TextQuoteSelector", "exact": "Bildproduktion"},
                    {"type": "TextPositionSelector", "start": start, "end": start + 14},
                ],
            },
        },
    }
    return json.dumps(note, ensure_ascii=False).encode()


def upload(client: Client, content: bytes):
    upload = SimpleUploadedFile("notes.jsonld", content, "application/ld+json")
    return client.post("/annotations/import/", {"file": upload, "visibility": "private"})


def assignment_form(edition, title: str, instructions: str) -> dict:
    return {
        "title": title,
        "instructions": instructions,
        "edition": edition.slug,
        "start": "p2",
        "end": "p3",
        "opens_at": "2020-01-01T00:00",
        "due_at": "2099-01-01T00:00",
        "min_annotations": 1,
        "min_replies": 0,
    }


def world(edition, text: str) -> dict[str, str]:
    """`text` in every field, each written as its user writes it; the pages that show it.
    Asserts on the way that each field was stored as typed (or refused, where it must be)."""
    ines, mallory = make_instructor("ines"), make_user("mallory")
    teacher, student = client_for(ines), client_for(mallory)

    answer = student.post("/accounts/profile/", {"display_name": text})
    if len(text.strip()) <= Profile._meta.get_field("display_name").max_length:
        assert answer.status_code == 302, answer.content
        assert Profile.objects.get(user=mallory).display_name == text.strip()
    else:
        assert answer.status_code == 200
        assert "at most 80 characters" in answer.content.decode()

    answer = teacher.post("/courses/new/", {"title": text, "term": "", "description": text})
    assert answer.status_code == 302, answer.content
    course = Course.objects.get()
    assert (course.title, course.description) == (" ".join(text.split()), text.strip())
    student.post("/courses/join/", {"code": course.join_code})
    assert course.group.members.filter(pk=mallory.pk).exists()

    new = reverse("courses:assignment-new", kwargs={"slug": course.slug})
    answer = teacher.post(new, assignment_form(edition, text, text))
    assert answer.status_code == 302, answer.content
    assignment = Assignment.objects.get()
    assert (assignment.title, assignment.instructions) == (" ".join(text.split()), text.strip())

    tags = [text] if tag_accepted(text) else ["harmlos"]
    if not tag_accepted(text):
        refused = student.post(
            "/api/annotations/",
            {"edition": "test-interview", "paragraph": "p2", "body": text, "tags": [text]},
            content_type="application/json",
        )
        assert refused.status_code == 400 and refused.json()["error"]["field"] == "tags"
    answer = student.post(
        "/api/annotations/",
        {
            "edition": "test-interview",
            "paragraph": "p2",
            "body": text,
            "tags": tags,
            "visibility": "group",
            "group": course.group.slug,
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["body"] == text
    assert data["tags"] == [" ".join(tags[0].split())]
    note = Annotation.objects.get(uuid=data["id"].rstrip("/").rsplit("/", 1)[-1])
    assert note.body == text
    assert list(note.tags.names()) == [" ".join(tags[0].split())]
    author = student.get(f"/api/annotations/{note.uuid}/").json()["author"]["name"]
    assert author == (Profile.objects.get(user=mallory).display_name or "mallory")

    imported = upload(student, w3c_file(text, tags))
    assert imported.status_code == 200, imported.content
    copy = Annotation.objects.filter(author=mallory).exclude(pk=note.pk).get()
    assert copy.body == text and list(copy.tags.names()) == [" ".join(tags[0].split())]

    slug = note.tags.get().slug
    course_kwargs = {"slug": course.slug}
    assignment_kwargs = {"slug": course.slug, "pk": assignment.pk}
    return {
        "edition": student.get("/test-interview/").content.decode(),
        "paragraph": student.get("/test-interview/p2/").content.decode(),
        "thread": student.get(f"/annotations/{note.uuid}/thread/").content.decode(),
        "permalink": student.get(f"/annotations/{note.uuid}/").content.decode(),
        "history": student.get(f"/annotations/{note.uuid}/history/").content.decode(),
        "tag": student.get(f"/tags/{slug}/").content.decode(),
        "mine": student.get("/annotations/mine/").content.decode(),
        "profile": student.get("/accounts/profile/").content.decode(),
        "import-report": imported.content.decode(),
        "course-list": student.get("/courses/").content.decode(),
        "course": student.get(
            reverse("courses:course-detail", kwargs=course_kwargs)
        ).content.decode(),
        "course-annotations": teacher.get(
            reverse("courses:course-annotations", kwargs=course_kwargs)
        ).content.decode(),
        "student": teacher.get(
            reverse("courses:student-detail", kwargs=course_kwargs | {"username": "mallory"})
        ).content.decode(),
        "assignment": student.get(
            reverse("courses:assignment-detail", kwargs=assignment_kwargs)
        ).content.decode(),
        "assignment-edit": teacher.get(
            reverse("courses:assignment-edit", kwargs=assignment_kwargs)
        ).content.decode(),
        "progress": teacher.get(
            reverse("courses:assignment-progress", kwargs=assignment_kwargs)
        ).content.decode(),
        "search-note": student.get("/search/", {"q": "Bildproduktion"}).content.decode(),
        "search-query": _search(student, text),
    }


def _search(client: Client, text: str) -> str:
    answer = client.get("/search/", {"q": text})
    assert answer.status_code == 200
    return answer.content.decode()


_BASELINE: dict[str, Counter[str]] = {}


@pytest.fixture
def baseline(edition) -> dict[str, Counter[str]]:
    """The pages with harmless input (the same people, course and note), computed once and
    rolled back so each test starts from the bare edition."""
    if not _BASELINE:
        with transaction.atomic():
            pages = world(edition, "harmlos")
            transaction.set_rollback(True)
        _BASELINE.update({name: executable(html) for name, html in pages.items()})
    return _BASELINE


@pytest.mark.parametrize("payload", ALL, ids=lambda p: p.id)
def test_payload_in_every_field_is_kept_and_nothing_on_any_page_can_run(payload, edition, baseline):
    pages = world(edition, payload.text)
    assert set(pages) == set(baseline)
    changed = {
        name: executable(html) - baseline[name] or baseline[name] - executable(html)
        for name, html in pages.items()
        if executable(html) != baseline[name]
    }
    assert not changed, changed


def test_the_check_sees_markup_that_could_run():
    """The control: the same parser flags what the corpus tries to smuggle in."""
    found = executable(
        '<p onclick="x" style="y"><a href=" JaVa\tscript:x">a</a><a href="java script:x"></a><svg></svg><script></script>'
    )
    assert set(found) == {"p[onclick]", "p[style]", "a[href=javascript:x]", "<svg>", "<script>"}


# Too long, and the NUL character: refused with a clear message, never a 500 (PostgreSQL cannot
# store NUL in text at all, so it is refused everywhere rather than stored on one database only).

NO_NUL = "Null characters are not allowed."


@pytest.fixture
def people(edition):
    ines, mallory = make_instructor("ines"), make_user("mallory")
    client_for(ines).post("/courses/new/", {"title": "Kurs", "description": ""})
    return {
        "teacher": client_for(ines),
        "student": client_for(mallory),
        "course": Course.objects.get(),
    }


def api_note(client: Client, body: str, tags: list[str]):
    return client.post(
        "/api/annotations/",
        {"edition": "test-interview", "paragraph": "p2", "body": body, "tags": tags},
        content_type="application/json",
    )


def test_a_long_note_within_the_limit_is_stored_and_one_over_it_is_refused(people):
    answer = api_note(people["student"], LONG_WITHIN, [])
    assert answer.status_code == 201 and answer.json()["body"] == LONG_WITHIN
    answer = api_note(people["student"], LONG_OVER, [])
    assert answer.status_code == 400
    assert answer.json()["error"] == {
        "field": "body",
        "message": "is 20000 characters long; the limit is 10000",
    }
    assert Annotation.objects.count() == 1


def test_an_over_long_tag_is_refused(people):
    answer = api_note(people["student"], "x", ["T" * (TAG_MAX_LENGTH + 1)])
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == f"a tag has at most {TAG_MAX_LENGTH} characters"


@pytest.mark.parametrize("field", ["body", "tags"])
def test_nul_in_a_note_is_refused_by_the_api(people, field):
    answer = api_note(
        people["student"], NUL if field == "body" else "x", [NUL] if field == "tags" else []
    )
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"] == {
        "field": "tags[0]" if field == "tags" else field,  # the JSON path of the string
        "message": "may not contain the NUL character (U+0000)",
    }
    assert not Annotation.objects.exists()


def test_nul_in_an_imported_note_is_refused(people):
    answer = upload(people["student"], w3c_file(NUL, []))
    assert answer.status_code == 400, answer.content
    assert "may not contain the NUL character" in answer.content.decode()
    assert not Annotation.objects.exists()


def test_an_over_long_imported_note_is_refused(people):
    answer = upload(people["student"], w3c_file(LONG_OVER, []))
    assert answer.status_code == 400, answer.content
    assert "the limit is 10000" in answer.content.decode()
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [(NUL, NO_NUL), ("N" * 81, "at most 80 characters (it has 81)")],
    ids=["nul", "long"],
)
def test_a_bad_display_name_is_refused_with_a_message(people, text, message):
    answer = people["student"].post("/accounts/profile/", {"display_name": text})
    assert answer.status_code == 200 and message in answer.content.decode()
    assert Profile.objects.get(user__username="mallory").display_name == ""


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("title", NUL, NO_NUL),
        ("description", NUL, NO_NUL),
        ("title", "T" * 201, "at most 200 characters (it has 201)"),
        ("description", LONG_OVER, "at most 10000 characters"),
    ],
    ids=["title-nul", "description-nul", "title-long", "description-long"],
)
def test_a_bad_course_is_refused_with_a_message(people, field, text, message):
    form = {"title": "Kurs 2", "description": ""} | {field: text}
    answer = people["teacher"].post("/courses/new/", form)
    assert answer.status_code in (200, 400) and message in answer.content.decode()
    assert Course.objects.count() == 1


def test_a_long_course_description_within_limits_is_kept(people):
    answer = people["teacher"].post(
        "/courses/new/", {"title": "Kurs 2", "description": LONG_WITHIN}
    )
    assert answer.status_code == 302
    assert Course.objects.get(title="Kurs 2").description == LONG_WITHIN


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("title", NUL, NO_NUL),
        ("instructions", NUL, NO_NUL),
        ("instructions", LONG_OVER, "at most 10000 characters (it has 20000)"),
    ],
    ids=["title-nul", "instructions-nul", "instructions-long"],
)
def test_a_bad_assignment_is_refused_with_a_message(people, edition, field, text, message):
    new = reverse("courses:assignment-new", kwargs={"slug": people["course"].slug})
    form = assignment_form(edition, "Lesen", "") | {field: text}
    answer = people["teacher"].post(new, form)
    assert answer.status_code == 400 and message in answer.content.decode()
    assert not Assignment.objects.exists()


def test_long_instructions_within_the_limit_are_kept(people, edition):
    new = reverse("courses:assignment-new", kwargs={"slug": people["course"].slug})
    answer = people["teacher"].post(new, assignment_form(edition, "Lesen", LONG_WITHIN))
    assert answer.status_code == 302
    assert Assignment.objects.get().instructions == LONG_WITHIN


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        # In the address, NUL is refused before any view (config.middleware).
        (NUL, 400, "the NUL character (%00) is not allowed in the query parameter 'q'"),
        (LONG_OVER, 200, "at most 200 characters (it has 20000)"),
    ],
    ids=["nul", "long"],
)
def test_a_bad_search_is_answered_with_a_message(people, text, status, message):
    answer = people["student"].get("/search/", {"q": text})
    assert answer.status_code == status and message in answer.content.decode()
