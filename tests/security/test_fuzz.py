"""Property-based fuzzing (Hypothesis) of every view that takes input: the JSON API, the W3C
protocol, the importers, the forms and the query parameters and path segments of the pages.

Strategies mix text with NUL, lone surrogates, `http://[` and percent signs, integers past
64 bits and past Python's integer-string limit, NaN, nesting past any sane depth, and values of
the wrong JSON type, into documents that are otherwise valid (so that the checks deep in the
services are reached, not only the parser's). Every answer must be below 500, and an answer
that is not a success must leave every table as it was.

The seed is fixed (`derandomize`) and the examples are bounded, so CI runs the same inputs every
time, in seconds per database. `FUZZ_EXAMPLES=500` explores more, locally.
"""

import copy
import json
import os
import uuid
from urllib.parse import quote_from_bytes

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import tokens
from annotations import w3c
from annotations.services import annotation_create
from config.json_input import JsonInputError, json_parse
from tests.factories import make_course_with_students, make_instructor, make_user

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
# A W3C annotation and an import file have many more places to change than the others.
DEEP_DOCUMENTS = settings(FUZZ, max_examples=EXAMPLES * 2)

P2 = "Ein Archiv ist ein Ort der Bildproduktion, sagt man."
START = P2.index("Bildproduktion")
W3C_TYPE = f'application/ld+json; profile="{w3c.ANNO_CONTEXT}"'
# Markers replaced in the JSON text by what `json.dumps` cannot write.
HUGE, DEEP, NAN = "@@huge@@", "@@deep@@", "@@nan@@"
RAW = {
    json.dumps(HUGE): "9" * 5000,
    json.dumps(DEEP): "[" * 3000 + "]" * 3000,
    json.dumps(NAN): "NaN",
}
APPS = {"accounts", "annotations", "courses", "search", "taggit", "edition"}

# Strategies ------------------------------------------------------------------------------------

NASTY = [
    "\x00",
    "\ud800",
    "\udfff",
    "\ud83d",
    "%00",
    "%",
    "http://[",
    "https://[::1/test-interview/",
    "http://testserver/test-interview/",
    "http://testserver/annotations/w3c/",
    "p2",
    "p0",
    "test-interview",
    "../",
    "\u202e",
    "\ufeff",
    "<script>",
    "\r\n",
    " ",
    ",",
    '"',
    "9" * 25,
    "ß",
    "\U0001f600",
]
# A third NUL or a lone surrogate, a third from the list above, a third any characters
# (surrogates included).
pieces = st.one_of(
    st.sampled_from(["\x00", "\ud800"]),
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=()), max_size=6),
)
nasty_text = st.lists(pieces, max_size=4).map("".join)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, START, 2**31, 2**63, 10**20]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([HUGE, NAN]),
)
leaves = st.one_of(st.none(), st.booleans(), numbers, nasty_text, st.just(DEEP))
json_values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.one_of(nasty_text, st.sampled_from(["type", "value", "id"])), children, max_size=3
        ),
    ),
    max_leaves=8,
)


def _places(value, places):
    """Every (container, key) in a document, to change one of them."""
    if isinstance(value, dict):
        for key, item in value.items():
            places.append((value, key))
            _places(item, places)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            places.append((value, n))
            _places(item, places)
    return places


@st.composite
def mutated(draw, base: dict):
    """A valid document with one to three of its values tainted (hostile text in a string, a
    hostile number for a number), replaced, removed or wrapped in a list, or a member added;
    now and then the whole document replaced."""
    document = copy.deepcopy(base)
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    for _ in range(draw(st.integers(1, 3))):
        places = _places(document, [])
        if not places:
            break
        container, key = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["taint"] * 4 + ["replace", "remove", "wrap", "add"]))
        value = container[key]
        if action == "taint" and isinstance(value, str):
            container[key] = draw(st.sampled_from([value, ""])) + draw(nasty_text)
        elif action == "taint" and isinstance(value, int | float) and not isinstance(value, bool):
            container[key] = draw(numbers)
        elif action in ("taint", "replace"):
            container[key] = draw(json_values)
        elif action == "remove":
            del container[key]
        elif action == "wrap":
            container[key] = [container[key]]
        elif isinstance(container, dict):
            container[draw(nasty_text)] = draw(json_values)
    return document


def json_text(document) -> str:
    text = json.dumps(document)
    for marker, raw in RAW.items():
        text = text.replace(marker, raw)
    return text


bodies = st.one_of(st.binary(max_size=40), st.just(b""))


