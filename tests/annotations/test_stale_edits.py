"""Edits based on an older version are refused (412) and the newer text is kept."""

import json

import pytest

from annotations import services
from annotations.models import Annotation, AnnotationRevision
from annotations.services import AnnotationConflict


@pytest.fixture
def note(people, p2):
    return services.annotation_create(
        user=people["ann"], paragraph=p2, motivation="commenting", body="Erste Fassung."
    )


@pytest.fixture
def ann(client, people):
    client.force_login(people["ann"])
    return client


def url(note) -> str:
    return f"/api/annotations/{note.uuid}/"


def patch(client, note, data, **headers):
    return client.patch(url(note), json.dumps(data), content_type="application/json", **headers)


def test_the_api_sends_the_version_in_the_json_and_as_the_etag(ann, note):
    response = ann.get(url(note))
    version = response.json()["version"]
    assert version == services.annotation_version(note)
    assert response["ETag"] == f'"{version}"'


def test_every_edit_changes_the_version(ann, note):
    before = ann.get(url(note)).json()["version"]
    after = patch(ann, note, {"body": "Zweite."}, HTTP_IF_MATCH=f'"{before}"')
    assert after.status_code == 200
    assert after.json()["version"] != before
    assert after["ETag"] == f'"{after.json()["version"]}"'


def test_a_stale_edit_is_412_and_the_newer_text_is_kept(ann, note):
    stale = ann.get(url(note)).json()["version"]
    assert patch(ann, note, {"body": "Aus Tab 1."}, HTTP_IF_MATCH=f'"{stale}"').status_code == 200
    refused = patch(ann, note, {"body": "Aus Tab 2."}, HTTP_IF_MATCH=f'"{stale}"')
    assert refused.status_code == 412
    data = refused.json()
    assert data["error"]["field"] == "If-Match"
    assert "your edit was not saved, so the newer text is kept" in data["error"]["message"]
    assert data["current"]["body"] == "Aus Tab 1."
    assert refused["ETag"] == f'"{data["current"]["version"]}"'
    note.refresh_from_db()
    assert note.body == "Aus Tab 1."
    assert AnnotationRevision.objects.filter(annotation=note).count() == 1


def test_a_bare_version_and_a_list_with_the_current_one_are_accepted(ann, note):
    version = services.annotation_version(note)
    assert patch(ann, note, {"body": "Zwei."}, HTTP_IF_MATCH=version).status_code == 200
    version = services.annotation_version(Annotation.objects.get())
    both = f'"1", "{version}"'
    assert patch(ann, note, {"body": "Drei."}, HTTP_IF_MATCH=both).status_code == 200


def test_without_if_match_or_with_a_star_the_last_write_wins(ann, note):
    assert patch(ann, note, {"body": "Ohne."}).status_code == 200
    assert patch(ann, note, {"body": "Stern."}, HTTP_IF_MATCH="*").status_code == 200
    assert Annotation.objects.get().body == "Stern."


def test_a_stale_delete_is_412_and_deletes_nothing(ann, note):
    stale = services.annotation_version(note)
    patch(ann, note, {"body": "Neuer."})
    refused = ann.delete(url(note), HTTP_IF_MATCH=f'"{stale}"')
    assert refused.status_code == 412
    assert refused.json()["current"]["body"] == "Neuer."
    assert Annotation.objects.get().deleted_at is None
    current = services.annotation_version(Annotation.objects.get())
    assert ann.delete(url(note), HTTP_IF_MATCH=f'"{current}"').status_code == 204


def test_the_service_refuses_a_stale_version_and_writes_nothing(people, note):
    stale = services.annotation_version(note)
    services.annotation_update(user=people["ann"], annotation=note, body="Neu.", version=stale)
    with pytest.raises(AnnotationConflict) as refused:
        services.annotation_update(
            user=people["ann"], annotation=note, body="Veraltet.", version=stale
        )
    assert refused.value.current.body == "Neu."
    assert Annotation.objects.get().body == "Neu."
    assert AnnotationRevision.objects.count() == 1


def test_deleting_and_restoring_do_not_change_the_version(people, note):
    version = services.annotation_version(note)
    services.annotation_delete(user=people["ann"], annotation=note)
    services.annotation_restore(user=people["ann"], annotation=note)
    assert services.annotation_version(Annotation.objects.get()) == version
