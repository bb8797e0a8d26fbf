"""Input that once answered 500 on PostgreSQL (issue 19): each is a 4xx in the error shape of
its API, or a clear page, and leaves nothing saved. The same tests run on SQLite."""

import json
import threading
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from accounts import tokens
from accounts.services import ANNOTATIONS_DELETE, account_delete
from annotations import importing, services, w3c
from annotations.models import Annotation
from annotations.views import protocol
from config.json_input import MAX_DEPTH
from tests.factories import make_user
from tests.ops.test_concurrent_writes import in_threads, use_a_database_file

P2 = "Ein Archiv ist ein Ort der Bildproduktion, sagt man."
START = P2.index("Bildproduktion")
W3C_TYPE = f'application/ld+json; profile="{w3c.ANNO_CONTEXT}"'
PASSWORD = "quiet-archive-lantern-42"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reader(edition):
    return make_user("mallory")


@pytest.fixture
def client(reader):
    return client_for(reader)


def w3c_note(**changes) -> dict:
    note = {
        "@context": w3c.ANNO_CONTEXT,
        "type": "Annotation",
        "motivation": "commenting",
        "body": [{"type": "TextualBody", "value": "Vgl. Farocki.", "format": "text/markdown"}],
        "target": {
            "source": "http://testserver/test-interview/",
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
    return note | changes


def hypothesis_row(**changes) -> dict:
    row = {
        "id": "h1",
        "uri": "https://elsewhere.example/test-interview/",
        "text": "Vgl. Farocki.",
        "tags": [],
        "target": [
            {
                "source": "https://elsewhere.example/test-interview/",
                "selector": [{"type": "TextQuoteSelector", "exact": "Bildproduktion"}],
            }
        ],
    }
    return row | changes


def api_post(client, data):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post("/api/annotations/", body, content_type="application/json")


def w3c_post(client, data, **headers):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post("/annotations/w3c/", body, content_type=W3C_TYPE, headers=headers)


def upload(client, content, visibility="private"):
    if not isinstance(content, bytes):
        content = (content if isinstance(content, str) else json.dumps(content)).encode()
    data = {"file": SimpleUploadedFile("notes.json", content), "visibility": visibility}
    return client.post("/annotations/import/", data)


def json_error(response, status=400) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].split(";")[0] in ("application/json", "application/ld+json")
    return response.json()["error"]


# NUL in the address and the headers: one middleware, before anything looks it up --------------

NUL_JSON_URLS = [
    "/api/tags/?q=%00",
    "/api/tags/?group=%00",
    "/api/annotations/?tag=%00",
    "/api/annotations/?edition=%00",
    "/api/annotations/?paragraph=%00",
    "/api/annotations/?author=%00",
    "/api/annotations/?a%00b=1",
    "/annotations/w3c/?edition=%00",
]
NUL_PAGE_URLS = [
    "/tags/%00/",
    "/courses/join/%00/",
    "/annotations/new/?edition=%00",
    "/annotations/new/?edition=test-interview&paragraph=p2%00",
    "/annotations/mine/?tag=%00",
    "/test-interview/?assignment=%00",
    "/search/?q=%00",
    "/test%00/",
]


@pytest.mark.parametrize("url", NUL_JSON_URLS)
def test_nul_in_a_query_parameter_of_the_apis_is_a_json_400(client, url):
    error = json_error(client.get(url))
    assert "NUL character (%00) is not allowed" in error["message"]
    assert error["field"] != "path"


@pytest.mark.parametrize("url", NUL_PAGE_URLS)
def test_nul_in_a_page_address_is_a_plain_400_that_says_why(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "the NUL character (%00) is not allowed in the" in response.content.decode()


def test_nul_in_a_path_segment_of_the_api_is_a_json_400(client):
    error = json_error(client.get("/api/annotations/%00/"))
    assert error == {
        "field": "path",
        "message": "the NUL character (%00) is not allowed in the address",
    }


@pytest.mark.parametrize("header", ["Idempotency-Key", "Slug", "If-Match", "Authorization"])
def test_nul_in_a_header_is_refused_and_nothing_saved(client, header):
    response = w3c_post(client, w3c_note(), **{header: "a\x00b"})
    assert json_error(response)["field"] == header
    assert not Annotation.objects.exists()


def test_nul_in_the_session_cookie_is_refused(edition):
    # As a browser sends it (the test client's cookie jar would quote it as \\000).
    response = Client().get("/test-interview/", headers={"Cookie": "sessionid=abcdefgh\x00"})
    assert response.status_code == 400
    assert "Cookie header" in response.content.decode()


# NUL, lone surrogates, deep nesting and huge numbers anywhere in a JSON body or an import file -

NUL_BODIES = {
    "edition": {"edition": "test\x00", "paragraph": "p2", "body": "x"},
    "paragraph": {"edition": "test-interview", "paragraph": "p2\x00", "body": "x"},
    "group": {"edition": "test-interview", "paragraph": "p2", "body": "x", "group": "g\x00"},
    "reply_to": {"reply_to": "\x00", "body": "x"},
    "key": {"edition": "test-interview", "paragraph": "p2", "body": "x", "a\x00": 1},
}


@pytest.mark.parametrize("name", NUL_BODIES)
def test_nul_in_any_string_of_a_json_body_is_refused(client, name):
    error = json_error(api_post(client, NUL_BODIES[name]))
    assert error["message"] == "may not contain the NUL character (U+0000)"
    assert error["field"] in (name, "request")
    assert not Annotation.objects.exists()


SURROGATE = '"Bild \\ud800 produktion"'  # JSON text: a lone surrogate escaped, as clients send it


def test_a_lone_surrogate_in_a_note_is_refused_by_the_api(client):
    body = f'{{"edition": "test-interview", "paragraph": "p2", "body": {SURROGATE}}}'
    error = json_error(api_post(client, body))
    assert error["field"] == "body"
    assert "lone surrogate (U+D800)" in error["message"]
    assert not Annotation.objects.exists()


def test_a_lone_surrogate_in_a_tag_or_the_preview_is_refused(client):
    tag = f'{{"edition": "test-interview", "paragraph": "p2", "body": "x", "tags": [{SURROGATE}]}}'
    assert json_error(api_post(client, tag))["field"] == "tags[0]"
    preview = client.post(
        "/api/annotations/preview/", f'{{"body": {SURROGATE}}}', content_type="application/json"
    )
    assert json_error(preview)["field"] == "body"
    assert not Annotation.objects.exists()


def test_a_lone_surrogate_in_a_patch_is_refused_and_the_note_kept(client, reader, edition):
    note = services.annotation_create(
        user=reader, paragraph=edition.paragraphs.get(public_id="p2"), body="Alt.",
        motivation="commenting",
    )  # fmt: skip
    response = client.patch(
        f"/api/annotations/{note.uuid}/",
        f'{{"body": {SURROGATE}}}',
        content_type="application/json",
    )
    assert json_error(response)["field"] == "body"
    assert Annotation.objects.get().body == "Alt."


def test_a_lone_surrogate_in_a_w3c_body_is_refused(client):
    text = json.dumps(w3c_note()).replace('"Vgl. Farocki."', SURROGATE)
    error = json_error(w3c_post(client, text))
    assert error["field"] == "body[0].value"
    assert "lone surrogate" in error["message"]
    assert not Annotation.objects.exists()


def test_a_lone_surrogate_in_an_imported_note_is_refused(client):
    text = json.dumps([w3c_note()]).replace('"Vgl. Farocki."', SURROGATE)
    response = upload(client, text)
    assert response.status_code == 400
    assert "[0].body[0].value: holds a lone surrogate (U+D800)" in response.content.decode()
    assert not Annotation.objects.exists()


def nested(depth: int) -> str:
    return '{"edition": "test-interview", "paragraph": "p2", "body": "x", "tags": ' + (
        "[" * depth + "]" * depth + "}"
    )


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 30_000])  # within the 64 KiB of a body
def test_deeply_nested_json_is_refused_by_the_api_and_the_protocol(client, depth):
    assert "nested more than" in json_error(api_post(client, nested(depth)))["message"]
    note = json.dumps(w3c_note(body=None)).replace("null", "[" * depth + "]" * depth)
    assert "nested more than" in json_error(w3c_post(client, note))["message"]
    assert not Annotation.objects.exists()