def encoded(text: str) -> str:
    """Percent-encoded as a client that does not care would send it (surrogates as their
    three bytes, which is not UTF-8)."""
    return quote_from_bytes(text.encode("utf-8", "surrogatepass"), safe="")


def form_body(fields: dict[str, str]) -> str:
    return "&".join(f"{encoded(name)}={encoded(value)}" for name, value in fields.items())


# The site and the checks -----------------------------------------------------------------------


def counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in APPS and model._meta.managed and not model._meta.proxy
    }


def answered(response, before: dict[str, int], *, succeeded) -> None:
    """Below 500; a refusal leaves every table as it was."""
    assert response.status_code < 500, response.content[:500]
    if not succeeded(response.status_code):
        assert counts() == before, response.content[:500]


def created(status: int) -> bool:
    return 200 <= status < 300


def redirected(status: int) -> bool:
    return 300 <= status < 400


@pytest.fixture
def site(edition, settings):
    settings.READER_CACHE_SECONDS = 0  # every example reaches the view
    ines, reader = make_instructor("ines"), make_user("mallory")
    course = make_course_with_students(ines, [reader], title="Kurs")
    note = annotation_create(
        user=reader,
        paragraph=edition.paragraphs.get(public_id="p2"),
        motivation="commenting",
        body="Eine Notiz.",
        tags=["Archiv"],
    )
    shared = annotation_create(
        user=reader,
        paragraph=edition.paragraphs.get(public_id="p3"),
        motivation="commenting",
        body="Für den Kurs.",
        visibility="group",
        group=course.group,
    )
    client = Client()
    client.force_login(reader)
    teacher = Client()
    teacher.force_login(ines)
    token = tokens.api_token_create(user=reader, name="fuzz")[1]
    return {
        "client": client,
        "teacher": teacher,
        "token": token,
        "note": note,
        "shared": shared,
        "code": course.join_code,
        "group": course.group.slug,
        "course": course,
    }


API_NOTE = {
    "edition": "test-interview",
    "paragraph": "p2",
    "body": "Vgl. **Farocki**.",
    "tags": ["These", "Archiv"],
    "motivation": "commenting",
    "visibility": "private",
    "colour": "yellow",
    "selector": {"start": START, "end": START + 14, "exact": "Bildproduktion"},
}
API_EDIT = {"body": "Neu.", "tags": ["A"], "visibility": "public", "colour": "green"}
W3C_NOTE = {
    "@context": w3c.ANNO_CONTEXT,
    "type": "Annotation",
    "motivation": "commenting",
    "body": [
        {"type": "TextualBody", "value": "Vgl. Farocki.", "format": "text/markdown"},
        {"type": "TextualBody", "purpose": "tagging", "value": "These"},
    ],
    "target": {
        "source": "http://testserver/test-interview/",
        "selector": {
            "type": "FragmentSelector",
            "conformsTo": w3c.RFC3986,
            "value": "p2",
            "refinedBy": [
                {"type": "TextQuoteSelector", "exact": "Bildproduktion", "prefix": "Ort der "},
                {"type": "TextPositionSelector", "start": START, "end": START + 14},
            ],
        },
    },
    "edition:visibility": "private",
    "edition:colour": "yellow",
}
HYPOTHESIS_ROW = {
    "id": "h1",
    "uri": "https://elsewhere.example/test-interview/",
    "text": "Vgl. Farocki.",
    "tags": ["These"],
    "user": "acct:lena@hypothes.is",
    "created": "2024-05-01T10:00:00Z",
    "permissions": {"read": ["group:__world__"]},
    "target": [
        {
            "source": "https://elsewhere.example/test-interview/",
            "selector": [
                {"type": "TextQuoteSelector", "exact": "Bildproduktion", "prefix": "der "},
                {"type": "TextPositionSelector", "start": 1, "end": 2},
            ],
        }
    ],
}
HYPOTHESIS_REPLY = {"id": "h2", "text": "Ja.", "references": ["h1"], "uri": HYPOTHESIS_ROW["uri"]}


# The parser everything JSON goes through -------------------------------------------------------


@FUZZ
@given(document=json_values)
def test_what_the_json_parser_takes_is_storable(document):
    try:
        value = json_parse(json_text(document))
    except JsonInputError as exc:
        assert exc.field and exc.message
        return
    json.dumps(value).encode()  # no lone surrogate: it would not encode
    assert "\\u0000" not in json.dumps(value)


# The JSON API ----------------------------------------------------------------------------------


