"""Tags are shared regardless of case (one tag, one page), but each note keeps its own spelling:
a tag that only another reader's private note carries can never be probed through the spelling
(or the slug) that case folding gives one's own note, nor shows in any list of tags."""

import json

import pytest
from django.test import Client
from taggit.models import Tag

from annotations.models import Annotation
from annotations.services import annotation_create, annotation_update

API = "/api/annotations/"


def note(user, paragraph, tags, **kwargs):
    kwargs.setdefault("visibility", "private")
    return annotation_create(
        user=user, paragraph=paragraph, motivation="commenting", body="Notiz.", tags=tags, **kwargs
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def created(client, tags, **data) -> dict:
    body = {
        "edition": "test-interview",
        "paragraph": "p2",
        "body": "Eine Quittennotiz.",
        "tags": tags,
    }
    response = client.post(API, json.dumps(body | data), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def secret(people, p2):
    """ann's private note carries a tag nobody else uses."""
    return note(people["ann"], p2, ["geheimtag-ann", "Geheim!"])


def test_a_tag_only_on_someone_elses_private_note_keeps_my_spelling(people, secret):
    ben = signed_in(people["ben"])
    mine = created(ben, ["GEHEIMTAG-ANN", "UNBEKANNT-X"])
    assert mine["tags"] == ["GEHEIMTAG-ANN", "UNBEKANNT-X"]  # as an unknown tag keeps its own
    assert ben.get(f"{API}{mine['id']}/").json()["tags"] == ["GEHEIMTAG-ANN", "UNBEKANNT-X"]
    html = ben.get("/test-interview/p2/threads/").content.decode()
    assert "GEHEIMTAG-ANN" in html and "geheimtag-ann" not in html.replace(
        'href="/tags/geheimtag-ann/"', ""
    )
    # One tag for both notes; ann's note keeps her spelling.
    assert Tag.objects.filter(slug="geheimtag-ann").count() == 1
    assert signed_in(people["ann"]).get(f"{API}{secret.uuid}/").json()["tags"] == [
        "Geheim!",
        "geheimtag-ann",
    ]


def test_a_slug_taken_by_a_private_tag_is_not_told_by_a_suffix(people, secret):
    ben = signed_in(people["ben"])
    mine = created(ben, ["Geheim?", "Neu!"])
    html = ben.get(f"/annotations/{mine['id']}/thread/").content.decode()
    # Like any new tag, the link is the spelling's slug (no "geheim_1" telling of another).
    assert 'href="/tags/geheim/"' in html and 'href="/tags/neu/"' in html and "_1/" not in html
    assert mine["tags"] == ["Geheim?", "Neu!"]


def test_lists_of_tags_show_only_spellings_the_reader_may_see(people, secret):
    created(signed_in(people["ben"]), ["GEHEIMTAG-ANN"], visibility="public")
    anonymous = Client()
    items = anonymous.get("/api/tags/", {"q": "geh"}).json()["items"]
    assert [(item["name"], item["count"]) for item in items] == [("GEHEIMTAG-ANN", 1)]
    page = anonymous.get("/tags/geheimtag-ann/").content.decode()
    assert "GEHEIMTAG-ANN" in page and ">geheimtag-ann<" not in page
    facets = anonymous.get("/test-interview/", {"tag": "geheimtag-ann"}).content.decode()
    assert "GEHEIMTAG-ANN (1)" in facets and "geheimtag-ann (" not in facets
    # The prefix of a spelling only the private note uses finds nothing.
    assert anonymous.get("/api/tags/", {"q": "Geheim!"}).json()["items"] == []
    assert signed_in(people["cy"]).get("/api/tags/", {"q": "geheim!"}).json()["items"] == []
    # ann sees both spellings of the shared tag; either is one she may see.
    names = {i["name"] for i in signed_in(people["ann"]).get("/api/tags/").json()["items"]}
    assert names in ({"Geheim!", "geheimtag-ann"}, {"Geheim!", "GEHEIMTAG-ANN"})


def test_every_representation_of_my_note_uses_my_spelling(people, secret):
    ben = signed_in(people["ben"])
    mine = created(ben, ["GEHEIMTAG-ANN"], visibility="public")
    w3c = ben.get(f"/annotations/w3c/{mine['id']}/", headers={"Accept": "application/ld+json"})
    assert "GEHEIMTAG-ANN" in w3c.content.decode() and 'geheimtag-ann"' not in w3c.content.decode()
    search = Client().get("/search/", {"q": "Quittennotiz"}).content.decode()
    assert "GEHEIMTAG-ANN" in search and ">geheimtag-ann<" not in search
    export = ben.get("/annotations/mine/export.csv")
    exported = b"".join(export.streaming_content) if export.streaming else export.content
    assert "GEHEIMTAG-ANN" in exported.decode() and "geheimtag-ann" not in exported.decode()


def test_changing_only_the_spelling_changes_the_note(people, p2):
    mine = note(people["ben"], p2, ["kant"])
    changed = annotation_update(user=people["ben"], annotation=mine, tags=["KANT", "These"])
    assert sorted(changed.tags.names()) == ["KANT", "These"]
    assert sorted(Annotation.objects.get(pk=mine.pk).tags.names()) == ["KANT", "These"]
    assert Tag.objects.filter(slug="kant").count() == 1
    assert changed.revisions.get().tags == ["kant"]
