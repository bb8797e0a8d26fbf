"""The W3C Web Annotation Protocol, requirement by requirement (w3.org/TR/annotation-protocol):
container and annotation retrieval, headers, media types, paging, Prefer, creation with Slug,
replacement and deletion with ETag/If-Match, errors, visibility, authentication, discovery."""

import json
import re
import uuid

import pytest
from django.test import Client

from accounts import tokens
from annotations import services
from annotations.models import Annotation, AnnotationRevision
from annotations.services import TextSelector
from annotations.views import protocol
from courses.services import annotation_hide, course_create, course_join
from tests import factories
from tests.courses.conftest import make_instructor

CONTAINER = "/annotations/w3c/"
BASE = "http://testserver"
MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
P2 = "Ein Archiv ist ein Ort der Bildproduktion, sagt man."
START = P2.index("Bildproduktion")
PREFER = 'return=representation;include="{}"'
MINIMAL = "http://www.w3.org/ns/ldp#PreferMinimalContainer"
IRIS = "http://www.w3.org/ns/oa#PreferContainedIRIs"
DESCRIPTIONS = "http://www.w3.org/ns/oa#PreferContainedDescriptions"


def iri(annotation) -> str:
    return f"{BASE}{CONTAINER}{annotation.uuid}/"


def path(annotation) -> str:
    return f"{CONTAINER}{annotation.uuid}/"


def new_annotation(**changes) -> dict:
    data = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "commenting",
        "body": [
            {"type": "TextualBody", "value": "Vgl. **Farocki**.", "format": "text/markdown"},
            {"type": "TextualBody", "purpose": "tagging", "value": "These"},
        ],
        "target": {
            "source": f"{BASE}/test-interview/",
            "selector": {
                "type": "FragmentSelector",
                "value": "p2",
                "refinedBy": [
                    {"type": "TextQuoteSelector", "exact": "Bildproduktion"},
                    {"type": "TextPositionSelector", "start": START, "end": START + 14},
                ],
            },
        },
    }
    data.update(changes)
    return data


def post(client, data, *, content_type=MEDIA_TYPE, **headers):
    body = data if isinstance(data, (str, bytes)) else json.dumps(data)
    return client.post(CONTAINER, body, content_type=content_type, headers=headers)


def put(client, annotation, data, *, content_type=MEDIA_TYPE, **headers):
    return client.put(
        path(annotation), json.dumps(data), content_type=content_type, headers=headers
    )


def links(response) -> set[str]:
    return {link.strip() for link in re.split(r",\s*(?=<)", response["Link"])}


def vary(response) -> set[str]:
    return {name.strip() for name in response["Vary"].split(",")}


def allow(response) -> set[str]:
    return {name.strip() for name in response["Allow"].split(",")}


def note(user, paragraph, **changes) -> Annotation:
    kwargs = {
        "user": user,
        "paragraph": paragraph,
        "selector": TextSelector(START, START + 14, "Bildproduktion"),
        "motivation": "commenting",
        "body": "Vgl. **Farocki**.",
        "tags": ["These"],
        "visibility": "public",
    }
    return services.annotation_create(**{**kwargs, **changes})


def state(annotation) -> tuple:
    """Everything a write could change, from the database."""
    fresh = Annotation.objects.get(pk=annotation.pk)
    return (
        fresh.body,
        sorted(fresh.tags.names()),
        fresh.motivation,
        fresh.visibility,
        fresh.modified,
        fresh.deleted_at,
        AnnotationRevision.objects.filter(annotation=fresh).count(),
    )


@pytest.fixture
def ann(people):
    client = Client()
    client.force_login(people["ann"])
    return client


@pytest.fixture
def ben(people):
    client = Client()
    client.force_login(people["ben"])
    return client


@pytest.fixture
def public(people, p2):
    return note(people["ann"], p2)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(protocol, "PAGE_SIZE", 2)


# Container retrieval ----------------------------------------------------------------------------


def test_container_iri_ends_in_a_slash_and_answers_get(client, public):
    assert CONTAINER.endswith("/")
    response = client.get(CONTAINER)
    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPE


def test_container_headers(client, public):
    response = client.get(CONTAINER)
    assert links(response) >= {
        '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"',
        '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"',
    }
    assert allow(response) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert response["Accept-Post"].startswith(MEDIA_TYPE)
    assert {"Accept", "Prefer"} <= vary(response)
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert response["Content-Location"] == response.json()["id"]