@FUZZ
@given(
    document=mutated(API_NOTE),
    headers=st.dictionaries(st.sampled_from(["Idempotency-Key"]), nasty_text),
)
def test_api_create_never_fails(site, document, headers):
    before = counts()
    headers = {name: encoded(value)[:200] for name, value in headers.items()}
    response = site["client"].post(
        "/api/annotations/", json_text(document), content_type="application/json", headers=headers
    )
    answered(response, before, succeeded=created)
    assert response["Content-Type"] == "application/json"


@FUZZ
@given(body=bodies)
def test_api_create_with_a_body_that_is_not_json_never_fails(site, body):
    before = counts()
    response = site["client"].post("/api/annotations/", body, content_type="application/json")
    answered(response, before, succeeded=created)


@FUZZ
@given(document=mutated(API_EDIT), if_match=st.none() | nasty_text)
def test_api_edit_never_fails(site, document, if_match):
    before = counts()
    headers = {"If-Match": encoded(if_match)} if if_match is not None else {}
    response = site["client"].patch(
        f"/api/annotations/{site['note'].uuid}/",
        json_text(document),
        content_type="application/json",
        headers=headers,
    )
    answered(response, before, succeeded=created)


@FUZZ
@given(document=mutated({"body": "*Vorschau* mit [Link](https://example.org)"}))
def test_markdown_preview_never_fails(site, document):
    before = counts()
    response = site["client"].post(
        "/api/annotations/preview/", json_text(document), content_type="application/json"
    )
    answered(response, before, succeeded=lambda status: False)


# The W3C protocol ------------------------------------------------------------------------------

protocol_headers = st.dictionaries(
    st.sampled_from(["Slug", "Idempotency-Key", "Prefer", "Accept", "If-Match"]),
    st.one_of(nasty_text, st.just(str(uuid.UUID(int=7))), st.just("application/json")),
    max_size=3,
)


@DEEP_DOCUMENTS
@given(document=mutated(W3C_NOTE), headers=protocol_headers, bearer=st.booleans())
def test_w3c_create_never_fails(site, document, headers, bearer):
    before = counts()
    headers = {name: encoded(value)[:200] for name, value in headers.items()}
    client = site["client"]
    if bearer:
        client, headers["Authorization"] = Client(), f"Bearer {site['token']}"
    response = client.post(
        "/annotations/w3c/", json_text(document), content_type=W3C_TYPE, headers=headers
    )
    answered(response, before, succeeded=created)


@FUZZ
@given(document=mutated(W3C_NOTE))
def test_w3c_replace_never_fails(site, document):
    note = site["note"]
    client = site["client"]
    path = f"/annotations/w3c/{note.uuid}/"
    current = client.get(path)
    target = json.loads(current.content)["target"]
    document = copy.deepcopy(document)
    if isinstance(document, dict) and isinstance(document.get("target"), dict):
        document["target"] = target  # the same target, so that the rest is checked
    before = counts()
    response = client.put(
        path, json_text(document), content_type=W3C_TYPE, headers={"If-Match": current["ETag"]}
    )
    answered(response, before, succeeded=created)


# The importers ---------------------------------------------------------------------------------

import_files = st.one_of(
    mutated(
        {
            "type": "AnnotationCollection",
            "@context": w3c.ANNO_CONTEXT,
            "first": {"type": "AnnotationPage", "items": [W3C_NOTE]},
        }
    ),
    mutated([W3C_NOTE, {**W3C_NOTE, "id": "urn:x:2", "target": "urn:x:1"}]),
    mutated({"annotations": [HYPOTHESIS_ROW, HYPOTHESIS_REPLY]}),
    mutated([HYPOTHESIS_ROW]),
)


@DEEP_DOCUMENTS
@given(
    document=import_files,
    visibility=st.sampled_from(["private", "public", "file"]),
    partial=st.booleans(),
)
def test_import_never_fails(site, document, visibility, partial):
    before = counts()
    upload = SimpleUploadedFile("notes.json", json_text(document).encode())
    data = {"file": upload, "visibility": visibility}
    if partial:
        data["partial"] = "on"
    response = site["client"].post("/annotations/import/", data)
    answered(response, before, succeeded=lambda status: status == 200)


# Forms -----------------------------------------------------------------------------------------

