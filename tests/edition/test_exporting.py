"""The edition as data: JSON that imports again to the same edition, and the reading text."""

import json

import pytest
from django.core.management import call_command

from edition.exporting import edition_as_json, edition_as_text
from edition.models import Edition
from edition.selectors import edition_for_export
from edition.services import edition_import
from edition.source import parse_source
from tests.factories import import_document

pytestmark = pytest.mark.django_db

TIMESTAMPS = {"published", "modified", "withdrawn", "history"}


def without_timestamps(data):
    if isinstance(data, dict):
        return {k: without_timestamps(v) for k, v in data.items() if k not in TIMESTAMPS}
    if isinstance(data, list):
        return [without_timestamps(v) for v in data]
    return data


def test_json_export_round_trips_through_the_importer(edition):
    exported = edition_as_json(edition_for_export("test-interview"))
    Edition.objects.all().delete()
    edition_import(source=parse_source(exported, place="export.json"))
    again = edition_as_json(edition_for_export("test-interview"))
    assert without_timestamps(json.loads(again)) == without_timestamps(json.loads(exported))


def test_json_export_has_everything(edition):
    data = json.loads(edition_as_json(edition_for_export("test-interview")))
    assert data["edition"]["creators"][1] == {
        "family": "Gast",
        "given": "Gerd",
        "role": "interviewee",
    }
    assert [s["key"] for s in data["speakers"]] == ["gast", "mag"]
    assert [p["id"] for t in data["turns"] for p in t["paragraphs"]] == ["p1", "p2", "p3", "p4"]
    assert data["matter"][0]["key"] == "biography"
    assert data["emendations"][0] == {
        "locus": "p2",
        "kind": "dehyphenation",
        "source": "Bildpro-⏎duktion",
        "edition": "Bildproduktion",
        "reason": "Line-end hyphen.",
    }


def test_json_export_keeps_history_and_withdrawn(document):
    import_document(document)
    document["turns"][1]["paragraphs"][0]["text"] = "Ein Archiv ist ein Ort der Bildproduktion."
    del document["turns"][1]["paragraphs"][1]
    document["withdrawn"] = ["p3"]
    import_document(document)
    data = json.loads(edition_as_json(edition_for_export("test-interview")))
    p2 = data["turns"][1]["paragraphs"][0]
    assert p2["history"][0]["text"] == "Ein Archiv ist ein Ort der Bildproduktion, sagt man."
    assert data["withdrawn"] == ["p3"]
    assert data["withdrawn_paragraphs"][0]["text"].startswith("Bilder über Bildern")


def test_text_export_is_one_line_per_paragraph(edition):
    text = edition_as_text(edition_for_export("test-interview"))
    assert text == (
        "p1\tMag: Was ist ein Archiv?\n"
        "p2\tGG: Ein Archiv ist ein Ort der Bildproduktion, sagt man.\n"
        "p3\tGG: Bilder über Bildern, Größe und Maß: „operative Bilder“.\n"
        "p4\tMag: Vielen Dank.\n"
    )


def test_export_command_writes_json_and_text(edition, capsys):
    call_command("export_edition", "test-interview", "--format", "txt")
    assert capsys.readouterr().out.startswith("p1\tMag: Was ist ein Archiv?\n")
    call_command("export_edition", "test-interview", "--format", "json")
    assert json.loads(capsys.readouterr().out)["edition"]["slug"] == "test-interview"
