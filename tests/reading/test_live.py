"""The live channel (reading/live.py, /<edition>/live/): what an open page polls. Its answer is
made of what the reader may see and nothing else, so a note they may not see, or its change,
leaves it byte for byte the same (and a 304 the same 304)."""

import json

import pytest
from django.test import Client

from annotations.services import annotation_create, annotation_delete, annotation_update
from courses.services import annotation_hide, annotation_unhide

LIVE = "/test-interview/live/"


def note(user, paragraph, body, **kwargs):
    kwargs.setdefault("visibility", "public")
    return annotation_create(
        user=user, paragraph=paragraph, motivation="commenting", body=body, **kwargs
    )


def course_note(user, paragraph, course, body="Für das Seminar"):
    return note(user, paragraph, body, visibility="group", group=course.group)


def reader(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def live(client: Client, url: str = LIVE, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code in (200, 304), response.content
    data = json.loads(response.content) if response.status_code == 200 else None
    return response, data


def snapshot(client: Client, url: str = LIVE) -> tuple[bytes, str]:
    response, _data = live(client, url)
    return response.content, response["ETag"]


@pytest.fixture
def readers(seminar):
    return {name: reader(seminar[name]) for name in ("ann", "ben", "bob", "cy", "ines")} | {
        "anonymous": reader()
    }


def test_a_course_note_reaches_classmates_and_no_one_else(seminar, readers, p2):
    before = {name: snapshot(client) for name, client in readers.items()}
    course_note(seminar["ann"], p2, seminar["a"])
    after = {name: snapshot(client) for name, client in readers.items()}
    for name in ("ann", "ben", "ines"):
        assert after[name] != before[name]
        _response, data = live(readers[name])
        assert data["paragraphs"]["p2"]["threads"] == 1
    for name in ("bob", "cy", "anonymous"):
        assert after[name] == before[name], name


def test_a_private_note_and_its_changes_never_show(seminar, readers, p2):
    others = {name: c for name, c in readers.items() if name != "ann"}
    before = {name: snapshot(client) for name, client in others.items()}
    private = note(seminar["ann"], p2, "Nur für mich", visibility="private")
    annotation_update(user=seminar["ann"], annotation=private, body="Immer noch nur für mich")
    annotation_delete(user=seminar["ann"], annotation=private)
    for name, client in others.items():
        assert snapshot(client) == before[name], name
        _response, data = live(client)
        assert "p2" not in data["paragraphs"]


def test_the_answer_names_only_counts_and_digests(seminar, readers, p2):
    course_note(seminar["ann"], p2, seminar["a"], body="Geheimes Wort Zitronenfalter")
    response, data = live(readers["ben"])
    assert set(data) == {"edition", "paragraphs", "poll"}
    assert set(data["paragraphs"]["p2"]) == {"threads", "state"}
    body = response.content.decode()
    assert "Zitronenfalter" not in body and "ann" not in body


def test_edits_deletions_and_replies_change_the_state(seminar, readers, p2):
    first = course_note(seminar["ann"], p2, seminar["a"])
    ben = readers["ben"]
    states = [live(ben)[1]["paragraphs"]["p2"]["state"]]
    annotation_update(user=seminar["ann"], annotation=first, body="Geändert")
    states.append(live(ben)[1]["paragraphs"]["p2"]["state"])
    reply = annotation_create(
        user=seminar["ben"], parent=first, motivation="replying", body="Antwort"
    )
    states.append(live(ben)[1]["paragraphs"]["p2"]["state"])
    annotation_delete(user=seminar["ben"], annotation=reply)
    states.append(live(ben)[1]["paragraphs"]["p2"]["state"])
    # Each step changes what ben sees; a deleted reply leaves the thread as it was before it.
    assert all(a != b for a, b in zip(states, states[1:], strict=False))
    assert len(set(states)) == 3 and states[3] == states[1]
    annotation_delete(user=seminar["ann"], annotation=first)
    assert "p2" not in live(ben)[1]["paragraphs"]


def test_a_hidden_note_goes_away_for_classmates_and_stays_for_its_author(seminar, readers, p2):
    hidden = course_note(seminar["ann"], p2, seminar["a"])
    bob_before = snapshot(readers["bob"])
    annotation_hide(user=seminar["ines"], annotation=hidden, reason="Off topic")
    assert "p2" not in live(readers["ben"])[1]["paragraphs"]
    assert live(readers["ann"])[1]["paragraphs"]["p2"]["threads"] == 1
    assert live(readers["ines"])[1]["paragraphs"]["p2"]["threads"] == 1
    assert snapshot(readers["bob"]) == bob_before
    annotation_unhide(user=seminar["ines"], annotation=hidden)
    assert live(readers["ben"])[1]["paragraphs"]["p2"]["threads"] == 1


def test_joining_and_leaving_a_course_change_the_state_at_once(seminar, readers, p2):
    from courses.services import course_join

    course_note(seminar["ann"], p2, seminar["a"])
    cy = readers["cy"]
    assert "p2" not in live(cy)[1]["paragraphs"]
    course_join(user=seminar["cy"], code=seminar["a"].join_code)
    assert live(cy)[1]["paragraphs"]["p2"]["threads"] == 1


def test_a_repeat_is_304_also_for_a_weakened_etag(seminar, readers, p2):
    course_note(seminar["ann"], p2, seminar["a"])
    ben = readers["ben"]
    first, _data = live(ben)
    etag = first["ETag"]
    assert etag.startswith('"') and first["Cache-Control"] == "private, no-cache"
    assert live(ben, If_None_Match=etag)[0].status_code == 304
    assert live(ben, If_None_Match=f"W/{etag}")[0].status_code == 304
    assert live(ben, If_None_Match='"other"')[0].status_code == 200
    note(seminar["bob"], p2, "Öffentlich")
    assert live(ben, If_None_Match=etag)[0].status_code == 200


def test_one_paragraph_and_unknown_places(seminar, readers, p2, p3):
    course_note(seminar["ann"], p2, seminar["a"])
    note(seminar["ann"], p3, "Öffentlich")
    _response, data = live(readers["ben"], f"{LIVE}?paragraph=p3")
    assert list(data["paragraphs"]) == ["p3"]
    assert readers["ben"].get(f"{LIVE}?paragraph=p999").status_code == 404
    assert readers["ben"].get("/no-such-edition/live/").status_code == 404
    assert readers["ben"].post(LIVE).status_code == 405


def test_a_note_costs_one_paragraph_of_work(seminar, readers, p2, p3, monkeypatch):
    """After a note on p2, a reader's next poll computes p2 again and takes every other
    paragraph's state from what was kept."""
    from reading import live as live_module

    asked = []
    real = live_module.paragraph_states

    def counting(user, edition, paragraph_ids):
        asked.append(sorted(paragraph_ids))
        return real(user, edition, paragraph_ids)

    monkeypatch.setattr(live_module, "paragraph_states", counting)
    ben = readers["ben"]
    live(ben)
    assert len(asked[0]) == seminar["edition"].paragraphs.count()
    live(ben)
    assert len(asked) == 1  # kept whole
    course_note(seminar["ann"], p2, seminar["a"])
    live(ben)
    assert asked[1] == [p2.pk]