FORMS = {
    "/annotations/new/?edition=test-interview&paragraph=p2": (
        "client",
        ["motivation", "body", "tags", "visibility", "group", "submission_token"],
    ),
    "/courses/new/": ("teacher", ["title", "description", "term"]),
    "/courses/join/": ("client", ["code"]),
    "/accounts/profile/": ("client", ["display_name"]),
    "/accounts/tokens/": ("client", ["name"], created),  # the page shows the new token once
    "/accounts/signup/": (
        "anonymous",
        ["username", "email", "password1", "password2", "display_name"],
    ),
    "/accounts/login/": ("anonymous", ["username", "password", "next"]),
    "/accounts/delete/": ("client", ["password", "annotations"]),
    "/courses/{course}/vocabulary/": ("teacher", ["tags", "tags_binding"]),
    "/courses/{course}/members/remove/": ("teacher", ["username"]),
    "/courses/{course}/instructors/": ("teacher", ["username"]),
    "/courses/{course}/joining/": ("teacher", ["open"]),
    "/courses/{course}/assignments/new/": (
        "teacher",
        ["title", "instructions", "edition", "start", "end", "opens_at", "due_at"]
        + ["min_annotations", "min_replies"],
    ),
    "/courses/{course}/annotations/{shared}/hide/": ("teacher", ["reason"]),
    "/courses/join/{code}/": ("client", ["code"]),
}
form_values = st.one_of(
    nasty_text,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.just("9" * 5000),
    st.sampled_from(["2020-01-01T00:00", "2099-01-01T00:00", "p2", "p3", "test-interview", "1"]),
)


@FUZZ
@given(url=st.sampled_from(sorted(FORMS)), data=st.data())
def test_forms_never_fail(site, url, data):
    who, names, *success = FORMS[url]
    fields = data.draw(st.dictionaries(st.sampled_from(names), form_values, max_size=len(names)))
    client = Client() if who == "anonymous" else site[who]
    url = url.format(course=site["course"].slug, shared=site["shared"].uuid, code=site["code"])
    before = counts()
    response = client.post(url, form_body(fields), content_type="application/x-www-form-urlencoded")
    answered(response, before, succeeded=success[0] if success else redirected)


# Query parameters and path segments -------------------------------------------------------------

READING = ["scope", "tag", "author"]  # ReadingFilterForm
# Each page with the parameters its view reads (others are drawn too, now and then).
PAGES = {
    "/api/annotations/": ["edition", "paragraph", "tag", "author", "scope", "offset", "limit"],
    "/api/tags/": ["q", "group"],
    "/annotations/w3c/": ["edition", "iris", "page"],
    "/annotations/mine/": ["tag", "page"],
    "/annotations/mine/export.csv": ["tag"],
    "/annotations/mine/export.jsonld": ["tag"],
    "/annotations/new/": ["edition", "paragraph"],
    "/annotations/deleted/": ["page"],
    "/search/": ["q", "kind", "edition", "tag", "author", "course", "motivation", "page"],
    "/test-interview/": [*READING, "assignment", "heatmap", "annotation", "find", "match"],
    "/test-interview/p2/": [*READING, "find", "match"],
    "/test-interview/p2/threads/": READING,
    "/test-interview/live/": ["paragraph"],
    "/test-interview/cite/": ["style"],
    "/annotations/{note}/cite/": ["style"],
    "/courses/": ["page"],
    "/courses/{course}/": ["page"],
    "/courses/{course}/annotations/": ["hidden", "page"],
    "/courses/{course}/annotations.csv": ["hidden"],
}
PATHS = [
    "/tags/{}/",
    "/courses/join/{}/",
    "/{}/",
    "/{}/p2/",
    "/test-interview/{}/threads/",
    "/annotations/w3c/{}/",
    "/api/annotations/{}/",
    "/courses/{}/",
]


PER_PAGE = settings(FUZZ, max_examples=max(5, EXAMPLES // 4))
query_values = st.one_of(nasty_text, st.integers(min_value=-(2**70), max_value=2**70).map(str))


@pytest.mark.parametrize("address", sorted(PAGES))
@PER_PAGE
@given(data=st.data(), who=st.sampled_from(["client", "anonymous", "teacher"]))
def test_query_parameters_never_fail(site, address, data, who):
    names = st.sampled_from(PAGES[address]) | st.sampled_from(PAGES[address]) | nasty_text
    params = data.draw(st.dictionaries(names, query_values, min_size=1, max_size=4))
    query = "&".join(f"{encoded(name)}={encoded(value)}" for name, value in params.items())
    client = Client() if who == "anonymous" else site[who]
    url = address.format(course=site["course"].slug, note=site["note"].uuid)
    before = counts()
    response = client.get(f"{url}?{query}")
    answered(response, before, succeeded=lambda status: True)
    assert counts() == before


@pytest.mark.parametrize("pattern", PATHS)
@PER_PAGE
@given(segment=nasty_text.filter(lambda text: "/" not in text))
def test_path_segments_never_fail(site, pattern, segment):
    before = counts()
    response = site["client"].get(pattern.format(encoded(segment)))
    answered(response, before, succeeded=lambda status: True)
    assert counts() == before