def test_deeply_nested_json_in_an_import_file_is_refused(client):
    response = upload(client, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert f"nested more than {MAX_DEPTH} levels deep" in response.content.decode()


HUGE = "9" * 5000  # past Python's integer-string limit (4,300 digits)


def test_a_huge_number_is_refused_by_the_api_the_protocol_and_the_importer(client):
    selector = f'{{"start": {HUGE}, "end": 2, "exact": "x"}}'
    body = (
        f'{{"edition": "test-interview", "paragraph": "p2", "body": "x", "selector": {selector}}}'
    )
    assert "5000 digits" in json_error(api_post(client, body))["message"]
    note = json.dumps(w3c_note()).replace(f'"start": {START}', f'"start": {HUGE}')
    assert "5000 digits" in json_error(w3c_post(client, note))["message"]
    response = upload(client, f"[{note}]")
    assert response.status_code == 400
    assert "a number of 5000 digits" in response.content.decode()
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("number", ["NaN", "Infinity", "1e999"])
def test_numbers_that_are_not_json_are_refused(client, number):
    selector = f'{{"start": {number}, "end": 2, "exact": "x"}}'
    body = (
        f'{{"edition": "test-interview", "paragraph": "p2", "body": "x", "selector": {selector}}}'
    )
    json_error(api_post(client, body))


def test_nul_in_an_imported_group_is_refused_and_nothing_saved(client):
    note = w3c_note(**{"edition:visibility": "group", "edition:group": "kurs\x00"})
    response = upload(client, [note], visibility="file")
    assert response.status_code == 400
    assert "[0].edition:group: may not contain the NUL character" in response.content.decode()
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("field", ["uri", "id", "text", "user"])
def test_nul_in_a_hypothesis_row_is_refused(client, field):
    response = upload(client, [hypothesis_row(**{field: "https://x.example/\x00"})])
    assert response.status_code == 400
    assert f"[0].{field}: may not contain the NUL character" in response.content.decode()
    assert not Annotation.objects.exists()


# URLs that `urlsplit` refuses ("Invalid IPv6 URL") --------------------------------------------

BROKEN_URLS = ["http://[", "https://[::1/test-interview/", "http://[zz]/test-interview/"]


@pytest.mark.parametrize("url", BROKEN_URLS)
def test_a_broken_source_url_is_a_400_from_the_protocol(client, url):
    note = w3c_note()
    note["target"]["source"] = url
    assert json_error(w3c_post(client, note))["field"] == "target.source"


@pytest.mark.parametrize("url", BROKEN_URLS)
def test_a_broken_reply_target_is_a_400_from_the_protocol(client, url):
    error = json_error(w3c_post(client, w3c_note(motivation="replying", target=url)))
    assert error == {
        "field": "target",
        "message": "is not an annotation of this server you can see",
    }


@pytest.mark.parametrize("url", BROKEN_URLS)
def test_broken_urls_in_an_import_file_are_reported(client, url):
    note = w3c_note(id=url)
    note["target"]["source"] = url
    reply = w3c_note(id="urn:x:2", motivation="replying", target=url)
    rows = [hypothesis_row(uri=url, target=[{"source": url, "selector": []}])]
    for content in ([note, reply], rows):
        response = upload(client, content)
        assert response.status_code == 400
        assert "is not an edition of this site" in response.content.decode()
    assert not Annotation.objects.exists()


# Wrong JSON types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda n: n["body"][0].update(format=["text/plain"]), "body[0].format"),
        (lambda n: n["body"][0].update(purpose=["tagging"]), "body[0].purpose"),
        (lambda n: n["body"][0].update(purpose={"a": 1}), "body[0].purpose"),
        (lambda n: n["target"]["selector"].update(conformsTo=[w3c.RFC3986]), None),
        (lambda n: n.update(motivation=["commenting"]), "motivation"),
        (lambda n: n.update(type={"Annotation": 1}), "type"),
        (lambda n: n.update({"@context": {"a": 1}}), "@context"),
    ],
)
def test_a_list_or_object_where_a_string_belongs_is_a_400(client, change, field):
    note = w3c_note()
    change(note)
    error = json_error(w3c_post(client, note))
    assert error["field"] == (field or "target.selector.conformsTo")
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"edition": ["test-interview"], "paragraph": "p2", "body": "x"},
        {"edition": "test-interview", "paragraph": {"p": 2}, "body": "x"},
        {"edition": "test-interview", "paragraph": "p2", "body": ["x"]},
        {"edition": "test-interview", "paragraph": "p2", "body": "x", "group": ["g"]},
        {"edition": "test-interview", "paragraph": "p2", "body": "x", "visibility": ["public"]},
        {"edition": "test-interview", "paragraph": "p2", "body": "x", "colour": {}},
        {"edition": "test-interview", "paragraph": "p2", "body": "x", "tags": "x"},
        {"edition": "test-interview", "paragraph": "p2", "body": "x", "selector": []},
        {"reply_to": ["x"], "body": "x"},
        {"reply_to": {"id": 1}, "body": "x"},
    ],
)
def test_wrongly_typed_api_fields_are_a_400(client, body):
    assert json_error(api_post(client, body), status=400)
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("permissions", "field"),
    [([1], "permissions"), ("group:__world__", "permissions"), ({"read": "x"}, "permissions.read")],
)
def test_hypothesis_permissions_of_the_wrong_type_are_reported(client, permissions, field):
    response = upload(client, [hypothesis_row(permissions=permissions)])
    assert response.status_code == 400
    assert f"[0].{field}" in response.content.decode()
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("selector", [{"type": ["TextQuoteSelector"]}, "TextQuoteSelector", 7])
def test_a_hypothesis_selector_that_is_no_selector_object_is_reported(client, selector):
    target = {"source": "https://elsewhere.example/test-interview/", "selector": [selector]}
    response = upload(client, [hypothesis_row(target=[target])])
    assert response.status_code == 400
    page = response.content.decode()
    assert "<code>[0].target[0].selector[0]</code>" in page
    assert "must be a selector object with its type" in page
    assert not Annotation.objects.exists()