def test_container_is_a_basic_container_and_an_annotation_collection(client, public):
    data = client.get(CONTAINER).json()
    assert data["@context"] == [
        "http://www.w3.org/ns/anno.jsonld",
        "http://www.w3.org/ns/ldp.jsonld",
        "http://testserver/annotations/context.jsonld",
    ]
    assert data["type"] == ["BasicContainer", "AnnotationCollection"]
    assert data["total"] == 1
    assert data["id"] == f"{BASE}{CONTAINER}?iris=0"
    assert data["last"] == f"{BASE}{CONTAINER}?iris=0&page=0"
    # No preference: the first page embedded with complete annotations.
    first = data["first"]
    assert first["type"] == "AnnotationPage"
    assert first["id"] == f"{BASE}{CONTAINER}?iris=0&page=0"
    assert first["partOf"] == data["id"]
    assert first["startIndex"] == 0
    assert "next" not in first and "prev" not in first
    assert [item["id"] for item in first["items"]] == [iri(public)]
    assert first["items"][0]["type"] == "Annotation" and "@context" not in first["items"][0]


def test_head_and_options_on_the_container(client, public):
    got = client.get(CONTAINER)
    head = client.head(CONTAINER)
    assert head.status_code == 200 and head.content == b""
    for name in ("Content-Type", "ETag", "Link", "Allow", "Accept-Post"):
        assert head[name] == got[name]
    options = client.options(CONTAINER)
    assert options.status_code == 200
    assert allow(options) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert options["Accept-Post"] == got["Accept-Post"] and options["Link"] == got["Link"]
    assert options["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in options["Access-Control-Allow-Headers"]


def test_empty_container_has_total_zero_and_an_empty_first_page(client, edition):
    data = client.get(CONTAINER).json()
    assert data["total"] == 0 and data["first"]["items"] == []


def test_container_etag_changes_with_its_contents_and_answers_if_none_match(
    client, people, p2, public
):
    etag = client.get(CONTAINER)["ETag"]
    unchanged = client.get(CONTAINER, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged["ETag"] == etag
    note(people["ben"], p2)
    assert client.get(CONTAINER)["ETag"] != etag


# Prefer -------------------------------------------------------------------------------------------


def prefer(client, *includes):
    return client.get(CONTAINER, headers={"Prefer": PREFER.format(" ".join(includes))})


def test_prefer_minimal_container_embeds_no_annotations(client, public):
    response = prefer(client, MINIMAL)
    data = response.json()
    assert data["first"] == f"{BASE}{CONTAINER}?iris=0&page=0"
    assert "items" not in json.dumps(data) and "contains" not in data
    assert response["Preference-Applied"] == "return=representation"
    assert "Prefer" in vary(response)


def test_prefer_contained_iris_embeds_iris_and_so_do_the_linked_pages(client, public):
    response = prefer(client, IRIS)
    data = response.json()
    assert data["id"] == f"{BASE}{CONTAINER}?iris=1"
    assert response["Content-Location"] == data["id"]
    assert data["first"]["items"] == [iri(public)]
    page = client.get(data["last"]).json()
    assert page["items"] == [iri(public)]


def test_prefer_minimal_with_iris_links_pages_of_iris(client, public):
    data = prefer(client, MINIMAL, IRIS).json()
    assert data["first"] == f"{BASE}{CONTAINER}?iris=1&page=0"
    assert client.get(data["first"]).json()["items"] == [iri(public)]


def test_prefer_contained_descriptions_embeds_annotations(client, public):
    data = prefer(client, DESCRIPTIONS).json()
    assert data["first"]["items"][0]["id"] == iri(public)
    assert data["first"]["items"][0]["body"][0]["value"] == "Vgl. **Farocki**."


def test_both_iris_and_descriptions_cannot_be_honoured(client, public):
    response = prefer(client, IRIS, DESCRIPTIONS)
    assert isinstance(response.json()["first"]["items"][0], dict)
    assert "Preference-Applied" not in response


def test_representations_differ_by_etag(client, public):
    assert prefer(client, IRIS)["ETag"] != prefer(client, DESCRIPTIONS)["ETag"]


# Pages --------------------------------------------------------------------------------------------


def test_pages_link_first_last_next_prev_and_count_from_start_index(
    client, people, p2, small_pages
):
    made = [note(people["ann"], p2, body=f"Nr. {n}") for n in range(5)]
    data = client.get(CONTAINER).json()
    assert data["total"] == 5
    assert data["last"] == f"{BASE}{CONTAINER}?iris=0&page=2"
    first = data["first"]
    assert first["next"] == f"{BASE}{CONTAINER}?iris=0&page=1" and "prev" not in first
    middle = client.get(first["next"]).json()
    assert middle["@context"] == [
        "http://www.w3.org/ns/anno.jsonld",
        "http://testserver/annotations/context.jsonld",
    ]
    assert middle["type"] == "AnnotationPage"
    assert middle["partOf"] == {"id": data["id"], "total": 5}
    assert middle["startIndex"] == 2
    assert middle["prev"] == first["id"] and middle["next"] == data["last"]
    last = client.get(data["last"]).json()
    assert last["startIndex"] == 4 and "next" not in last and last["prev"] == middle["id"]
    walked, page = [], first
    while True:
        walked += [item["id"] for item in page["items"]]
        if "next" not in page:
            break
        page = client.get(page["next"]).json()
    assert walked == [iri(annotation) for annotation in made]


def test_a_page_is_not_a_container(client, public):
    response = client.get(f"{CONTAINER}?iris=0&page=0")
    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPE
    assert "BasicContainer" not in response.get("Link", "")
    assert allow(response) == {"GET", "HEAD", "OPTIONS"}
    assert response["ETag"]
    assert {"Accept", "Prefer"} <= vary(response)
    assert client.post(f"{CONTAINER}?page=0", "{}", content_type=MEDIA_TYPE).status_code == 405


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("?page=1", 404, "page"),
        ("?page=-1", 400, "page"),
        ("?page=zwei", 400, "page"),
        ("?iris=2", 400, "iris"),
        ("?edition=nope", 404, "edition"),
    ],
)
def test_bad_page_requests(client, public, query, status, field):
    response = client.get(CONTAINER + query)
    assert response.status_code == status
    assert response.json()["error"]["field"] == field


