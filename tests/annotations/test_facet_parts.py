"""The filters counted in shared parts (`annotations.facet_parts`) are what the one query over
the reader's visible notes counts (`selectors.annotation_facets`), for every reader of random
worlds with tags, hidden, deleted and private notes, and a classmate's first view shares the
public's and the course's parts."""

import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.facet_parts import facets_from_parts
from annotations.models import Annotation
from annotations.reader_cache import audience_versions_on_edition, member_groups
from annotations.selectors import annotation_facets
from annotations.tagging import annotation_tags_set, tags_get_or_create
from tests.annotations.worlds import make_world

SPELLINGS = (["Archiv"], ["archiv", "Bild"], ["KI"], ["Bild", "KI", "Archiv"], [])


def tag_world(edition, seed: int) -> None:
    rng = random.Random(seed)
    for note in Annotation.objects.filter(edition=edition, root__isnull=True):
        annotation_tags_set(note, tags_get_or_create(rng.choice(SPELLINGS)), current=[])


def shown(facets: dict) -> dict:
    """What a reader is offered. Of a tag's spellings the parts show the least in Python's order
    and the one query the least in the database's collation: the same letters, maybe not the
    same case."""
    return {
        "tags": [(t.slug, t.uses, t.spelling.casefold()) for t in facets["tags"]],
        "authors": [(u.username, u.notes) for u in facets["authors"]],
    }


def from_parts(reader, edition, **chosen) -> dict:
    reader.__dict__.pop("_reading_audience", None)  # asked afresh: the world may have changed
    return facets_from_parts(
        reader,
        edition,
        member_groups=member_groups(reader),
        versions=audience_versions_on_edition(reader, edition.pk),
        **chosen,
    )


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_parts_count_what_the_reader_sees(edition, seed):
    readers, _paragraphs = make_world(edition, seed)
    tag_world(edition, seed)
    for reader in readers:
        expected = shown(annotation_facets(reader, edition))
        assert shown(from_parts(reader, edition)) == expected, reader
        chosen = {"tag": "bild", "author": readers[-1].username}
        assert shown(from_parts(reader, edition, **chosen)) == shown(
            annotation_facets(reader, edition, **chosen)
        )


def test_a_change_is_counted_at_once(edition):
    readers, _paragraphs = make_world(edition, 9)
    tag_world(edition, 9)
    for reader in readers:
        from_parts(reader, edition)  # every part kept
    note = Annotation.objects.filter(edition=edition, root__isnull=True, visibility="public")
    changed = note.filter(hidden_at__isnull=True, deleted_at__isnull=True).first()
    annotation_tags_set(changed, tags_get_or_create(["Neu"]), current=list(changed.tags.all()))
    changed.save()  # what the services do with a changed note
    for reader in readers:
        assert shown(from_parts(reader, edition)) == shown(annotation_facets(reader, edition))
        assert "neu" in [t.slug for t in from_parts(reader, edition)["tags"]]


def test_a_classmate_shares_the_public_and_course_parts(edition):
    readers, _paragraphs = make_world(edition, 5)
    tag_world(edition, 5)
    first, classmate = readers[3], readers[5]  # the same course (make_world: n % 2)
    assert member_groups(first) == member_groups(classmate) != set()
    cache.clear()
    with CaptureQueriesContext(connection) as alone:
        from_parts(first, edition)
    with CaptureQueriesContext(connection) as shared:
        from_parts(classmate, edition)
    # The public's and the course's tags and authors (two queries each) are kept.
    assert len(shared) == len(alone) - 4


def test_a_spelling_only_hidden_notes_use_is_not_shown(edition):
    """The spelling a classmate sees is one of the notes they see, never the private one's."""
    readers, _paragraphs = make_world(edition, 11)
    shared = Annotation.objects.filter(
        edition=edition, root__isnull=True, visibility="public", hidden_at__isnull=True
    ).exclude(deleted_at__isnull=False)
    secret = Annotation.objects.filter(edition=edition, root__isnull=True, visibility="private")
    annotation_tags_set(shared.first(), tags_get_or_create(["Zeit"]), current=[])
    private = secret.exclude(author=readers[4]).first()
    annotation_tags_set(private, tags_get_or_create(["ZEIT"]), current=[])
    private.save()
    spelled = {t.slug: t.spelling for t in from_parts(readers[4], edition)["tags"]}
    assert spelled["zeit"] == "Zeit"
    own = {t.slug: t.spelling for t in from_parts(private.author, edition)["tags"]}
    assert own["zeit"] == "ZEIT"  # the author sees their own, the least of the two