# Races -----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_parallel_posts_with_one_slug_make_one_annotation_there_and_none_fails(
    edition, tmp_path, monkeypatch
):
    """20 requests find the Slug's ID free before any has saved: one annotation takes it, the
    others are created at IDs of the server's choosing, as for a Slug already taken."""
    monkeypatch.setattr("annotations.changes.on_commit", transaction.on_commit)
    raw = tokens.api_token_create(user=make_user("ann"), name="race")[1]
    use_a_database_file(tmp_path, monkeypatch)
    wanted, count = uuid.uuid4(), 20
    slug, all_checked = protocol._slug, threading.Barrier(count, timeout=20)

    def slug_then_wait(*args):
        suggested = slug(*args)
        all_checked.wait()
        return suggested

    monkeypatch.setattr(protocol, "_slug", slug_then_wait)

    def create():
        response = w3c_post(Client(), w3c_note(), Slug=str(wanted), Authorization=f"Bearer {raw}")
        return response.status_code, response["Location"]

    results, errors = in_threads(*[create] * count)
    assert errors == []
    assert [status for status, _ in results] == [201] * count
    locations = [location for _, location in results]
    assert locations.count(f"http://testserver/annotations/w3c/{wanted}/") == 1
    assert len(set(locations)) == count
    assert in_threads(Annotation.objects.count) == ([count], [])