def test_edition_filter_keeps_to_one_edition(client, people, p2, public):
    document = factories.make_document(
        edition={**factories.BASE_DOCUMENT["edition"], "slug": "zwei", "title": "Zwei"}
    )
    other = factories.make_edition(document).paragraphs.get(public_id="p2")
    elsewhere = note(people["ann"], other)
    assert client.get(CONTAINER).json()["total"] == 2
    data = client.get(CONTAINER, {"edition": "zwei"}).json()
    assert data["id"] == f"{BASE}{CONTAINER}?edition=zwei&iris=0"
    assert data["label"] == "Annotations on Zwei: Über Bilder und Archive"
    assert [item["id"] for item in data["first"]["items"]] == [iri(elsewhere)]
    assert data["first"]["id"] == f"{BASE}{CONTAINER}?edition=zwei&iris=0&page=0"


# Content negotiation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("", MEDIA_TYPE),
        (MEDIA_TYPE, MEDIA_TYPE),
        ("application/ld+json", MEDIA_TYPE),
        ("*/*", MEDIA_TYPE),
        ("text/html, application/json;q=0.9", "application/json"),
        ("application/json", "application/json"),
        ("application/ld+json;q=0.5, application/json", "application/json"),
        ("application/ld+json;q=0, */*", "application/json"),
    ],
)
def test_content_negotiation(client, public, accept, content_type):
    headers = {"Accept": accept} if accept else {}
    for url in (CONTAINER, path(public)):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert "Accept" in vary(response)


@pytest.mark.parametrize(
    "accept",
    [
        "text/html",
        "text/turtle",
        'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
    ],
)
def test_an_unsatisfiable_accept_is_406(client, public, accept):
    for url in (CONTAINER, path(public)):
        response = client.get(url, headers={"Accept": accept})
        assert response.status_code == 406
        assert response.json()["error"]["field"] == "Accept"


# Creation -----------------------------------------------------------------------------------------


def test_post_creates_201_with_location_etag_and_the_new_state(ann, people, edition):
    response = post(ann, new_annotation())
    assert response.status_code == 201
    assert response["Content-Type"] == MEDIA_TYPE
    data = response.json()
    created = Annotation.objects.get()
    assert response["Location"] == data["id"] == iri(created)
    assert data["id"].startswith(f"{BASE}{CONTAINER}")
    assert response["ETag"] == ann.get(path(created))["ETag"]
    assert allow(response) == {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}
    assert created.author == people["ann"] and created.visibility == "private"
    assert (created.position_start, created.quote_exact) == (START, "Bildproduktion")
    assert created.quote_prefix == "Ein Archiv ist ein Ort der "
    assert list(created.tags.names()) == ["These"]
    assert data["creator"]["name"] == "ann"
    assert data["target"]["selector"]["refinedBy"][0]["suffix"] == ", sagt man."


def test_post_with_plain_json_is_accepted(ann, edition):
    assert post(ann, new_annotation(), content_type="application/json").status_code == 201


def test_post_answers_a_reply(ann, ben, people, p2):
    parent = note(people["ann"], p2, visibility="group", group=people["group"])
    reply = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "replying",
        "body": {"type": "TextualBody", "value": "Einverstanden."},
        "target": iri(parent),
    }
    response = post(ben, reply)
    assert response.status_code == 201
    created = Annotation.objects.get(parent=parent)
    assert created.author == people["ben"] and created.visibility == "group"
    assert response.json()["target"] == iri(parent)


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        ("text/plain", 415),
        ("application/x-www-form-urlencoded", 415),
        ('application/ld+json; profile="http://www.w3.org/ns/activitystreams"', 415),
    ],
)
def test_post_with_a_wrong_media_type_is_415_and_saves_nothing(ann, edition, content_type, status):
    response = post(ann, new_annotation(), content_type=content_type)
    assert response.status_code == status
    assert response.json()["error"]["field"] == "Content-Type"
    assert not Annotation.objects.exists()


