"""Searching: German word forms, ranking, filters, and visibility applied in the query. The same
tests run on SQLite (FTS5 with Snowball stems) and on PostgreSQL (tsvector, "german")."""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from annotations.models import Annotation
from annotations.services import annotation_delete
from courses.services import annotation_hide
from search.query import parse_query
from search.selectors import (
    Kind,
    SearchFilters,
    paragraphs_matching,
    search_entries,
    search_results,
)
from tests import factories
from tests.search.conftest import SEARCH_TURNS, note, search_document

pytestmark = pytest.mark.django_db


def found(user, text, **filters) -> list[str]:
    """Results as "p3" for a paragraph's text and the note's body for an annotation."""
    query = parse_query(text)
    entries = search_results(search_entries(user, query, SearchFilters(**filters)), query)
    return [entry.body if entry.annotation_id else entry.paragraph.public_id for entry in entries]


def text_hits(text) -> list[str]:
    return sorted(found(AnonymousUser(), text, kind=Kind.TEXT))


# German word forms


@pytest.mark.parametrize("word", ["Bild", "Bilder", "Bildern", "bilder", "BILDES"])
def test_any_form_of_bild_finds_bild_bilder_and_bildern(edition, word):
    assert text_hits(word) == ["p3", "p4"]


@pytest.mark.parametrize("word", ["Größe", "größe", "Grösse", "Größen"])
def test_umlaut_and_sharp_s_spellings_find_groesse(edition, word):
    assert text_hits(word) == ["p3"]


@pytest.mark.parametrize("word", ["Maß", "Masse"])
def test_mass_with_sharp_s_or_ss(edition, word):
    assert text_hits(word) == ["p3"]


def test_strasse_finds_strasse_written_with_sharp_s(edition):
    assert text_hits("Strasse") == ["p5"]


@pytest.mark.parametrize("query", ["Gesicht*", "gesicht*", "Gesichts*", "Gesichtserkennung"])
def test_a_compound_is_found_by_its_beginning(edition, query):
    assert text_hits(query) == ["p4"]


def test_a_beginning_without_star_is_not_a_prefix(edition):
    assert text_hits("Gesichtser") == []


def test_bildproduktion_is_a_word_of_its_own(edition):
    assert text_hits("Bildproduktion") == ["p2"]
    assert text_hits("Bild*") == ["p2", "p3", "p4"]


def test_the_real_edition_finds_word_forms_and_compounds(real_edition):
    texts = dict(real_edition.paragraphs.values_list("public_id", "text"))

    def containing(pattern: str) -> set[str]:
        return {pid for pid, text in texts.items() if re.search(pattern, text)}

    bilder = set(paragraphs_matching(real_edition, parse_query("Bilder")))
    assert containing(r"\bBild\b") | containing(r"\bBildern\b") <= bilder
    assert containing(r"\bBildern\b")
    compounds = set(paragraphs_matching(real_edition, parse_query("Gesicht*")))
    assert containing("Gesichtserkennung") <= compounds
    assert containing("Gesichtserkennung")


# Query syntax


def test_all_words_must_occur(edition):
    assert text_hits("Bild Gesichtern") == ["p4"]


def test_or_between_alternatives(edition):
    assert text_hits("Plakat OR Dank") == ["p5", "p6"]


def test_minus_excludes(edition):
    assert text_hits("Bild -Gesicht") == ["p3"]


def test_quoted_phrase_keeps_word_order(edition):
    assert text_hits('"Ort der Bildproduktion"') == ["p2"]
    assert text_hits('"Bildproduktion Ort"') == []


def test_hyphenated_word_is_a_phrase(edition, paragraphs, people):
    note(people["ann"], paragraphs["p2"], "Die KI-Künstler und ihre Bilder.")
    assert found(AnonymousUser(), "KI-Künstler") == ["Die KI-Künstler und ihre Bilder."]
    assert found(AnonymousUser(), "Künstler-KI") == []


def test_query_syntax_characters_are_only_words(edition):
    for text in ["Bild:*", "Bild & !Archiv", "Bild | (Archiv", 'NEAR(Bild "', "'Bild'", "Bild)"]:
        assert isinstance(found(AnonymousUser(), text), list)


# Ranking


def test_more_occurrences_rank_first(edition, paragraphs, people):
    ann = people["ann"]
    note(ann, paragraphs["p1"], "Ein Archiv, kurz erwähnt, neben vielen anderen Wörtern hier.")
    note(ann, paragraphs["p1"], "Archiv, Archiv und nochmals Archiv.")
    assert found(ann, "Archiv", kind=Kind.ANNOTATIONS) == [
        "Archiv, Archiv und nochmals Archiv.",
        "Ein Archiv, kurz erwähnt, neben vielen anderen Wörtern hier.",
    ]


def test_the_annotated_passage_weighs_more_than_the_note_and_tags_less(edition, paragraphs, people):
    ann = people["ann"]
    note(ann, paragraphs["p5"], "Ein Tag reicht.", tags=["Plakat"])
    note(ann, paragraphs["p5"], "Ein Plakat hier.")
    note(ann, paragraphs["p5"], "Eine Notiz dazu.", quote="Plakat")
    assert found(ann, "Plakat", kind=Kind.ANNOTATIONS) == [
        "Eine Notiz dazu.",
        "Ein Plakat hier.",
        "Ein Tag reicht.",
    ]


def test_results_mix_text_and_annotations(edition, paragraphs, people):
    note(people["ann"], paragraphs["p1"], "Plakate überall.")
    assert sorted(found(AnonymousUser(), "Plakat")) == ["Plakate überall.", "p5"]


# Visibility, applied inside the query


