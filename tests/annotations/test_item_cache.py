"""The API's list of a paragraph's notes makes each note's JSON once per state and shares it
between readers who see the note the same way (`annotations.item_cache`): counted in notes
serialised. The list, its total and its pages stay what `annotation_list` selects."""

import pytest
from django.test import Client

from annotations import item_cache
from annotations.selectors import annotation_list
from annotations.services import annotation_create, annotation_update
from tests.annotations.worlds import make_world
from tests.factories import make_course, make_instructor, make_student

LIST = "/api/annotations/?edition=test-interview&paragraph=p2"


@pytest.fixture
def serialised(monkeypatch):
    calls = []
    real = item_cache.annotation_as_json

    def counting(annotation, **kwargs):
        calls.append(annotation.pk)
        return real(annotation, **kwargs)

    monkeypatch.setattr(item_cache, "annotation_as_json", counting)
    return calls


@pytest.fixture
def seminar(edition):
    course = make_course(make_instructor("ines"), title="Seminar A")
    people = {name: make_student(course, name) for name in ("ann", "ben", "cleo", "dan")}
    p2 = edition.paragraphs.get(public_id="p2")
    notes = [
        annotation_create(
            user=people["ann"],
            paragraph=p2,
            motivation="commenting",
            body=f"Notiz {n}",
            visibility="group",
            group=course.group,
        )
        for n in range(3)
    ]
    return {"p2": p2, "notes": notes, **people}


def _list(user, query=""):
    client = Client()
    client.force_login(user)
    response = client.get(LIST + query)
    assert response.status_code == 200
    return response.json()


def test_classmates_share_the_notes_json(seminar, serialised):
    first = _list(seminar["ben"])
    assert first["total"] == 3 and len(serialised) == 3
    second = _list(seminar["cleo"])
    assert second == first and len(serialised) == 3


def test_an_edit_makes_only_that_note_again(seminar, serialised):
    _list(seminar["ben"])
    annotation_update(user=seminar["ann"], annotation=seminar["notes"][1], body="Neu.")
    listed = _list(seminar["cleo"])
    assert len(serialised) == 4
    assert [item["body"] for item in listed["items"]] == ["Notiz 0", "Neu.", "Notiz 2"]


def test_the_author_gets_their_own_can_edit(seminar, serialised):
    reader = _list(seminar["ben"])
    author = _list(seminar["ann"])
    assert [item["can_edit"] for item in reader["items"]] == [False] * 3
    assert [item["can_edit"] for item in author["items"]] == [True] * 3
    assert len(serialised) == 6


def test_a_private_note_is_never_shared(seminar, serialised):
    _list(seminar["ben"])
    annotation_create(
        user=seminar["dan"],
        paragraph=seminar["p2"],
        motivation="commenting",
        body="Nur für mich.",
        visibility="private",
    )
    own = _list(seminar["dan"])
    theirs = _list(seminar["cleo"])
    assert own["total"] == 4 and "Nur für mich." in [item["body"] for item in own["items"]]
    assert theirs["total"] == 3
    assert "Nur für mich." not in [item["body"] for item in theirs["items"]]


def test_pages_follow_the_order_of_creation(seminar):
    page = _list(seminar["ben"], "&offset=1&limit=1")
    assert page["total"] == 3 and [item["body"] for item in page["items"]] == ["Notiz 1"]
    assert _list(seminar["ben"], "&offset=5")["items"] == []


def test_a_note_changed_between_the_two_queries_is_answered_unshared(
    seminar, serialised, monkeypatch
):
    real = item_cache.notes_for

    def edit_first(*args, **kwargs):
        monkeypatch.setattr(item_cache, "notes_for", real)
        annotation_update(user=seminar["ann"], annotation=seminar["notes"][0], body="Dazwischen.")
        return real(*args, **kwargs)

    monkeypatch.setattr(item_cache, "notes_for", edit_first)
    listed = _list(seminar["ben"])
    assert [item["body"] for item in listed["items"]] == ["Dazwischen.", "Notiz 1", "Notiz 2"]
    serialised.clear()
    _list(seminar["cleo"])
    assert len(serialised) == 3  # nothing was kept from the request that saw the change


@pytest.mark.parametrize("seed", range(2))
def test_every_reader_gets_what_annotation_list_selects(edition, seed):
    readers, paragraphs = make_world(edition, seed)
    for reader in readers[1:]:  # signed in: the API's client
        client = Client()
        client.force_login(reader)
        for paragraph in paragraphs:
            listed = client.get(
                f"/api/annotations/?edition=test-interview&paragraph={paragraph.public_id}"
            ).json()
            expected = annotation_list(reader, edition=edition, paragraph_id=paragraph.public_id)
            assert listed["total"] == expected.count()
            assert [item["id"] for item in listed["items"]] == [
                str(uuid) for uuid in expected.values_list("uuid", flat=True)[:50]
            ]
