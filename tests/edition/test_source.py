"""Validation of edition source files: bad input names the place and what is wrong."""

import pytest

from edition.source import EditionSourceError, load_source_file, parse_source
from tests.factories import dump


def error_for(document) -> EditionSourceError:
    with pytest.raises(EditionSourceError) as info:
        parse_source(dump(document) if isinstance(document, dict) else document, place="src.yaml")
    return info.value


def test_valid_document_parses_paragraphs_in_reading_order(document):
    source = parse_source(dump(document))
    assert [p.public_id for p in source.paragraphs] == ["p1", "p2", "p3", "p4"]
    assert [p.turn_position for p in source.paragraphs] == [1, 2, 2, 3]
    assert source.paragraphs[1].speaker_key == "gast"


def test_text_whitespace_is_collapsed(document):
    document["turns"][0]["paragraphs"][0]["text"] = "  Was  ist\nein Archiv? "
    assert parse_source(dump(document)).paragraphs[0].text == "Was ist ein Archiv?"


def test_malformed_yaml_names_line_and_column():
    error = error_for("format: 1\nedition: [unclosed\n")
    assert error.place.startswith("src.yaml, line 3")
    assert "malformed YAML" in error.message


def test_wrong_format_version_is_refused(document):
    document["format"] = 2
    assert "unsupported format 2" in str(error_for(document))


def test_missing_metadata_names_the_key(document):
    del document["edition"]["doi"]
    error = error_for(document)
    assert error.place == "src.yaml: edition.doi"
    assert error.message == "missing"


def test_unknown_metadata_key_is_refused(document):
    document["edition"]["colour"] = "red"
    assert "unknown keys: colour" in str(error_for(document))


def test_unknown_speaker_names_the_turn(document):
    document["turns"][2]["speaker"] = "nobody"
    error = error_for(document)
    assert error.place == "src.yaml: turns[2].speaker"
    assert "unknown speaker 'nobody'" in error.message


def test_duplicate_paragraph_id_names_both_places(document):
    document["turns"][1]["paragraphs"][1]["id"] = "p2"
    error = error_for(document)
    assert error.place == "src.yaml: turns[1].paragraphs[1].id"
    assert (
        "duplicate paragraph ID p2 (first used at src.yaml: turns[1].paragraphs[0])"
        in error.message
    )


@pytest.mark.parametrize("bad_id", ["12", "p0", "p01", "P3", "p3a", ""])
def test_malformed_paragraph_id_is_refused(document, bad_id):
    document["turns"][0]["paragraphs"][0]["id"] = bad_id
    error = error_for(document)
    assert error.place.startswith("src.yaml: turns[0].paragraphs[0]")


def test_id_listed_as_withdrawn_cannot_be_used(document):
    document["withdrawn"] = ["p4"]
    error = error_for(document)
    assert "p4 is listed as withdrawn; IDs are never reused" in error.message


def test_emendation_reading_must_occur_in_its_locus(document):
    document["emendations"][0]["edition"] = "Bildgeschichte"
    error = error_for(document)
    assert error.place == "src.yaml: emendations[0].edition"
    assert "does not occur in p2" in error.message


def test_emendation_locus_must_exist(document):
    document["emendations"][0]["locus"] = "p99"
    assert "'p99' is no paragraph ID or matter key" in str(error_for(document))


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("format: 1\ntitle: Größe\n".encode("latin-1"))
    with pytest.raises(EditionSourceError, match="not UTF-8"):
        load_source_file(path)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(EditionSourceError, match="cannot read the file"):
        load_source_file(tmp_path / "nope.yaml")
