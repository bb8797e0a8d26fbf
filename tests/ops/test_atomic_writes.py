"""Every write that takes several steps is all or nothing: an error forced after its first write
leaves the database exactly as it was (the page, the APIs and the commands share these
services, so this holds for each request that writes)."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from accounts import services as account_services
from accounts.models import ApiToken
from accounts.tokens import api_token_create
from annotations import services
from annotations.models import (
    Annotation,
    AnnotationRevision,
    Group,
    IdempotencyKey,
    TaggedAnnotation,
)
from courses.models import Membership
from courses.services import course_create, course_join
from search.models import SearchEntry
from tests.courses.conftest import make_instructor
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db


class Boom(Exception):
    """The failure forced in the middle of a write."""


def boom(*args, **kwargs):
    raise Boom


def fail_on_call(monkeypatch, owner, name: str, call: int = 1):
    """Make `owner.name` raise on its `call`-th call (the earlier ones run as usual)."""
    original, calls = getattr(owner, name), []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise Boom
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)
    return calls


def snapshot() -> dict:
    """What the database holds, row by row, of everything these writes touch."""
    user_model = get_user_model()
    return {
        "users": list(user_model.objects.order_by("pk").values()),
        "annotations": list(Annotation.objects.order_by("pk").values()),
        "revisions": list(AnnotationRevision.objects.order_by("pk").values()),
        "tags": list(TaggedAnnotation.objects.order_by("pk").values()),
        "index": list(SearchEntry.objects.order_by("pk").values()),
        "keys": list(IdempotencyKey.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "group_members": list(Group.members.through.objects.order_by("pk").values()),
        "tokens": list(ApiToken.objects.order_by("pk").values()),
    }


@pytest.fixture
def ada(db):
    return make_user("ada")


@pytest.fixture
def p2(edition):
    return edition.paragraphs.get(public_id="p2")


@pytest.fixture
def note(ada, p2):
    return services.annotation_create(
        user=ada, paragraph=p2, motivation="commenting", body="Erste.", tags=["Archiv"]
    )


def test_creating_an_annotation_saves_nothing_when_indexing_fails(monkeypatch, ada, p2):
    before = snapshot()
    monkeypatch.setattr(services, "search_index_update", boom)
    with pytest.raises(Boom):
        services.annotation_create(
            user=ada, paragraph=p2, motivation="commenting", body="Neu.", tags=["Archiv", "Bild"]
        )
    assert snapshot() == before


def test_creating_an_annotation_saves_nothing_when_its_idempotency_key_fails(monkeypatch, ada, p2):
    before = snapshot()
    monkeypatch.setattr(services, "_idempotency_key_claim", boom)
    with pytest.raises(Boom):
        services.annotation_create(
            user=ada, paragraph=p2, motivation="commenting", body="Neu.", idempotency_key="k"
        )
    assert snapshot() == before


def test_an_api_post_that_fails_midway_saves_nothing(monkeypatch, ada, edition):
    client = Client(raise_request_exception=True)
    client.force_login(ada)
    before = snapshot()
    monkeypatch.setattr(services, "search_index_update", boom)
    note = {"edition": "test-interview", "paragraph": "p2", "body": "Neu.", "tags": ["Bild"]}
    with pytest.raises(Boom):
        client.post("/api/annotations/", json.dumps(note), content_type="application/json")
    assert snapshot() == before


def test_editing_keeps_no_revision_when_indexing_fails(monkeypatch, ada, note):
    before = snapshot()
    monkeypatch.setattr(services, "search_index_update", boom)
    with pytest.raises(Boom):
        services.annotation_update(user=ada, annotation=note, body="Zweite.", tags=["Bild"])
    assert snapshot() == before


def test_deleting_and_restoring_change_nothing_when_indexing_fails(monkeypatch, ada, note):
    before = snapshot()
    monkeypatch.setattr(services, "search_index_update", boom)
    with pytest.raises(Boom):
        services.annotation_delete(user=ada, annotation=note)
    assert snapshot() == before
    monkeypatch.undo()
    services.annotation_delete(user=ada, annotation=Annotation.objects.get())
    deleted = snapshot()
    monkeypatch.setattr(services, "search_index_update", boom)
    with pytest.raises(Boom):
        services.annotation_restore(user=ada, annotation=Annotation.objects.get())
    assert snapshot() == deleted


def test_purging_erases_nothing_when_it_fails_midway(monkeypatch, ada, p2, note):
    other = services.annotation_create(
        user=ada, paragraph=p2, motivation="commenting", body="Zweite."
    )
    for annotation in (note, other):
        services.annotation_delete(user=ada, annotation=annotation)
    Annotation.objects.update(deleted_at=timezone.now() - timedelta(days=31))
    before = snapshot()
    fail_on_call(monkeypatch, AnnotationRevision.objects, "filter")
    with pytest.raises(Boom):
        services.annotations_purge_deleted()
    assert snapshot() == before


def test_joining_a_course_leaves_no_membership_when_the_group_fails(monkeypatch, ada):
    course = course_create(user=make_instructor(), title="Bildtheorie")
    before = snapshot()
    monkeypatch.setattr(Group.members.related_manager_cls, "add", boom)
    with pytest.raises(Boom):
        course_join(user=ada, code=course.join_code)
    assert snapshot() == before


@pytest.fixture
def world(ada, p2):
    ben = make_user("ben")
    course = course_create(user=make_instructor(), title="Bildtheorie")
    for user in (ada, ben):
        course_join(user=user, code=course.join_code)
    shared = services.annotation_create(
        user=ada, paragraph=p2, motivation="commenting", body="Geteilt.", visibility="public"
    )
    services.annotation_create(
        user=ada,
        paragraph=p2,
        motivation="commenting",
        body="Kurs.",
        visibility="group",
        group=course.group,
    )
    services.annotation_create(user=ada, paragraph=p2, motivation="commenting", body="Privat.")
    services.annotation_create(user=ben, parent=shared, motivation="replying", body="Antwort.")
    api_token_create(user=ada, name="Zotero")
    return ada


@pytest.mark.parametrize("choice", ["delete", "anonymise"])
def test_deleting_an_account_changes_nothing_when_it_fails_before_the_end(
    monkeypatch, world, choice
):
    client = Client(raise_request_exception=True)
    assert client.login(username="ada", password=DEFAULT_PASSWORD)
    before = snapshot()
    monkeypatch.setattr(account_services, "sessions_end", boom)
    with pytest.raises(Boom):
        client.post("/accounts/delete/", {"annotations": choice, "password": DEFAULT_PASSWORD})
    assert snapshot() == before
    assert client.get("/accounts/profile/").status_code == 200, "still logged in"


def test_anonymising_changes_no_annotation_when_the_second_fails(monkeypatch, world):
    before = snapshot()
    fail_on_call(monkeypatch, services, "search_index_update", call=2)
    with pytest.raises(Boom):
        services.annotations_anonymise(author=world)
    assert snapshot() == before
