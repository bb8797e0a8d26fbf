"""Deleting is recoverable for 30 days: the API, the "Recently deleted" page, and the purge."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from annotations import services
from annotations.models import Annotation, AnnotationRevision, IdempotencyKey
from annotations.services import AnnotationError, AnnotationPermissionError
from search.models import SearchEntry

DELETED_PAGE = "/annotations/deleted/"


@pytest.fixture
def note(people, p2):
    note = services.annotation_create(
        user=people["ann"],
        paragraph=p2,
        motivation="commenting",
        body="Erste Fassung.",
        tags=["Archiv"],
        visibility="group",
        group=people["group"],
    )
    return services.annotation_update(user=people["ann"], annotation=note, body="Zweite Fassung.")


@pytest.fixture
def ann(client, people):
    client.force_login(people["ann"])
    return client


def delete(note, *, days_ago: float = 0):
    services.annotation_delete(user=note.author, annotation=note)
    Annotation.objects.filter(pk=note.pk).update(
        deleted_at=timezone.now() - timedelta(days=days_ago)
    )
    note.refresh_from_db()
    return note


def restore_url(note) -> str:
    return f"/api/annotations/{note.uuid}/restore/"


# The service


def test_restoring_brings_back_text_tags_history_and_search(people, note):
    delete(note, days_ago=29)
    assert not SearchEntry.objects.filter(annotation=note).exists()
    restored = services.annotation_restore(user=people["ann"], annotation=note)
    assert restored.deleted_at is None
    assert restored.body == "Zweite Fassung."
    assert list(restored.tags.names()) == ["Archiv"]
    assert [r.body for r in restored.revisions.all()] == ["Erste Fassung."]
    assert SearchEntry.objects.filter(annotation=note).exists()


def test_after_30_days_an_annotation_cannot_be_restored(people, note):
    delete(note, days_ago=30.01)
    with pytest.raises(AnnotationError, match="more than 30 days ago"):
        services.annotation_restore(user=people["ann"], annotation=note)
    assert Annotation.objects.get().deleted_at is not None


def test_only_the_author_restores(people, note):
    delete(note)
    with pytest.raises(AnnotationPermissionError):
        services.annotation_restore(user=people["ben"], annotation=note)


def test_deleting_keeps_the_edit_history(people, note):
    delete(note)
    assert AnnotationRevision.objects.filter(annotation=note).count() == 1


# The API


def test_the_author_restores_through_the_api(ann, note):
    delete(note, days_ago=3)
    response = ann.post(restore_url(note))
    assert response.status_code == 200
    data = response.json()
    assert data["deleted"] is False and data["body"] == "Zweite Fassung."
    assert ann.get(f"/api/annotations/{note.uuid}/").json()["body"] == "Zweite Fassung."


def test_restoring_a_live_annotation_changes_nothing(ann, note):
    assert ann.post(restore_url(note)).status_code == 200
    assert Annotation.objects.get().deleted_at is None


def test_an_annotation_deleted_too_long_ago_is_400_with_the_reason(ann, note):
    delete(note, days_ago=31)
    response = ann.post(restore_url(note))
    assert response.status_code == 400
    assert "can no longer be restored" in response.json()["error"]["message"]


def test_someone_elses_deleted_annotation_is_404(client, people, note):
    delete(note)
    client.force_login(people["ben"])
    response = client.post(restore_url(note))
    assert response.status_code == 404
    assert Annotation.objects.get().deleted_at is not None


def test_restoring_needs_a_login_and_a_post(client, ann, note):
    delete(note)
    assert ann.get(restore_url(note)).status_code == 405
    ann.logout()
    assert client.post(restore_url(note)).status_code == 401


# The page


def test_recently_deleted_lists_the_readers_restorable_notes_only(ann, people, p2, note):
    live = services.annotation_create(
        user=people["ann"], paragraph=p2, motivation="commenting", body="Lebendig."
    )
    old = services.annotation_create(
        user=people["ann"], paragraph=p2, motivation="commenting", body="Längst weg."
    )
    bens = services.annotation_create(
        user=people["ben"], paragraph=p2, motivation="commenting", body="Bens Notiz."
    )
    delete(note, days_ago=2)
    delete(old, days_ago=40)
    delete(bens)
    page = ann.get(DELETED_PAGE).content.decode()
    assert "Zweite Fassung." in page
    assert f'action="/annotations/{note.uuid}/restore/"' in page
    for hidden in (live, old, bens):
        assert hidden.body not in page


def test_the_restore_button_restores_and_says_so(ann, note):
    delete(note)
    response = ann.post(f"/annotations/{note.uuid}/restore/", follow=True)
    assert response.redirect_chain == [(DELETED_PAGE, 302)]
    assert "The annotation is back in its place in the text." in response.content.decode()
    assert Annotation.objects.get().deleted_at is None


def test_the_restore_button_explains_a_refusal(ann, note):
    delete(note, days_ago=31)
    response = ann.post(f"/annotations/{note.uuid}/restore/", follow=True)
    assert "It cannot be restored: it was deleted more than 30 days ago" in (
        response.content.decode()
    )


def test_the_page_and_the_button_need_a_login_and_the_author(client, people, note):
    delete(note)
    assert client.get(DELETED_PAGE).status_code == 302
    assert client.post(f"/annotations/{note.uuid}/restore/").status_code == 302
    client.force_login(people["ben"])
    assert note.body not in client.get(DELETED_PAGE).content.decode()
    assert client.post(f"/annotations/{note.uuid}/restore/").status_code == 404
    assert client.get(f"/annotations/{note.uuid}/restore/").status_code == 405


# Purging what is older than 30 days


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_deleted", *args, stdout=out)
    return out.getvalue()


def reply_to(annotation, user, body="Antwort."):
    return services.annotation_create(
        user=user, parent=annotation, motivation="replying", body=body
    )


def test_purge_erases_what_was_deleted_more_than_30_days_ago(people, p2, note):
    recent = services.annotation_create(
        user=people["ann"], paragraph=p2, motivation="commenting", body="Gestern gelöscht."
    )
    delete(note, days_ago=31)
    delete(recent, days_ago=1)
    output = purge()
    assert "1 annotations deleted more than 30 days ago were erased" in output
    assert list(Annotation.objects.values_list("body", flat=True)) == ["Gestern gelöscht."]
    assert not AnnotationRevision.objects.exists()


def test_purge_keeps_an_empty_placeholder_where_others_replied(people, note):
    reply = reply_to(note, people["ben"])
    delete(note, days_ago=31)
    assert "1 were kept as empty placeholders" in purge()
    placeholder = Annotation.objects.get(pk=note.pk)
    assert placeholder.deleted_at is not None
    assert placeholder.body == placeholder.body_html == ""
    assert not placeholder.tags.exists() and not placeholder.revisions.exists()
    assert Annotation.objects.get(pk=reply.pk).body == "Antwort."
    assert "1 were kept" in purge(), "running again changes nothing"


def test_purge_erases_a_thread_whose_replies_are_all_gone(people, note):
    own = reply_to(note, people["ann"], "Nachtrag.")
    bens = reply_to(own, people["ben"], "Auf den Nachtrag.")
    for annotation in (bens, own, note):
        delete(annotation, days_ago=31)
    assert "3 annotations deleted more than 30 days ago were erased" in purge()
    assert not Annotation.objects.exists()


def test_purge_run_hourly_erases_only_once_and_changes_nothing_after(people, p2, note):
    """Scheduled every hour (README): a second run finds nothing new to erase and rewrites no
    row; what was deleted just under 30 days ago waits for a later run."""
    reply_to(note, people["ben"])
    delete(note, days_ago=31)
    almost = delete(
        services.annotation_create(
            user=people["ann"], paragraph=p2, motivation="commenting", body="Fast 30 Tage."
        ),
        days_ago=30 - 1 / 24,
    )

    def rows():
        return (
            list(Annotation.objects.order_by("pk").values()),
            list(AnnotationRevision.objects.order_by("pk").values()),
            list(SearchEntry.objects.order_by("pk").values()),
        )

    first = purge()
    assert "0 annotations deleted more than 30 days ago were erased" in first
    assert "1 were kept as empty placeholders" in first
    after_first = rows()
    second = purge()
    assert "0 annotations deleted more than 30 days ago were erased" in second
    assert rows() == after_first
    assert Annotation.objects.get(pk=almost.pk).body == "Fast 30 Tage."
    Annotation.objects.filter(pk=almost.pk).update(
        deleted_at=timezone.now() - timedelta(days=30, minutes=1)
    )
    assert "1 annotations deleted more than 30 days ago were erased" in purge()


def test_purge_dry_run_changes_nothing(people, note):
    delete(note, days_ago=31)
    output = purge("--dry-run")
    assert "1 annotations deleted more than 30 days ago would be erased" in output
    assert "Dry run: nothing changed." in output
    assert Annotation.objects.get().body == "Zweite Fassung."


def test_purge_removes_expired_idempotency_keys(people, p2):
    services.annotation_create(
        user=people["ann"], paragraph=p2, motivation="commenting", body="A", idempotency_key="a"
    )
    services.annotation_create(
        user=people["ann"], paragraph=p2, motivation="commenting", body="B", idempotency_key="b"
    )
    IdempotencyKey.objects.filter(key="a").update(created=timezone.now() - timedelta(days=2))
    assert "1 expired idempotency keys were removed" in purge()
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["b"]