def test_post_larger_than_64_kib_is_413_and_saves_nothing(ann, edition):
    huge = new_annotation()
    huge["body"][0]["value"] = "x" * (64 * 1024)
    response = post(ann, huge)
    assert response.status_code == 413
    assert response.json()["error"] == {
        "field": "request",
        "message": "body larger than the limit of 65536 bytes (64 KiB)",
    }
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", "request"),
        (new_annotation(**{"@context": "http://schema.org/"}), "@context"),
        (new_annotation(type="Note"), "type"),
        (new_annotation(target={"source": f"{BASE}/test-interview/"}), "target.selector"),
        (
            new_annotation(
                target={
                    "source": f"{BASE}/test-interview/",
                    "selector": {
                        "type": "FragmentSelector",
                        "value": "p2",
                        "refinedBy": [{"type": "RangeSelector"}],
                    },
                }
            ),
            "target.selector.refinedBy[0].type",
        ),
        (
            new_annotation(
                target={
                    "source": f"{BASE}/test-interview/",
                    "selector": {
                        "type": "FragmentSelector",
                        "value": "p2",
                        "refinedBy": [
                            {"type": "TextQuoteSelector", "exact": "Kunst"},
                            {"type": "TextPositionSelector", "start": 0, "end": 5},
                        ],
                    },
                }
            ),
            "target.selector.refinedBy[0].exact",
        ),
        (
            new_annotation(target={"source": "https://example.org/", "selector": {}}),
            "target.selector.type",
        ),
        (
            new_annotation(
                target={
                    "source": "https://example.org/",
                    "selector": {"type": "FragmentSelector", "value": "p2"},
                }
            ),
            "target.source",
        ),
        (new_annotation(motivation="highlighting"), "body"),
        (new_annotation(body=[{"type": "TextualBody", "value": "x" * 10_001}]), "body"),
        (new_annotation(**{"edition:visibility": "everyone"}), "edition:visibility"),
        (new_annotation(**{"edition:visibility": "group"}), "edition:group"),
    ],
)
def test_invalid_annotations_are_400_with_the_json_path_and_save_nothing(ann, edition, body, field):
    response = post(ann, body)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert response.json()["error"]["message"]
    assert not Annotation.objects.exists()


def test_a_paragraph_not_in_the_edition_is_400(ann, edition):
    data = new_annotation()
    data["target"]["selector"] = {"type": "FragmentSelector", "value": "p99"}
    response = post(ann, data)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "target.selector.value"


def test_anonymous_post_is_401_with_a_bearer_challenge(client, edition):
    response = post(client, new_annotation())
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Annotation.objects.exists()


def test_client_supplied_id_is_replaced(ann, edition):
    response = post(ann, new_annotation(id="http://example.org/anno/1"))
    assert response.json()["id"] == iri(Annotation.objects.get())


# Slug ---------------------------------------------------------------------------------------------


def test_slug_with_an_unused_uuid_names_the_annotation(ann, edition):
    wanted = uuid.uuid4()
    response = post(ann, new_annotation(), Slug=f'"{wanted}"')
    assert response.status_code == 201
    assert response["Location"] == f"{BASE}{CONTAINER}{wanted}/"
    assert Annotation.objects.get().uuid == wanted


@pytest.mark.parametrize("slug", ["my_first_annotation", "", "12345"])
def test_a_slug_that_is_not_a_uuid_is_ignored(ann, edition, slug):
    response = post(ann, new_annotation(), Slug=slug)
    assert response.status_code == 201
    assert response["Location"] == iri(Annotation.objects.get())


def test_a_slug_already_used_even_by_a_deleted_annotation_is_ignored(ann, people, p2):
    taken = note(people["cy"], p2, visibility="private")
    services.annotation_delete(user=people["cy"], annotation=taken)
    response = post(ann, new_annotation(), Slug=str(taken.uuid))
    assert response.status_code == 201
    assert response["Location"] != iri(taken)
    assert Annotation.objects.filter(uuid=taken.uuid).get().author == people["cy"]


# Idempotency-Key (as the JSON API) ---------------------------------------------------------------


def test_a_retried_post_with_the_same_key_answers_201_with_the_first_annotation(ann, edition):
    first = post(ann, new_annotation(), **{"Idempotency-Key": "w3c-1"})
    retry = post(ann, new_annotation(), **{"Idempotency-Key": "w3c-1"})
    assert first.status_code == retry.status_code == 201
    assert retry["Location"] == first["Location"] == iri(Annotation.objects.get())
    assert retry["ETag"] == first["ETag"]
    assert retry.json() == first.json()


