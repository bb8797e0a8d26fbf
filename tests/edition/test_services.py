"""The importer: idempotent, keeps IDs and history, never deletes, all or nothing."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from edition.models import Edition, Emendation, Paragraph, ParagraphRevision, Turn
from edition.source import EditionSourceError
from tests.factories import import_document

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Every row the importer writes, with primary keys and timestamps."""
    return {
        model.__name__: sorted(tuple(row.values()) for row in model.objects.values())
        for model in (Edition, Turn, Paragraph, ParagraphRevision, Emendation)
    }


def test_first_import_creates_the_edition(document):
    report = import_document(document)
    edition = Edition.objects.get(slug="test-interview")
    assert report.created == {
        "creators": 2,
        "edition": 1,
        "emendations": 2,
        "matter": 2,
        "paragraphs": 4,
        "speakers": 2,
        "turns": 3,
    }
    assert [p.public_id for p in edition.paragraphs.all()] == ["p1", "p2", "p3", "p4"]
    p3 = edition.paragraphs.get(public_id="p3")
    assert p3.turn.position == 2 and p3.speaker.key == "gast" and p3.position == 3
    assert edition.emendations.get(locus="biography").matter.key == "biography"


def test_second_import_changes_nothing(document):
    import_document(document)
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        report = import_document(document, now=timezone.now() + timedelta(days=1))
    assert not report.changed
    assert report.summary() == "test-interview: unchanged"
    assert snapshot() == before
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []


def test_corrected_text_keeps_id_and_records_history(document):
    first = timezone.now() - timedelta(days=10)
    import_document(document, now=first)
    p2 = Paragraph.objects.get(public_id="p2")
    old_text, pk = p2.text, p2.pk
    document["turns"][1]["paragraphs"][0]["text"] = "Ein Archiv ist ein Ort der Bildproduktion."
    later = timezone.now()
    report = import_document(document, now=later)
    assert report.revised == ["p2"]
    p2.refresh_from_db()
    assert (p2.pk, p2.public_id, p2.text) == (
        pk,
        "p2",
        "Ein Archiv ist ein Ort der Bildproduktion.",
    )
    assert p2.published_at == first and p2.modified_at == later
    revision = p2.revisions.get()
    assert (revision.text, revision.valid_from, revision.superseded_at) == (old_text, first, later)


def test_inserted_paragraph_keeps_the_ids_of_the_others(document):
    import_document(document)
    ids_before = dict(Paragraph.objects.values_list("public_id", "pk"))
    document["turns"][1]["paragraphs"].insert(1, {"id": "p5", "text": "Ein neuer Absatz."})
    import_document(document)
    order = list(Paragraph.objects.order_by("position").values_list("public_id", flat=True))
    assert order == ["p1", "p2", "p5", "p3", "p4"]
    for public_id, pk in ids_before.items():
        assert Paragraph.objects.get(public_id=public_id).pk == pk


def test_withdrawn_paragraph_is_kept_and_still_resolves(document):
    import_document(document)
    del document["turns"][1]["paragraphs"][1]
    document["withdrawn"] = ["p3"]
    report = import_document(document)
    assert report.withdrawn == ["p3"]
    p3 = Paragraph.objects.get(public_id="p3")
    assert p3.is_withdrawn and p3.withdrawn_at is not None
    assert list(Paragraph.objects.published().values_list("public_id", flat=True)) == [
        "p1",
        "p2",
        "p4",
    ]


def test_published_paragraph_missing_from_source_stops_the_import(document):
    import_document(document)
    before = snapshot()
    del document["turns"][1]["paragraphs"][1]
    with pytest.raises(EditionSourceError, match="published paragraph p3 is missing"):
        import_document(document)
    assert snapshot() == before


def test_withdrawn_id_cannot_be_reused_for_new_text(document):
    import_document(document)
    del document["turns"][1]["paragraphs"][1]
    document["withdrawn"] = ["p3"]
    import_document(document)
    before = snapshot()
    document["withdrawn"] = []
    document["turns"][1]["paragraphs"].append({"id": "p3", "text": "Ganz anderer Text."})
    with pytest.raises(EditionSourceError, match="p3 was withdrawn on .*never reused"):
        import_document(document)
    assert snapshot() == before


def test_failure_after_writes_leaves_database_as_it_was(document, monkeypatch):
    import_document(document)
    before = snapshot()
    document["turns"][0]["paragraphs"][0]["text"] = "Geänderter Text."
    document["edition"]["title"] = "Neuer Titel"

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("edition.services._sync_emendations", explode)
    with pytest.raises(RuntimeError):
        import_document(document)
    assert snapshot() == before
    assert Edition.objects.get().title == "Ein Testgespräch"


def test_removed_emendation_is_deleted_and_changed_one_updated(document):
    import_document(document)
    document["emendations"] = [
        {
            "locus": "p2",
            "kind": "dehyphenation",
            "source": "Bildpro-⏎duktion",
            "edition": "Bildproduktion",
            "reason": "Word broken at the line end.",
        }
    ]
    report = import_document(document)
    assert report.updated == {"emendations": 1} and report.deleted == {"emendations": 1}
    assert Emendation.objects.get().reason == "Word broken at the line end."
