"""import_edition and export_edition as a user runs them."""

import pytest
from django.core.management import CommandError, call_command

from edition.models import Edition, Paragraph
from tests.factories import dump, make_document

pytestmark = pytest.mark.django_db


def write(tmp_path, document, name="edition.yaml"):
    path = tmp_path / name
    path.write_text(dump(document), encoding="utf-8")
    return path


def test_import_twice_reports_unchanged(tmp_path, document, capsys):
    path = write(tmp_path, document)
    call_command("import_edition", str(path))
    assert "created" in capsys.readouterr().out
    call_command("import_edition", str(path))
    assert capsys.readouterr().out.strip() == "test-interview: unchanged"


def test_import_with_no_path_reads_the_configured_directory(tmp_path, document, settings, capsys):
    write(tmp_path, document)
    settings.EDITION_SOURCE_DIR = tmp_path
    call_command("import_edition")
    assert Edition.objects.filter(slug="test-interview").exists()


def test_dry_run_saves_nothing(tmp_path, document, capsys):
    call_command("import_edition", str(write(tmp_path, document)), "--dry-run")
    assert "Dry run: nothing saved." in capsys.readouterr().out
    assert not Edition.objects.exists()


def test_bad_file_stops_with_place_and_saves_nothing(tmp_path, document):
    good = write(tmp_path, make_document(), "a.yaml")
    document["edition"]["slug"] = "second"
    document["turns"][1]["speaker"] = "ghost"
    bad = write(tmp_path, document, "b.yaml")
    with pytest.raises(CommandError) as info:
        call_command("import_edition", str(good), str(bad))
    assert str(info.value) == (
        f"Import failed, nothing saved. {bad}: turns[1].speaker: unknown speaker 'ghost' "
        "(known: gast, mag)"
    )
    assert not Edition.objects.exists() and not Paragraph.objects.exists()


def test_export_unknown_slug_is_an_error():
    with pytest.raises(CommandError, match="No edition with slug 'nope'"):
        call_command("export_edition", "nope")
