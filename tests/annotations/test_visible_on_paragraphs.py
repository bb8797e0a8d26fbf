"""`annotations_visible_to(user, paragraphs=…)` finds a paragraph's notes from the paragraph (the
reading page's threads, the API's paragraph list and the live channel use it): it must give the
same rows, with the same placeholders, as the unlimited query filtered to those paragraphs, for
every reader, in every state a note can be in (`worlds.make_world`)."""

import pytest
from django.db.models import Q

from annotations.selectors import annotation_list, annotations_visible_to, paragraph_states
from tests.annotations.worlds import make_world


def _rows(queryset):
    return sorted(queryset.values_list("pk", "hidden_from_viewer", "has_live_replies"))


@pytest.mark.parametrize("seed", range(6))
def test_limited_to_paragraphs_is_the_same_as_filtered(edition, seed):
    readers, paragraphs = make_world(edition, seed)
    compared = 0
    for reader in readers:
        for chosen in ([paragraphs[0]], paragraphs[1:], paragraphs):
            pks = [p.pk for p in chosen]
            on = Q(paragraph_id__in=pks) | Q(root__paragraph_id__in=pks)
            expected = _rows(annotations_visible_to(reader).filter(on))
            assert _rows(annotations_visible_to(reader, paragraphs=pks)) == expected
            compared += len(expected)
    assert compared > 100  # the worlds show each reader something


@pytest.mark.parametrize("seed", range(3))
def test_the_api_list_of_a_paragraph_is_unchanged(edition, seed):
    readers, paragraphs = make_world(edition, seed)
    for reader in readers:
        for paragraph in paragraphs:
            listed = annotation_list(reader, edition=edition, paragraph_id=paragraph.public_id)
            everything = annotations_visible_to(reader).filter(
                Q(paragraph=paragraph) | Q(root__paragraph=paragraph)
            )
            assert _rows(listed) == _rows(everything)


def test_live_states_count_every_thread_the_reader_sees(edition):
    readers, paragraphs = make_world(edition, 99)
    for reader in readers:
        states = paragraph_states(reader, edition, [p.pk for p in paragraphs])
        for paragraph in paragraphs:
            threads = (
                annotations_visible_to(reader)
                .filter(paragraph=paragraph, root__isnull=True)
                .count()
            )
            assert states.get(paragraph.pk, (0, ""))[0] == threads
