"""The JSON API: session auth, CSRF, clear 4xx errors, nothing partial saved, no leaks."""

import json

import pytest
from django.test import Client

from annotations.models import Annotation

URL = "/api/annotations/"
TEXT = "Ein Archiv ist ein Ort der Bildproduktion, sagt man."


def post(client, data, url=URL, **extra):
    body = data if isinstance(data, (str, bytes)) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **extra)


def new_note(**changes):
    start = TEXT.index("Bildproduktion")
    note = {
        "edition": "test-interview",
        "paragraph": "p2",
        "selector": {"exact": "Bildproduktion", "start": start, "end": start + 14},
        "motivation": "commenting",
        "body": "Vgl. **Farocki**.",
        "tags": ["These", "Bild"],
        "visibility": "private",
        "colour": "blue",
    }
    return {**note, **changes}


@pytest.fixture
def ann(client, people):
    client.force_login(people["ann"])
    return client


def test_create_returns_the_annotation(ann, edition):
    response = post(ann, new_note())
    assert response.status_code == 201
    data = response.json()
    assert data["paragraph"] == "p2" and data["colour"] == "blue"
    assert data["selector"]["prefix"] == "Ein Archiv ist ein Ort der "
    assert data["body_html"] == "<p>Vgl. <strong>Farocki</strong>.</p>"
    assert data["tags"] == ["Bild", "These"]
    assert data["author"]["username"] == "ann" and data["can_edit"] is True
    assert data["url"] == f"http://testserver/annotations/{data['id']}/"


def test_anonymous_cannot_create(client, edition):
    response = post(client, new_note())
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "log in to annotate"


def test_post_without_csrf_token_is_refused(people, edition):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["ann"])
    assert post(client, new_note()).status_code == 403
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ("{not json", 400, "request"),
        ("[1, 2]", 400, "request"),
        (new_note(paragraph="p99"), 404, "paragraph"),
        (new_note(edition="nope"), 404, "paragraph"),
        (new_note(selector={"exact": "Bild", "start": 0, "end": 999}), 400, "selector"),
        (new_note(selector={"exact": "Kunst", "start": 0, "end": 5}), 400, "selector.exact"),
        (new_note(selector={"exact": "Ein", "start": "0", "end": 3}), 400, "selector"),
        (new_note(selector={"start": 0, "end": 3}), 400, "selector.exact"),
        (new_note(body="x" * 10_001), 400, "body"),
        (new_note(tags=[f"t{n}" for n in range(11)]), 400, "tags"),
        (new_note(visibility="group", group="seminar-x"), 400, "group"),
        (new_note(reply_to="not-a-uuid"), 400, "reply_to"),
    ],
)
def test_bad_request_gets_json_error_and_saves_nothing(ann, edition, data, status, field):
    response = post(ann, data)
    assert response.status_code == status
    assert response.json()["error"]["field"] == field
    assert response.json()["error"]["message"]
    assert not Annotation.objects.exists()


def test_oversized_request_is_413_with_the_limit(ann, edition):
    response = post(ann, new_note(body="x" * 70_000))
    assert response.status_code == 413
    assert "the limit of 65536 bytes" in response.json()["error"]["message"]
    assert not Annotation.objects.exists()


def test_someone_elses_private_annotation_is_404_not_403(ann, people, edition):
    client = Client()
    created = post(ann, new_note()).json()
    client.force_login(people["ben"])
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)(
            f"{URL}{created['id']}/", content_type="application/json"
        )
        assert response.status_code == 404, method
    assert Annotation.objects.get().body == "Vgl. **Farocki**."


def test_visible_but_foreign_annotation_cannot_be_changed(ann, people, edition):
    client = Client()
    created = post(ann, new_note(visibility="public")).json()
    client.force_login(people["ben"])
    response = client.patch(
        f"{URL}{created['id']}/", json.dumps({"body": "Hijack"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert Annotation.objects.get().body == "Vgl. **Farocki**."


def test_update_and_delete_by_author(ann, edition):
    created = post(ann, new_note()).json()
    url = f"{URL}{created['id']}/"
    response = ann.patch(
        url, json.dumps({"body": "Neu", "tags": ["Neu"]}), content_type="application/json"
    )
    assert response.status_code == 200
    assert (response.json()["body"], response.json()["tags"]) == ("Neu", ["Neu"])
    assert (
        ann.patch(url, json.dumps({"paragraph": "p3"}), content_type="application/json").status_code
        == 400
    )
    assert ann.delete(url).status_code == 204
    assert ann.get(url).status_code == 404


def test_reply_and_deleted_placeholder_in_the_thread(ann, people, edition):
    root = post(ann, new_note(visibility="public")).json()
    client = Client()
    client.force_login(people["ben"])
    reply = post(client, {"reply_to": root["id"], "body": "Warum *Farocki*?"})
    assert reply.status_code == 201 and reply.json()["reply_to"] == root["id"]
    assert ann.delete(f"{URL}{root['id']}/").status_code == 204
    items = client.get(URL, {"paragraph": "p2"}).json()["items"]
    placeholder = next(item for item in items if item["id"] == root["id"])
    assert (
        placeholder["deleted"] is True
        and placeholder["body"] == ""
        and placeholder["author"] is None
    )
    assert any(item["id"] == reply.json()["id"] for item in items)


def test_list_shows_only_what_the_user_may_see(ann, people, edition):
    client = Client()
    post(ann, new_note(body="privat"))
    post(ann, new_note(body="gruppe", visibility="group", group="seminar-a"))
    post(ann, new_note(body="offen", visibility="public"))

    def bodies(c, **params):
        return sorted(
            item["body"]
            for item in c.get(URL, {"edition": "test-interview", **params}).json()["items"]
        )

    assert bodies(ann) == ["gruppe", "offen", "privat"]
    assert bodies(ann, scope="public") == ["offen"]
    client.force_login(people["ben"])
    assert bodies(client) == ["gruppe", "offen"]
    client.force_login(people["cy"])
    assert bodies(client) == ["offen"]
    assert bodies(Client()) == ["offen"]
    assert Client().get(URL, {"edition": "test-interview"}).json()["total"] == 1


def test_list_paginates(ann, edition):
    for n in range(3):
        post(ann, new_note(body=f"n{n}"))
    page = ann.get(URL, {"limit": 2, "offset": 1}).json()
    assert (page["total"], [i["body"] for i in page["items"]]) == (3, ["n1", "n2"])
    assert ann.get(URL, {"limit": "x"}).status_code == 400


def test_preview_renders_sanitised_markdown(ann):
    response = post(ann, {"body": "**fett** <script>alert(1)</script>"}, url=f"{URL}preview/")
    assert response.json() == {"html": "<p><strong>fett</strong> </p>"}


def test_annotation_permalink_opens_the_paragraph(ann, people, edition):
    client = Client()
    created = post(ann, new_note()).json()
    response = ann.get(created["url"])
    assert response.status_code == 302
    assert response["Location"] == f"/test-interview/?annotation={created['id']}#p2"
    client.force_login(people["cy"])
    assert client.get(created["url"]).status_code == 404