def test_the_same_key_with_another_body_is_422_and_saves_nothing(ann, edition):
    first = post(ann, new_annotation(), **{"Idempotency-Key": "w3c-1"})
    other = new_annotation()
    other["body"][0]["value"] = "Etwas anderes."
    refused = post(ann, other, **{"Idempotency-Key": "w3c-1"})
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "field": "Idempotency-Key",
        "message": "this idempotency key was already used for a different annotation; "
        "send a new key for a new annotation",
    }
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert [iri(a) for a in Annotation.objects.all()] == [first["Location"]]


def test_a_retry_with_a_slug_answers_with_the_annotation_the_slug_named(ann, edition):
    """The Slug's ID is taken by the first request's annotation when the retry comes; it is
    still the same request, not a new one whose Slug is ignored."""
    wanted = uuid.uuid4()
    headers = {"Idempotency-Key": "w3c-slug", "Slug": str(wanted)}
    first = post(ann, new_annotation(), **headers)
    retry = post(ann, new_annotation(), **headers)
    assert first.status_code == retry.status_code == 201
    assert retry["Location"] == first["Location"] == f"{BASE}{CONTAINER}{wanted}/"
    assert Annotation.objects.get().uuid == wanted


def test_a_slug_taken_by_what_another_key_made_is_still_ignored(ann, edition):
    wanted = uuid.uuid4()
    post(ann, new_annotation(), **{"Idempotency-Key": "a", "Slug": str(wanted)})
    other = post(ann, new_annotation(), **{"Idempotency-Key": "b", "Slug": str(wanted)})
    assert other.status_code == 201
    assert other["Location"] != f"{BASE}{CONTAINER}{wanted}/"
    assert Annotation.objects.count() == 2


def test_keys_are_per_user_and_without_a_key_each_post_creates(ann, ben, edition):
    for client in (ann, ben):
        assert post(client, new_annotation(), **{"Idempotency-Key": "same"}).status_code == 201
    post(ann, new_annotation())
    post(ann, new_annotation())
    assert Annotation.objects.count() == 4


def test_a_key_shared_with_the_json_api_replays_across_both(ann, edition):
    """One key space per user: a client switching API on retry still makes one annotation."""
    data = {"edition": "test-interview", "paragraph": "p2", "body": "Vgl. **Farocki**."}
    first = ann.post(
        "/api/annotations/",
        json.dumps(data),
        content_type="application/json",
        headers={"Idempotency-Key": "both"},
    )
    assert first.status_code == 201
    refused = post(ann, new_annotation(), **{"Idempotency-Key": "both"})
    assert refused.status_code == 422  # another body: a selector and a tag
    assert Annotation.objects.count() == 1


def test_a_retry_after_its_annotation_was_deleted_is_410(ann, people, edition):
    first = post(ann, new_annotation(), **{"Idempotency-Key": "gone"})
    services.annotation_delete(user=people["ann"], annotation=Annotation.objects.get())
    retry = post(ann, new_annotation(), **{"Idempotency-Key": "gone"})
    assert retry.status_code == 410
    assert retry.json()["error"] == {
        "field": "Idempotency-Key",
        "message": "the annotation this key made was deleted",
    }
    assert Annotation.objects.get().uuid == uuid.UUID(first["Location"].rstrip("/")[-36:])


def test_an_empty_or_overlong_key_is_400(ann, edition):
    response = post(ann, new_annotation(), **{"Idempotency-Key": "k" * 256})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "Idempotency-Key"
    assert not Annotation.objects.exists()


def test_a_cors_preflight_allows_the_idempotency_key(client, edition):
    options = client.options(CONTAINER)
    assert "Idempotency-Key" in options["Access-Control-Allow-Headers"]


# Annotation retrieval -----------------------------------------------------------------------------


def test_annotation_get_with_its_headers(ann, public):
    response = ann.get(path(public))
    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPE
    assert '<http://www.w3.org/ns/ldp#Resource>; rel="type"' in links(response)
    assert response["ETag"].startswith('"')
    assert allow(response) == {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}
    assert "Accept" in vary(response)
    data = response.json()
    assert data["@context"] == [
        "http://www.w3.org/ns/anno.jsonld",
        "http://testserver/annotations/context.jsonld",
    ] and data["id"] == iri(public)


def test_allow_lists_only_reading_for_someone_elses_annotation(ben, client, public):
    for reader in (ben, client):
        assert allow(reader.get(path(public))) == {"GET", "HEAD", "OPTIONS"}


def test_annotation_head_options_and_if_none_match(client, public):
    got = client.get(path(public))
    head = client.head(path(public))
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == got["ETag"] and head["Link"] == got["Link"]
    options = client.options(path(public))
    assert options.status_code == 200 and "GET" in allow(options)
    assert client.get(path(public), headers={"If-None-Match": got["ETag"]}).status_code == 304


