"""A retried API POST (same `Idempotency-Key`) or a form sent twice creates one annotation."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from annotations import services
from annotations.models import Annotation, IdempotencyKey
from tests.annotations.test_api import new_note, post

NEW_FORM = "/annotations/new/?edition=test-interview&paragraph=p2"


@pytest.fixture
def ann(client, people):
    client.force_login(people["ann"])
    return client


def test_a_retried_post_creates_one_annotation_and_answers_the_same(ann, edition):
    first = post(ann, new_note(), HTTP_IDEMPOTENCY_KEY="note-1")
    retry = post(ann, new_note(), HTTP_IDEMPOTENCY_KEY="note-1")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["ETag"] == first["ETag"]
    assert Annotation.objects.count() == 1


def test_the_same_key_with_another_body_is_422_and_saves_nothing(ann, edition):
    first = post(ann, new_note(), HTTP_IDEMPOTENCY_KEY="note-1")
    other = post(ann, new_note(body="Etwas anderes."), HTTP_IDEMPOTENCY_KEY="note-1")
    assert other.status_code == 422
    assert other.json()["error"] == {
        "field": "Idempotency-Key",
        "message": "this idempotency key was already used for a different annotation; "
        "send a new key for a new annotation",
    }
    assert list(Annotation.objects.values_list("uuid", flat=True)) == [
        services.uuid_module.UUID(first.json()["id"])
    ]


def test_posts_without_a_key_or_with_new_keys_create_one_each(ann, edition):
    post(ann, new_note())
    post(ann, new_note())
    post(ann, new_note(), HTTP_IDEMPOTENCY_KEY="a")
    post(ann, new_note(), HTTP_IDEMPOTENCY_KEY="b")
    assert Annotation.objects.count() == 4


def test_keys_are_per_user(client, people, edition):
    for name in ("ann", "ben"):
        client.force_login(people[name])
        assert post(client, new_note(), HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    assert Annotation.objects.count() == 2


def test_a_key_expires_after_24_hours(ann, edition):
    post(ann, new_note(), HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyKey.objects.update(created=timezone.now() - timedelta(hours=24, seconds=1))
    again = post(ann, new_note(body="Neu."), HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 201
    assert Annotation.objects.count() == 2
    assert IdempotencyKey.objects.get().annotation.body == "Neu."


def test_a_key_longer_than_255_characters_is_400(ann, edition):
    response = post(ann, new_note(), HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "Idempotency-Key"
    assert not Annotation.objects.exists()


def test_a_failed_post_leaves_the_key_free_for_the_corrected_retry(ann, edition):
    bad = post(ann, new_note(body="x" * 10_001), HTTP_IDEMPOTENCY_KEY="k")
    assert bad.status_code == 400
    assert post(ann, new_note(), HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    assert Annotation.objects.count() == 1


def test_a_retried_reply_creates_one_reply(ann, people, p2):
    thread = services.annotation_create(
        user=people["ann"], paragraph=p2, motivation="commenting", body="Frage?"
    )
    reply = {"reply_to": str(thread.uuid), "body": "Antwort."}
    for _ in range(2):
        assert post(ann, reply, HTTP_IDEMPOTENCY_KEY="r").status_code == 201
    assert thread.replies.count() == 1


def test_a_request_that_loses_the_race_for_its_key_answers_with_the_winner(people, p2, monkeypatch):
    """The second request checked for the key before the first had saved it: the unique
    constraint refuses its key, its annotation is rolled back and it answers as a retry."""
    first = services.annotation_create(
        user=people["ann"], paragraph=p2, motivation="commenting", body="Eins.", idempotency_key="k"
    )
    replay, calls = services._idempotent_replay, []

    def late_replay(*args):
        calls.append(args)
        return None if len(calls) == 1 else replay(*args)

    monkeypatch.setattr(services, "_idempotent_replay", late_replay)
    second = services.annotation_create(
        user=people["ann"], paragraph=p2, motivation="commenting", body="Eins.", idempotency_key="k"
    )
    assert second == first
    assert len(calls) == 2, "the second lookup came after the refused key"
    assert Annotation.objects.count() == 1
    assert not Annotation.objects.filter(search_entry__isnull=False).exclude(pk=first.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_create_one_annotation(people, p2, monkeypatch):
    """Two connections at once: both find no key, both save an annotation, and both reach the
    key before either commits; the database lets one key in and the loser answers as a retry."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time; the race above covers its answer")
    # This test commits, so the edition's stamp can wait for the commit as in production (set
    # at once, it would hold the edition's row and keep the second writer from the barrier).
    monkeypatch.setattr("annotations.changes.on_commit", transaction.on_commit)
    both_saved = threading.Barrier(2, timeout=10)
    index = services.search_index_update

    def index_then_wait(annotation, **options):
        index(annotation, **options)
        both_saved.wait()

    monkeypatch.setattr(services, "search_index_update", index_then_wait)
    results, errors = [], []

    def create():
        try:
            results.append(
                services.annotation_create(
                    user=people["ann"],
                    paragraph=p2,
                    motivation="commenting",
                    body="Gleichzeitig.",
                    idempotency_key="race",
                )
            )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(results) == 2 and results[0].pk == results[1].pk
    assert Annotation.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


# The plain form: a one-time token made when the form is shown


def form_token(response) -> str:
    match = re.search(r'name="submission_token" value="([0-9a-f]{32})"', response.content.decode())
    assert match, "the form carries a one-time token"
    return match.group(1)


def form_data(token, **changes):
    data = {"motivation": "commenting", "body": "Ohne Skript.", "tags": "", "visibility": "private"}
    return {**data, "submission_token": token, **changes}


def test_each_shown_form_has_its_own_token(ann, edition):
    assert form_token(ann.get(NEW_FORM)) != form_token(ann.get(NEW_FORM))


def test_a_form_sent_twice_creates_one_annotation_and_both_lead_to_it(ann, edition):
    token = form_token(ann.get(NEW_FORM))
    first = ann.post(NEW_FORM, form_data(token))
    second = ann.post(NEW_FORM, form_data(token))
    annotation = Annotation.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert first["Location"].endswith(f"#annotation-{annotation.uuid}")


def test_a_form_changed_after_saving_is_not_saved_silently_and_can_be_saved_anew(ann, edition):
    token = form_token(ann.get(NEW_FORM))
    ann.post(NEW_FORM, form_data(token))
    changed = ann.post(NEW_FORM, form_data(token, body="Geändert."))
    assert changed.status_code == 200
    assert "This form was already sent once and saved as an annotation." in changed.content.decode()
    assert Annotation.objects.count() == 1
    fresh = form_token(changed)
    assert fresh != token
    assert ann.post(NEW_FORM, form_data(fresh, body="Geändert.")).status_code == 302
    assert sorted(Annotation.objects.values_list("body", flat=True)) == [
        "Geändert.",
        "Ohne Skript.",
    ]


def test_a_form_with_errors_keeps_its_token_so_the_corrected_one_is_saved_once(ann, edition):
    token = form_token(ann.get(NEW_FORM))
    invalid = ann.post(NEW_FORM, form_data(token, body=""))
    assert form_token(invalid) == token
    ann.post(NEW_FORM, form_data(token))
    ann.post(NEW_FORM, form_data(token))
    assert Annotation.objects.count() == 1