@pytest.fixture
def deleted_meanwhile(monkeypatch):
    """The account is deleted (and committed) after the request was authenticated and before
    its write: what happens when the two race."""
    create = services.annotation_create

    def delete_then_create(*, user, **fields):
        account_delete(user=user, password=PASSWORD, annotations=ANNOTATIONS_DELETE)
        return create(user=user, **fields)

    import_file = importing.annotations_import

    def delete_then_import(*, user, **options):
        account_delete(user=user, password=PASSWORD, annotations=ANNOTATIONS_DELETE)
        return import_file(user=user, **options)

    monkeypatch.setattr(services, "annotation_create", delete_then_create)
    monkeypatch.setattr(importing, "annotations_import", delete_then_import)


@pytest.mark.django_db(transaction=True)
def test_a_note_made_while_its_author_deletes_the_account_is_a_401(edition, deleted_meanwhile):
    author = make_user("leaving", password=PASSWORD)
    note = {"edition": "test-interview", "paragraph": "p2", "body": "Letzte Worte."}
    error = json_error(api_post(client_for(author), note), status=401)
    assert error == {"field": "user", "message": "your account was deleted; nothing was saved"}
    assert not Annotation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_w3c_post_or_import_while_the_account_is_deleted_is_a_401(edition, deleted_meanwhile):
    w3c_author = make_user("w3c", password=PASSWORD)
    raw = tokens.api_token_create(user=w3c_author, name="t")[1]
    response = w3c_post(Client(), w3c_note(), Authorization=f"Bearer {raw}")
    assert json_error(response, status=401)["field"] == "user"
    assert response["WWW-Authenticate"].startswith("Bearer")
    response = upload(client_for(make_user("importer", password=PASSWORD)), [w3c_note()])
    assert response.status_code == 401
    assert "your account was deleted; nothing was saved" in response.content.decode()
    assert not Annotation.objects.exists()
