"""Changing a note's audience never widens the audience of other people's words: a wider (or
another group's) audience is refused while others' replies share the thread's, on every path
(the service, the JSON API the page's editor uses, the W3C protocol); a narrower one takes the
whole thread along; a wider one takes only the author's own replies."""

import json

import pytest
from django.test import Client

from accounts.services import annotations_anonymise
from annotations.models import Annotation, Group
from annotations.services import (
    AUDIENCE_WIDENING_REFUSED,
    AnnotationError,
    annotation_create,
    annotation_delete,
    annotation_update,
)

API = "/api/annotations/"


def note(user, paragraph, **kwargs):
    kwargs.setdefault("body", "Für das Seminar.")
    return annotation_create(user=user, paragraph=paragraph, motivation="commenting", **kwargs)


def reply(user, parent, body="Nur fürs Seminar gesagt."):
    return annotation_create(user=user, parent=parent, motivation="replying", body=body)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def thread(people, p2):
    """ann's course note, ben's reply to it, and ann's own answer to ben."""
    root = note(people["ann"], p2, visibility="group", group=people["group"])
    bens = reply(people["ben"], root)
    anns = reply(people["ann"], bens, body="Danke, Ben.")
    return {"root": root, "ben": bens, "ann": anns}


def audience(annotation) -> tuple:
    annotation.refresh_from_db()
    return annotation.visibility, annotation.group_id


def test_making_a_note_public_with_others_replies_is_refused_and_changes_nothing(people, thread):
    with pytest.raises(AnnotationError) as refused:
        annotation_update(user=people["ann"], annotation=thread["root"], visibility="public")
    assert refused.value.field == "visibility"
    assert refused.value.message == AUDIENCE_WIDENING_REFUSED
    group = ("group", people["group"].pk)
    assert [audience(thread[key]) for key in ("root", "ben", "ann")] == [group] * 3
    assert thread["root"].revisions.count() == 0


def test_moving_a_note_to_another_group_with_others_replies_is_refused(people, thread):
    other = Group.objects.create(name="Seminar B", slug="seminar-b")
    other.members.add(people["ann"])
    with pytest.raises(AnnotationError):
        annotation_update(
            user=people["ann"], annotation=thread["root"], visibility="group", group=other
        )
    assert audience(thread["ben"]) == ("group", people["group"].pk)


def test_the_api_refuses_with_its_error_shape_and_the_reply_stays_unreadable(people, thread):
    url = f"{API}{thread['root'].uuid}/"
    response = signed_in(people["ann"]).patch(
        url, json.dumps({"visibility": "public"}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": {"field": "visibility", "message": AUDIENCE_WIDENING_REFUSED}
    }
    assert Client().get(f"{API}{thread['ben'].uuid}/").status_code == 404
    assert signed_in(people["cy"]).get(f"{API}{thread['ben'].uuid}/").status_code == 404
    listed = Client().get(API, {"edition": "test-interview"}).json()
    assert listed["total"] == 0 and listed["items"] == []


def test_the_w3c_put_refuses_as_the_api_does(people, thread):
    client = signed_in(people["ann"])
    url = f"/annotations/w3c/{thread['root'].uuid}/"
    current = client.get(url, headers={"Accept": "application/ld+json"})
    data = current.json()
    data["edition:visibility"] = "public"
    data.pop("edition:group", None)
    response = client.put(
        url,
        json.dumps(data),
        content_type="application/ld+json",
        headers={"If-Match": current["ETag"]},
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "field": "edition:visibility",
        "message": AUDIENCE_WIDENING_REFUSED,
    }
    assert audience(thread["root"]) == ("group", people["group"].pk)
    assert Client().get(f"{API}{thread['ben'].uuid}/").status_code == 404


def test_a_reply_by_a_former_user_counts_as_someone_elses(people, thread):
    annotations_anonymise(author=people["ben"])
    thread["ben"].refresh_from_db()
    assert thread["ben"].author is None
    with pytest.raises(AnnotationError):
        annotation_update(user=people["ann"], annotation=thread["root"], visibility="public")


def test_narrowing_takes_the_whole_thread_along(people, thread):
    annotation_update(user=people["ann"], annotation=thread["root"], visibility="private")
    assert [audience(thread[key]) for key in ("root", "ben", "ann")] == [("private", None)] * 3
    assert signed_in(people["ben"]).get(f"{API}{thread['root'].uuid}/").status_code == 404


def test_a_public_thread_may_become_a_course_thread(people, p2):
    root = note(people["ann"], p2, visibility="public")
    bens = reply(people["ben"], root)
    annotation_update(
        user=people["ann"], annotation=root, visibility="group", group=people["group"]
    )
    assert audience(bens) == ("group", people["group"].pk)
    assert Client().get(f"{API}{bens.uuid}/").status_code == 404


def test_with_only_own_replies_widening_takes_them_along(people, p2):
    root = note(people["ann"], p2, visibility="group", group=people["group"])
    own = reply(people["ann"], root, body="Nachtrag.")
    annotation_update(user=people["ann"], annotation=root, visibility="public")
    assert audience(root) == audience(own) == ("public", None)
    assert Client().get(f"{API}{own.uuid}/").json()["body"] == "Nachtrag."


def test_a_deleted_reply_does_not_block_and_keeps_its_audience(people, thread):
    annotation_delete(user=people["ann"], annotation=thread["ann"])
    annotation_delete(user=people["ben"], annotation=thread["ben"])
    annotation_update(user=people["ann"], annotation=thread["root"], visibility="public")
    assert audience(thread["root"]) == ("public", None)
    # Restorable by its author for 30 days: it would come back to its own audience only.
    assert audience(thread["ben"]) == ("group", people["group"].pk)
    assert audience(thread["ann"]) == ("public", None)
    anonymous = Client().get(API, {"edition": "test-interview"}).json()
    assert [item["id"] for item in anonymous["items"]] == [str(thread["root"].uuid)]


def test_others_private_replies_stay_private_when_a_private_note_is_shared(people, thread):
    """After narrowing, ben's reply is his alone; sharing the note again leaves it so, and
    does not tell ann (who cannot see it) that it exists."""
    annotation_update(user=people["ann"], annotation=thread["root"], visibility="private")
    annotation_update(
        user=people["ann"], annotation=thread["root"], visibility="group", group=people["group"]
    )
    assert audience(thread["root"]) == audience(thread["ann"]) == ("group", people["group"].pk)
    assert audience(thread["ben"]) == ("private", None)
    assert signed_in(people["ann"]).get(f"{API}{thread['ben'].uuid}/").status_code == 404


def test_once_the_others_deleted_their_replies_the_note_may_go_public(people, thread):
    with pytest.raises(AnnotationError):
        annotation_update(user=people["ann"], annotation=thread["root"], visibility="public")
    annotation_delete(user=people["ben"], annotation=thread["ben"])
    updated = annotation_update(user=people["ann"], annotation=thread["root"], visibility="public")
    assert updated.visibility == Annotation.Visibility.PUBLIC