@pytest.fixture
def notes(edition, paragraphs, people):
    p2 = paragraphs["p2"]
    return {
        "private": note(people["ann"], p2, "Privates Fundstück", visibility="private"),
        "group": note(
            people["ann"], p2, "Gruppen Fundstück", visibility="group", group=people["group"]
        ),
        "public": note(people["ann"], p2, "Öffentliches Fundstück"),
    }


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        ("ann", ["Gruppen Fundstück", "Privates Fundstück", "Öffentliches Fundstück"]),
        ("ben", ["Gruppen Fundstück", "Öffentliches Fundstück"]),
        ("cy", ["Öffentliches Fundstück"]),
        (None, ["Öffentliches Fundstück"]),
    ],
)
def test_visibility_matrix(notes, people, reader, expected):
    user = people[reader] if reader else AnonymousUser()
    assert sorted(found(user, "Fundstück")) == expected


def test_private_note_is_not_found_by_its_words_tags_or_author(edition, paragraphs, people):
    note(
        people["ann"],
        paragraphs["p2"],
        "Geheimnis",
        tags=["Verborgen"],
        visibility="private",
    )
    for user in (people["ben"], AnonymousUser()):
        assert found(user, "Geheimnis") == []
        assert found(user, "Verborgen") == []
        assert found(user, "Archivarin") == []
    assert found(people["ann"], "Archivarin") == ["Geheimnis"]


def test_deleted_note_is_not_found_even_by_its_author(notes, people, paragraphs):
    reply = note(people["ben"], None, "Eine Antwort", motivation="replying", parent=notes["public"])
    assert reply.pk
    annotation_delete(user=people["ann"], annotation=notes["public"])
    assert found(people["ann"], "Öffentliches") == []
    assert found(AnonymousUser(), "Antwort") == ["Eine Antwort"]


def test_a_note_hidden_by_the_instructor_is_found_only_by_its_author_and_instructors(notes, people):
    annotation_hide(user=people["tina"], annotation=notes["group"], reason="Off topic")
    assert found(people["ben"], "Gruppen") == []
    assert found(people["ann"], "Gruppen") == ["Gruppen Fundstück"]
    assert found(people["tina"], "Gruppen") == ["Gruppen Fundstück"]


def test_a_reply_is_found_with_the_audience_of_its_thread(notes, people):
    note(people["ben"], None, "Antwort im Kurs", motivation="replying", parent=notes["group"])
    assert found(people["ann"], "Antwort") == ["Antwort im Kurs"]
    assert found(people["cy"], "Antwort") == []
    assert found(AnonymousUser(), "Antwort") == []


def test_a_withdrawn_paragraph_leaves_the_index_and_its_notes_stay(edition, paragraphs, people):
    note(people["ann"], paragraphs["p5"], "Ein Plakat, notiert.")
    turns = [
        {**turn, "paragraphs": [p for p in turn["paragraphs"] if p["id"] != "p5"]}
        for turn in SEARCH_TURNS
    ]
    factories.import_document(search_document(turns=turns, withdrawn=["p5"]))
    assert text_hits("Plakat") == []
    assert paragraphs_matching(edition, parse_query("Plakat")) == []
    assert found(AnonymousUser(), "Plakat") == ["Ein Plakat, notiert."]


def test_visibility_is_part_of_the_sql(notes, people):
    sql = str(search_entries(people["ben"], parse_query("Fundstück")).query)
    assert "visibility" in sql


# Filters


def test_filter_by_paragraph_range(edition, paragraphs):
    p3, p4 = paragraphs["p3"], paragraphs["p4"]
    hits = found(AnonymousUser(), "Bild*", first_position=p3.position, last_position=p4.position)
    assert sorted(hits) == ["p3", "p4"]
    assert found(AnonymousUser(), "Bild*", last_position=paragraphs["p2"].position) == ["p2"]


def test_filter_by_tag_author_course_and_motivation(edition, paragraphs, people):
    ann, ben = people["ann"], people["ben"]
    note(ann, paragraphs["p2"], "Notiz eins", tags=["Archiv", "Operative Bilder"])
    note(ben, paragraphs["p2"], "Notiz zwei", visibility="group", group=people["group"])
    note(ann, paragraphs["p2"], "Notiz drei?", motivation="questioning")
    assert found(ann, "Notiz", tag="archiv") == ["Notiz eins"]
    assert found(ann, "Notiz", tag="operative-bilder") == ["Notiz eins"]
    assert found(ann, "Notiz", tag="Operative Bilder") == ["Notiz eins"]
    assert found(ann, "Notiz", author="ben") == ["Notiz zwei"]
    assert found(ann, "Notiz", group_id=people["group"].pk) == ["Notiz zwei"]
    assert found(ann, "Notiz", motivation="questioning") == ["Notiz drei?"]


def test_annotation_filters_leave_the_text_out(edition, paragraphs, people):
    note(people["ann"], paragraphs["p5"], "Ein Plakat.", tags=["x1"])
    assert found(AnonymousUser(), "Plakat", tag="x1") == ["Ein Plakat."]


def test_filter_by_date(edition, paragraphs, people):
    old = note(people["ann"], paragraphs["p2"], "Alte Notiz")
    Annotation.objects.filter(pk=old.pk).update(
        created=timezone.now() - datetime.timedelta(days=30)
    )
    note(people["ann"], paragraphs["p2"], "Neue Notiz")
    week_ago = timezone.now() - datetime.timedelta(days=7)
    assert found(AnonymousUser(), "Notiz", since=week_ago) == ["Neue Notiz"]
    assert found(AnonymousUser(), "Notiz", until=week_ago) == ["Alte Notiz"]


def test_paragraphs_matching_are_in_reading_order(edition):
    assert paragraphs_matching(edition, parse_query("Bild*")) == ["p2", "p3", "p4"]
