"""The index follows every write: annotations created, edited and deleted through their
services, paragraph texts corrected by a new import, and a full rebuild."""

from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import profile_update
from annotations.models import Annotation
from annotations.services import annotation_delete, annotation_update
from search.models import SearchEntry
from search.query import parse_query
from search.selectors import paragraphs_matching, search_entries, search_results
from search.services import search_index_author, search_index_edition, search_index_rebuild
from tests import factories
from tests.search.conftest import SEARCH_TURNS, note, search_document

pytestmark = pytest.mark.django_db


def bodies(user, text) -> list[str]:
    query = parse_query(text)
    entries = search_results(search_entries(user, query), query)
    return [entry.body for entry in entries if entry.annotation_id]


def test_a_new_annotation_is_found_at_once(paragraphs, people):
    note(people["ann"], paragraphs["p2"], "Eine Montage aus Fotografien", tags=["Collage"])
    assert bodies(AnonymousUser(), "Fotografie") == ["Eine Montage aus Fotografien"]
    assert bodies(AnonymousUser(), "Collage") == ["Eine Montage aus Fotografien"]


def test_an_edit_replaces_the_old_words_and_tags(paragraphs, people):
    ann = people["ann"]
    annotation = note(ann, paragraphs["p2"], "Erst über Fotografie", tags=["alt"])
    annotation_update(user=ann, annotation=annotation, body="Dann über Malerei", tags=["neu"])
    anyone = AnonymousUser()
    assert bodies(anyone, "Fotografie") == []
    assert bodies(anyone, "alt") == []
    assert bodies(anyone, "Malerei") == ["Dann über Malerei"]
    assert bodies(anyone, "neu") == ["Dann über Malerei"]


def test_an_edit_of_the_audience_changes_who_finds_it_without_reindexing(paragraphs, people):
    ann = people["ann"]
    annotation = note(ann, paragraphs["p2"], "Zuerst öffentlich")
    assert bodies(people["cy"], "öffentlich") == ["Zuerst öffentlich"]
    annotation_update(user=ann, annotation=annotation, visibility="private")
    assert bodies(people["cy"], "öffentlich") == []
    assert bodies(ann, "öffentlich") == ["Zuerst öffentlich"]


def test_a_deleted_annotation_leaves_the_index(paragraphs, people):
    annotation = note(people["ann"], paragraphs["p2"], "Bald gelöscht")
    annotation_delete(user=people["ann"], annotation=annotation)
    assert bodies(people["ann"], "gelöscht") == []
    assert not SearchEntry.objects.filter(annotation=annotation).exists()


def test_a_corrected_paragraph_text_is_searched_after_the_import(edition):
    turns = [dict(turn) for turn in SEARCH_TURNS]
    turns[1] = {
        **turns[1],
        "paragraphs": [
            {**paragraph, "text": "In der Straße hängt ein Transparent."}
            if paragraph["id"] == "p5"
            else paragraph
            for paragraph in turns[1]["paragraphs"]
        ],
    }
    factories.import_document(search_document(turns=turns))
    assert paragraphs_matching(edition, parse_query("Transparent")) == ["p5"]
    assert paragraphs_matching(edition, parse_query("Plakat")) == []


def test_indexing_an_unchanged_edition_writes_nothing(edition):
    with CaptureQueriesContext(connection) as queries:
        assert search_index_edition(edition) == 0
    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    assert statements.count("SELECT") == 2  # the entries and the paragraphs, once each
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements)


def test_a_new_display_name_is_found_once_the_author_is_reindexed(paragraphs, people):
    note(people["ann"], paragraphs["p2"], "Ein Kommentar")
    note(people["ben"], paragraphs["p2"], "Noch ein Kommentar")
    profile_update(user=people["ann"], display_name="Anna Quellenfreund")
    assert search_index_author(people["ann"]) == 1
    assert bodies(AnonymousUser(), "Quellenfreund") == ["Ein Kommentar"]
    assert bodies(AnonymousUser(), "Archivarin") == []
    assert bodies(AnonymousUser(), "Bildner") == ["Noch ein Kommentar"]


def test_rebuild_indexes_everything_again(paragraphs, people):
    note(people["ann"], paragraphs["p2"], "Erste Notiz")
    gone = note(people["ann"], paragraphs["p2"], "Zweite Notiz")
    annotation_delete(user=people["ann"], annotation=gone)
    Annotation.objects.filter(pk=gone.pk).update(deleted_at=None)  # a repair in the shell
    SearchEntry.objects.all().delete()
    assert search_index_rebuild() == {"paragraphs": 6, "annotations": 2}
    assert sorted(bodies(AnonymousUser(), "Notiz")) == ["Erste Notiz", "Zweite Notiz"]
    assert paragraphs_matching(paragraphs["p2"].edition, parse_query("Plakat")) == ["p5"]


def test_reindex_command_reports_what_it_indexed(paragraphs, people):
    note(people["ann"], paragraphs["p2"], "Eine Notiz")
    out = StringIO()
    call_command("search_reindex", stdout=out)
    assert "6 paragraphs and 1 annotation" in out.getvalue()
    assert bodies(AnonymousUser(), "Notiz") == ["Eine Notiz"]


def test_an_annotation_removed_outside_the_services_is_not_found(paragraphs, people):
    annotation = note(people["ann"], paragraphs["p2"], "Entfernt im Admin")
    Annotation.objects.filter(pk=annotation.pk).delete()  # the entry goes by cascade
    assert bodies(AnonymousUser(), "Entfernt") == []
    search_index_rebuild()
    assert bodies(AnonymousUser(), "Entfernt") == []
    assert search_entries(AnonymousUser(), parse_query("Archiv")).count() == 2


def test_changed_display_name_is_searchable_at_once(db, edition):
    """The profile service keeps the index in step with the author's name."""
    from accounts.services import profile_update, user_register
    from annotations.services import annotation_create
    from search.models import SearchEntry

    user = user_register(
        username="lea", email="lea@example.org", password="quiet-archive-lantern-42"
    )
    annotation_create(
        user=user,
        paragraph=edition.paragraphs.get(public_id="p2"),
        motivation="commenting",
        body="Notiz",
        visibility="public",
    )
    profile_update(user=user, display_name="Lea Quintessenz")
    entry = SearchEntry.objects.get(annotation__author=user)
    assert "Lea Quintessenz" in entry.author