def test_options_answers_alike_for_every_annotation_as_a_cors_preflight(client, people, p2):
    # A preflight carries no credentials, so it cannot tell a private annotation from none.
    private = note(people["ann"], p2, visibility="private")
    known, unknown = client.options(path(private)), client.options(f"{CONTAINER}{uuid.uuid4()}/")
    assert known.status_code == unknown.status_code == 200
    assert known["Allow"] == unknown["Allow"]
    assert known["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in known
    assert "If-Match" in known["Access-Control-Allow-Headers"]


def test_an_unknown_annotation_is_404(client, edition):
    response = client.get(f"{CONTAINER}{uuid.uuid4()}/")
    assert response.status_code == 404
    assert response.json() == {"error": {"field": "id", "message": "no such annotation"}}


def test_methods_the_annotation_does_not_support_are_405(ann, public):
    response = ann.patch(path(public), "{}", content_type=MEDIA_TYPE)
    assert response.status_code == 405
    assert "PUT" in allow(response)
    assert ann.post(path(public), "{}", content_type=MEDIA_TYPE).status_code == 405


# Visibility: the protocol never shows what the page would not ------------------------------------


@pytest.fixture
def spread(people, p2):
    """ann's private, group and public notes; cy's private one."""
    return {
        "private": note(people["ann"], p2, visibility="private", body="geheim"),
        "group": note(people["ann"], p2, visibility="group", group=people["group"]),
        "public": note(people["ann"], p2),
        "cy": note(people["cy"], p2, visibility="private"),
    }


def listed(client) -> tuple[int, set[str]]:
    data = client.get(CONTAINER).json()
    return data["total"], {item["id"] for item in data["first"]["items"]}


def test_private_annotation_is_404_for_other_readers_and_absent_from_their_container(
    ann, ben, client, people, spread
):
    private = spread["private"]
    assert ann.get(path(private)).status_code == 200
    assert ben.get(path(private)).status_code == 404
    assert client.get(path(private)).status_code == 404
    total, ids = listed(ben)
    assert total == 2 and ids == {iri(spread["group"]), iri(spread["public"])}
    assert "geheim" not in ben.get(CONTAINER).content.decode()


def test_group_annotations_are_for_members_only(ben, people, spread):
    cy = Client()
    cy.force_login(people["cy"])
    assert ben.get(path(spread["group"])).status_code == 200
    assert cy.get(path(spread["group"])).status_code == 404
    total, ids = listed(cy)
    assert total == 2 and ids == {iri(spread["public"]), iri(spread["cy"])}


def test_anonymous_readers_see_public_annotations_only(client, spread):
    assert listed(client) == (1, {iri(spread["public"])})


def test_iri_listing_applies_the_same_visibility(ben, spread):
    data = ben.get(CONTAINER, headers={"Prefer": PREFER.format(IRIS)}).json()
    assert set(data["first"]["items"]) == {iri(spread["group"]), iri(spread["public"])}


def test_someone_elses_private_annotation_cannot_be_changed_or_deleted_and_stays_hidden(
    ben, spread
):
    private = spread["private"]
    before = state(private)
    replacement = new_annotation(id=iri(private))
    assert put(ben, private, replacement, **{"If-Match": '"x"'}).status_code == 404
    assert ben.delete(path(private)).status_code == 404
    assert state(private) == before


def test_deleted_annotations_leave_the_container(client, people, spread):
    services.annotation_delete(user=people["ann"], annotation=spread["public"])
    assert listed(client) == (0, set())
    assert client.get(path(spread["public"])).status_code == 404


def test_a_deleted_annotation_with_replies_is_gone(ben, people, spread):
    parent = spread["group"]
    services.annotation_create(user=people["ben"], parent=parent, motivation="replying", body="Ja")
    services.annotation_delete(user=people["ann"], annotation=parent)
    response = ben.get(path(parent))
    assert response.status_code == 410
    total, ids = listed(ben)
    assert iri(parent) not in ids and total == 2  # the public note and ben's reply


@pytest.fixture
def moderated(edition):
    """stu's note to the course, answered by cleo, hidden by the instructor ines."""
    ines = make_instructor("ines")
    course = course_create(user=ines, title="Bildtheorie")
    stu, cleo = factories.make_user("stu"), factories.make_user("cleo")
    for user in (stu, cleo):
        course_join(user=user, code=course.join_code)
    hidden = note(
        stu, edition.paragraphs.get(public_id="p2"), visibility="group", group=course.group
    )
    hidden = services.annotation_update(user=stu, annotation=hidden, body="Verborgen")
    answer = services.annotation_create(user=cleo, parent=hidden, motivation="replying", body="Ja")
    annotation_hide(user=ines, annotation=hidden, reason="Nicht zum Thema.")
    clients = {}
    for user in (ines, stu, cleo):
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    return {"hidden": hidden, "answer": answer, **clients}


def test_an_annotation_an_instructor_hid_is_gone_for_other_readers(moderated):
    hidden, cleo = moderated["hidden"], moderated["cleo"]
    assert listed(cleo) == (1, {iri(moderated["answer"])})
    assert "Verborgen" not in cleo.get(CONTAINER).content.decode()
    assert cleo.get(path(hidden)).status_code == 410  # the reply keeps a placeholder
    for reader in ("stu", "ines"):
        total, ids = listed(moderated[reader])
        assert total == 2 and iri(hidden) in ids
        assert moderated[reader].get(path(hidden)).json()["body"][0]["value"] == "Verborgen"


# Replacement with If-Match ------------------------------------------------------------------------


def current(client, annotation):
    response = client.get(path(annotation))
    return response.json(), response["ETag"]


def test_put_with_if_match_replaces_body_tags_and_motivation(ann, public):
    data, etag = current(ann, public)
    data["motivation"] = "questioning"
    data["body"] = [
        {"type": "TextualBody", "value": "Wirklich?", "format": "text/markdown"},
        {"type": "TextualBody", "purpose": "tagging", "value": "Frage"},
    ]
    response = put(ann, public, data, **{"If-Match": etag})
    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPE
    assert response["ETag"] != etag
    assert response["ETag"] == ann.get(path(public))["ETag"]
    assert '<http://www.w3.org/ns/ldp#Resource>; rel="type"' in links(response)
    fresh = Annotation.objects.get(pk=public.pk)
    assert (fresh.body, fresh.motivation) == ("Wirklich?", "questioning")
    assert list(fresh.tags.names()) == ["Frage"]
    assert fresh.revisions.count() == 1  # the old state is kept, as for every edit
    assert response.json()["modified"] >= data["modified"]


def test_put_without_if_match_is_428_and_changes_nothing(ann, public):
    data, _etag = current(ann, public)
    data["body"][0]["value"] = "Neu"
    before = state(public)
    response = put(ann, public, data)
    assert response.status_code == 428
    assert response.json()["error"]["field"] == "If-Match"
    assert state(public) == before


def test_put_with_a_stale_if_match_is_412_and_changes_nothing(ann, people, public):
    data, etag = current(ann, public)
    services.annotation_update(user=people["ann"], annotation=public, body="Zwischendurch")
    before = state(public)
    data["body"][0]["value"] = "Überschrieben"
    response = put(ann, public, data, **{"If-Match": etag})
    assert response.status_code == 412
    assert state(public) == before
    assert Annotation.objects.get(pk=public.pk).body == "Zwischendurch"


def test_put_accepts_a_wildcard_if_match(ann, public):
    data, _etag = current(ann, public)
    data["body"][0]["value"] = "Egal"
    assert put(ann, public, data, **{"If-Match": "*"}).status_code == 200


def test_put_may_not_change_the_target(ann, public):
    data, etag = current(ann, public)
    before = state(public)
    data["target"]["selector"]["value"] = "p3"
    response = put(ann, public, data, **{"If-Match": etag})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "target"
    data, etag = current(ann, public)
    del data["target"]["selector"]["refinedBy"]
    assert put(ann, public, data, **{"If-Match": etag}).status_code == 400
    assert state(public) == before


def test_put_may_not_claim_another_id(ann, public):
    data, etag = current(ann, public)
    data["id"] = f"{BASE}{CONTAINER}{uuid.uuid4()}/"
    response = put(ann, public, data, **{"If-Match": etag})
    assert response.status_code == 400 and response.json()["error"]["field"] == "id"


def test_put_keeps_extension_properties_left_out_and_changes_those_sent(ann, public):
    data, etag = current(ann, public)
    del data["edition:visibility"], data["edition:colour"]
    response = put(ann, public, data, **{"If-Match": etag})
    assert response.json()["edition:visibility"] == "public"
    data["edition:visibility"] = "group"
    data["edition:group"] = "seminar-a"
    response = put(ann, public, data, **{"If-Match": response["ETag"]})
    assert response.status_code == 200
    assert Annotation.objects.get(pk=public.pk).visibility == "group"


def test_put_on_someone_elses_visible_annotation_is_403(ben, public):
    data, etag = current(ben, public)
    before = state(public)
    data["body"][0]["value"] = "Fremd"
    response = put(ben, public, data, **{"If-Match": etag})
    assert response.status_code == 403
    assert state(public) == before


def test_put_checks_media_type_and_size(ann, public):
    data, etag = current(ann, public)
    response = put(ann, public, data, content_type="text/plain", **{"If-Match": etag})
    assert response.status_code == 415
    data["body"][0]["value"] = "x" * (64 * 1024)
    assert put(ann, public, data, **{"If-Match": etag}).status_code == 413


def test_anonymous_put_and_delete_are_401(client, public):
    data, etag = current(client, public)
    assert put(client, public, data, **{"If-Match": etag}).status_code == 401
    assert client.delete(path(public)).status_code == 401


# Deletion -----------------------------------------------------------------------------------------


def test_delete_with_if_match_is_204_and_removes_it_from_the_container(ann, client, public):
    _data, etag = current(ann, public)
    response = ann.delete(path(public), headers={"If-Match": etag})
    assert response.status_code == 204 and response.content == b""
    assert Annotation.objects.get(pk=public.pk).deleted_at is not None
    assert ann.get(path(public)).status_code == 404
    assert listed(client) == (0, set())


def test_delete_with_a_stale_if_match_is_412_and_deletes_nothing(ann, people, public):
    _data, etag = current(ann, public)
    services.annotation_update(user=people["ann"], annotation=public, body="Zwischendurch")
    response = ann.delete(path(public), headers={"If-Match": etag})
    assert response.status_code == 412
    assert Annotation.objects.get(pk=public.pk).deleted_at is None


def test_delete_of_someone_elses_visible_annotation_is_403(ben, public):
    assert ben.delete(path(public)).status_code == 403
    assert Annotation.objects.get(pk=public.pk).deleted_at is None


# Authentication -----------------------------------------------------------------------------------


def test_session_writes_still_need_csrf(people, p2, public):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["ann"])
    response = post(client, new_annotation())
    assert response.status_code == 403
    assert response.json()["error"]["field"] == "csrf"
    data, etag = current(client, public)
    data["body"][0]["value"] = "ohne Token"
    before = state(public)
    assert put(client, public, data, **{"If-Match": etag}).status_code == 403
    assert client.delete(path(public), headers={"If-Match": etag}).status_code == 403
    assert state(public) == before
    assert Annotation.objects.count() == 1


