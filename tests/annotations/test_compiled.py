"""The live channel's query compiled once per shape (`annotations.compiled`) answers exactly what
the ORM's query built for the reader answers: for every reader of random worlds, for one, a few
and all paragraphs, and after the world changes (the SQL kept, the answers fresh)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annotations.models import Annotation
from annotations.selectors import _states_query, annotations_visible_to, paragraph_states
from tests.annotations.worlds import make_world


def _orm_states(user, edition, paragraph_ids):
    states = {}
    for row in _states_query(user, edition, paragraph_ids):
        paragraph_id = row.pop("on_paragraph")
        states[paragraph_id] = row["threads"]
    return states


@pytest.mark.parametrize("seed", range(4))
def test_compiled_states_match_the_orm(edition, seed):
    readers, paragraphs = make_world(edition, seed)
    pks = [p.pk for p in paragraphs]
    compared = 0
    for reader in readers:
        for chosen in (pks[:1], pks[1:], pks):
            compiled_states = paragraph_states(reader, edition, chosen)
            assert {pk: threads for pk, (threads, _d) in compiled_states.items()} == (
                _orm_states(reader, edition, chosen)
            )
            compared += len(compiled_states)
    assert compared > 20


def test_the_digest_follows_what_the_reader_sees(edition):
    readers, paragraphs = make_world(edition, 7)
    reader = readers[-1]
    pks = [p.pk for p in paragraphs]
    before = paragraph_states(reader, edition, pks)
    note = (
        annotations_visible_to(reader, paragraphs=pks)
        .filter(root__isnull=True, deleted_at__isnull=True)
        .first()
    )
    Annotation.objects.filter(pk=note.pk).update(modified=timezone.now() + timedelta(seconds=5))
    after = paragraph_states(reader, edition, pks)
    assert after[note.paragraph_id][1] != before[note.paragraph_id][1]
    assert {pk: s for pk, s in after.items() if pk != note.paragraph_id} == {
        pk: s for pk, s in before.items() if pk != note.paragraph_id
    }


def test_the_compiled_audience_is_the_orms(edition):
    from annotations.reader_cache import audience, audience_query

    readers, _paragraphs = make_world(edition, 3)
    for reader in readers:
        reader.__dict__.pop("_reading_audience", None)
        if not reader.is_authenticated:
            assert audience(reader) == ()
            continue
        expected = tuple(sorted(audience_query(reader), key=repr))
        assert audience(reader) == (reader.pk, reader.is_staff, expected)
    assert any(rows for _pk, _staff, rows in (audience(r) for r in readers[1:]))
