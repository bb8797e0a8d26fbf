"""A write through the JSON API asks the database a fixed number of questions: the same with an
empty database and with 300 annotations, the same for one tag and for three.

The counts, in a test (where a transaction is a SAVEPOINT and its RELEASE, BEGIN and COMMIT in
production), for a create: the session, the user (with the profile, for the search entry and the
answer: `accounts.backends`), the paragraph, the transaction (2), the annotation, the edition's
"annotations changed" stamp and the paragraph's version, its audiences' versions (made if new,
counted up), the search entry and its text (SQLite's FTS row or PostgreSQL's vector). A change
to a note reads the audience it had first.
Tags add two (look them up, link them), two more when some are new (make them, read them back);
an idempotency key adds two (look it up, record it).
"""

import json

import pytest
from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from annotations.models import Annotation, TaggedAnnotation
from tests.annotations.test_api import new_note, post

CREATE = 12
AUDIENCES = 2  # the audiences' versions on the paragraph: made if new, counted up
AUDIENCE_BEFORE = 1  # a change reads the audience the note had
TAGS = 2
NEW_TAGS = 2
IDEMPOTENCY_KEY = 2
# PostgreSQL keeps the search text in the entry's row: nothing more to delete or replace.
SEARCH_TEXT = 1 if connection.vendor == "postgresql" else 2


@pytest.fixture(params=[0, 300], ids=["empty", "300-annotations"])
def existing(request, people, p2):
    """Other readers' annotations, tagged with tags the tests use too."""
    tags = [Tag.objects.create(name=name) for name in ("These", "Bild", "Archiv")]
    now = timezone.now()
    notes = Annotation.objects.bulk_create(
        Annotation(
            edition_id=p2.edition_id,
            paragraph=p2,
            author=people["ben"],
            motivation="commenting",
            body=f"Notiz {number}.",
            body_html=f"<p>Notiz {number}.</p>",
            visibility="public",
            created=now,
            modified=now,
        )
        for number in range(request.param)
    )
    TaggedAnnotation.objects.bulk_create(
        TaggedAnnotation(content_object=note, tag=tag) for note in notes for tag in tags
    )
    assert Annotation.objects.count() == request.param
    return request.param


@pytest.fixture
def ann(client, people):
    client.force_login(people["ann"])
    return client


def create(client, **changes):
    response = post(client, new_note(**changes))
    assert response.status_code == 201, response.content
    return response.json()


def patch(client, note, data):
    return client.patch(
        f"/api/annotations/{note['id']}/", json.dumps(data), content_type="application/json"
    )


@pytest.mark.parametrize("tags", [[], ["These"], ["These", "bild", "ARCHIV"]])
def test_create_costs_the_same_whatever_the_database_holds(
    ann, existing, tags, django_assert_num_queries
):
    with django_assert_num_queries(CREATE + (TAGS if tags else 0)):
        data = create(ann, tags=tags)
    assert data["tags"] == sorted(tags)  # the existing tags, spelled as this note spells them
    assert Tag.objects.count() == 3


def test_new_tags_cost_the_same_for_one_and_for_three(ann, existing, django_assert_num_queries):
    with django_assert_num_queries(CREATE + TAGS + NEW_TAGS):
        create(ann, tags=["neu"])
    with django_assert_num_queries(CREATE + TAGS + NEW_TAGS):
        data = create(ann, tags=["Eins", "zwei", "These"])
    assert data["tags"] == ["Eins", "These", "zwei"]
    assert Tag.objects.filter(name__in=["neu", "Eins", "zwei"]).count() == 3


def test_an_idempotency_key_costs_two(ann, existing, django_assert_num_queries):
    with django_assert_num_queries(CREATE + TAGS + IDEMPOTENCY_KEY):
        post(ann, new_note(tags=["Bild"]), HTTP_IDEMPOTENCY_KEY="k")


def test_reply(ann, existing, django_assert_num_queries):
    """The annotation answered (and its prefetched tags) instead of the paragraph; its thread's
    paragraph, for the audiences' versions."""
    note = create(ann)
    with django_assert_num_queries(CREATE + 2):
        response = post(ann, {"reply_to": note["id"], "body": "Antwort."})
    assert response.status_code == 201
    assert response.json()["reply_to"] == note["id"]


def test_edit(ann, existing, django_assert_num_queries):
    """Read for the request (2) and again, locked, with its tags (2); the transaction (2); the
    revision, the update, the stamp and the paragraph's version; the search entry read and
    written, and its text; the audience before and the audiences' versions."""
    note = create(ann, tags=["These", "Bild"])
    edit = 2 + 2 + 2 + 2 + 4 + 2 + SEARCH_TEXT + AUDIENCE_BEFORE + AUDIENCES
    with django_assert_num_queries(edit):
        response = patch(ann, note, {"body": "Neu."})
    assert response.json()["body"] == "Neu."
    with django_assert_num_queries(edit + 1 + 2):  # tags: look up, unlink, link
        response = patch(ann, note, {"tags": ["Bild", "Archiv"]})
    assert response.json()["tags"] == ["Archiv", "Bild"]


def test_delete(ann, existing, django_assert_num_queries):
    note = create(ann, tags=["These"])
    # request, read, transaction, update, stamp and version, the search entry (and its FTS row)
    with django_assert_num_queries(2 + 2 + 2 + 3 + SEARCH_TEXT + AUDIENCE_BEFORE + AUDIENCES):
        response = ann.delete(f"/api/annotations/{note['id']}/")
    assert response.status_code == 204