def test_a_bearer_token_writes_without_csrf(people, edition):
    _token, raw = tokens.api_token_create(user=people["ann"], name="client")
    client = Client(enforce_csrf_checks=True)
    auth = {"Authorization": f"Bearer {raw}"}
    response = post(client, new_annotation(), **auth)
    assert response.status_code == 201
    created = Annotation.objects.get()
    assert created.author == people["ann"]
    assert Client().get(path(created)).status_code == 404  # private: only the token sees it
    response = client.get(path(created), headers=auth)
    data, etag = response.json(), response["ETag"]
    data["body"][0]["value"] = "per Token"
    assert put(client, created, data, **auth, **{"If-Match": etag}).status_code == 200
    assert client.delete(path(created), headers=auth).status_code == 204


def test_a_revoked_token_is_401_even_for_reading(people, public):
    token, raw = tokens.api_token_create(user=people["ann"], name="old")
    tokens.api_token_revoke(user=people["ann"], token_id=token.pk)
    response = Client().get(CONTAINER, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert response["Access-Control-Allow-Origin"] == "*"


# Discovery ----------------------------------------------------------------------------------------


def test_edition_page_links_to_the_annotation_service(client, edition):
    page = client.get("/test-interview/").content.decode()
    tag = f'<link rel="http://www.w3.org/ns/oa#annotationService" href="{CONTAINER}">'
    assert tag in page
    assert client.get(CONTAINER).json()["type"] == ["BasicContainer", "AnnotationCollection"]


# Round trip ---------------------------------------------------------------------------------------


def without_server_fields(data: dict) -> dict:
    return {key: value for key, value in data.items() if key not in ("id", "created", "modified")}


@pytest.mark.parametrize(
    "selector", [TextSelector(START, START + 14, "Bildproduktion"), None], ids=["passage", "whole"]
)
def test_round_trip_reproduces_selector_body_tags_and_extensions(ann, people, p2, selector):
    original = note(
        people["ann"],
        p2,
        selector=selector,
        motivation="questioning",
        body="Wer sagt das?\n\n> Zitat",
        tags=["Archiv", "Bildproduktion"],
        visibility="group",
        group=people["group"],
        colour="green",
    )
    exported = ann.get(path(original)).json()
    Annotation.objects.all().delete()
    response = post(ann, exported)
    assert response.status_code == 201
    assert without_server_fields(response.json()) == without_server_fields(exported)
    copy = Annotation.objects.get()
    assert (copy.position_start, copy.position_end, copy.quote_exact) == (
        original.position_start,
        original.position_end,
        original.quote_exact,
    )
    assert (copy.quote_prefix, copy.quote_suffix) == (original.quote_prefix, original.quote_suffix)
    assert (copy.body, copy.motivation, copy.colour) == (original.body, "questioning", "green")
    assert sorted(copy.tags.names()) == ["Archiv", "Bildproduktion"]
    assert (copy.visibility, copy.group) == ("group", people["group"])
