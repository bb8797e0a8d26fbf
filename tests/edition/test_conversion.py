"""The converter on the real seed text (fixtures/source/) and its helpers on small strings.

No database: conversion reads and writes files only.
"""

import re
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from edition.conversion import (
    LINE_BREAK,
    PARAGRAPH_BREAK,
    ConversionError,
    Corrections,
    Paragraph,
    SourceLine,
    body_lines,
    continues_paragraph,
    convert,
    join_seam,
    render_yaml,
    split_blocks,
)

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "fixtures" / "source" / "erz-2023-interview-meyer.ssoar.txt"
CORRECTIONS = ROOT / "fixtures" / "source" / "erz-2023.corrections.yaml"
EDITION = ROOT / "fixtures" / "editions" / "erz-2023.yaml"


@pytest.fixture(scope="module")
def raw_text() -> str:
    return RAW.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def corrections() -> dict:
    return yaml.safe_load(CORRECTIONS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def document(raw_text, corrections) -> dict:
    return convert(raw_text, corrections)


def paragraphs(document: dict) -> list[dict]:
    return [p for turn in document["turns"] for p in turn["paragraphs"]]


def texts(document: dict) -> dict[str, str]:
    found = {p["id"]: p["text"] for p in paragraphs(document)}
    return found | {m["key"]: m["text"] for m in document["matter"]}


def matter(document: dict, key: str) -> dict:
    return next(m for m in document["matter"] if m["key"] == key)


def line_end_hyphen_breaks(raw_text: str) -> list[tuple[str, str]]:
    """(left, right) of every word the source breaks with a hyphen before a lowercase line."""

    lines = [line.strip() for line in raw_text.splitlines()]
    breaks = []
    for index, line in enumerate(lines):
        following = next((nxt for nxt in lines[index + 1 :] if nxt), "")
        if line.endswith("-") and following[:1].islower():
            left = line.split()[-1][:-1].lstrip("„“(")
            breaks.append((left, following.split()[0].rstrip("“”,.;:!?)")))
    return breaks


# --- the real seed ---------------------------------------------------------------------------


def test_cover_and_page_furniture_are_in_no_text(document):
    for locus, text in texts(document).items():
        for artefact in ("SOZIOLOGIEMAGAZIN", "I N T E R V I E W", "doi.org", "10.3224"):
            assert artefact not in text, locus
        for cover in ("ssoar", "Nutzungsbedingungen", "Terms of use", "Empfohlene Zitierung"):
            assert cover.lower() not in text.lower(), locus
        assert not re.search(r"\b85\b", text), locus


def test_no_text_keeps_a_line_break_or_its_hyphen(document, raw_text):
    joined = "\n".join(texts(document).values())
    assert "Polizeifotografien" in joined
    assert "Polizeifo-" not in joined
    assert all("\n" not in text for text in texts(document).values())
    breaks = line_end_hyphen_breaks(raw_text)
    assert len(breaks) == 54
    for left, right in breaks:
        assert f"{left}-{right}" not in joined
        assert f"{left}{right}" in joined


def test_hyphen_inside_a_compound_stays_when_the_break_hyphen_goes(document):
    joined = " ".join(texts(document).values())
    for word in (
        "KI-Bildgenerierungstools",
        "Machine-Vision-Algorithmen",
        "KI-Kritiker*innen",
        "Cyberpunk-Science-Fiction-Landschaft",
        "Künstler*innen,",
    ):
        assert word in joined


def test_every_turn_is_found_and_speakers_alternate(document):
    turns = document["turns"]
    assert len(turns) == 17
    assert [t["speaker"] for t in turns] == ["sozmag", "meyer"] * 8 + ["sozmag"]
    assert turns[1]["printed_label"] == "Roland Meyer"
    assert {t["printed_label"] for t in turns[3::2]} == {"RM"}
    assert {t["printed_label"] for t in turns[::2]} == {"SozMag"}


def test_turns_that_follow_without_blank_line_are_split_off(document):
    by_id = texts(document)
    assert by_id["p3"].endswith("die sich dann weiterverarbeiten lassen?")
    assert by_id["p4"].startswith("Die neueste Entwicklung dieser Praktiken")
    assert by_id["p33"].startswith("Das Interessanteste scheint mir derzeit")
    for paragraph in paragraphs(document):
        assert not re.search(r"(SozMag|Roland Meyer|RM):", paragraph["text"])


def test_paragraphs_split_by_a_column_break_are_joined(document):
    for seam in (
        "für das, was da passiert?",
        "postkonzeptuellen Sinn",
        "was für Formen unsichtbar",
        "das einzelne Bild praktisch",
        "verdichten und reproduzieren",
        "Manipulation suchen.",
    ):
        assert sum(seam in p["text"] for p in paragraphs(document)) == 1, seam
    assert len(paragraphs(document)) == 34


def test_biography_is_front_matter_and_the_answer_reads_on(document):
    biography = matter(document, "biography")
    assert biography["placement"] == "front"
    assert biography["text"].startswith("Roland Meyer ist Bild- und Medienwissenschaftler")
    assert "Identifizierbarkeit von Lavater" in biography["text"]
    assert all("Medienwissenschaftler" not in p["text"] for p in paragraphs(document))
    assert any("ein Beispiel für jemanden" in p["text"] for p in paragraphs(document))
    assert {"locus": "biography", "kind": "moved"}.items() <= document["emendations"][0].items()


def test_credits_are_truncated_back_matter_not_the_last_question(document):
    credits = matter(document, "credits")
    assert credits["placement"] == "back"
    assert credits["text"] == "[…] Hendrik Erz online geführt und von Annabell Lamberth lektoriert."
    assert paragraphs(document)[-1]["text"] == "Vielen Dank für das Gespräch."
    kinds = {e["kind"] for e in document["emendations"] if e["locus"] == "credits"}
    assert kinds == {"truncated", "dehyphenation"}


def test_lost_hyphens_are_restored_everywhere(document):
    joined = " ".join(texts(document).values())
    assert joined.count("DALL-E") == 3
    assert "DALLE" not in joined
    for lost, restored in (
        ("DiffusionModell", "Diffusion-Modell"),
        ("KIKünstler", "KI-Künstler"),
        ("KITechnologien", "KI-Technologien"),
        ("StockPhotography", "Stock-Photography"),
    ):
        assert lost not in joined
        assert restored in joined
    assert not re.search(r"\b\w*[a-zäöüß][A-ZÄÖÜ]\w*", joined.replace("TikTok", ""))


def test_words_broken_without_hyphen_are_joined(document):
    joined = " ".join(texts(document).values())
    for word in (
        "künstlerischen",
        "Bildgenerationsmodelle",
        "Interpolation",
        "überhaupt",
        "Konsequenzen",
        "Berufsgruppen",
        "Bildgeneratoren",
        "beispielsweise",
        "Weiterentwicklung",
        "Bildgenerierung wie",
    ):
        assert word in joined
    for fragment in ("künstleri ", "Interpola ", "über haupt", "Kon ", "Wei ", "Bildgene "):
        assert fragment not in joined


def test_the_authors_wording_is_not_corrected(document):
    joined = " ".join(texts(document).values())
    assert "Ich habe ich mir also" in joined
    assert "berechtige Sorge" in joined
    assert "  " not in joined


def test_every_emendation_reading_occurs_in_its_locus(document):
    by_locus = texts(document)
    for emendation in document["emendations"]:
        assert emendation["edition"] in by_locus[emendation["locus"]], emendation
        assert emendation["source"] and emendation["reason"]


def test_emendations_count_one_per_change(document):
    kinds = [e["kind"] for e in document["emendations"]]
    assert kinds.count("dehyphenation") == 54
    assert kinds.count("joined-paragraph") == 7
    assert kinds.count("joined-word") == 10
    assert kinds.count("restored-hyphen") == 9
    assert kinds.count("moved") == kinds.count("truncated") == 1


def test_paragraph_ids_are_contiguous(document):
    assert [p["id"] for p in paragraphs(document)] == [f"p{n}" for n in range(1, 35)]


def test_output_passes_the_importers_validation(document):
    from edition.source import parse_source

    source = parse_source(render_yaml(document))
    assert len(source.paragraphs) == 34


def test_committed_edition_equals_a_fresh_conversion(document):
    assert EDITION.read_text(encoding="utf-8") == render_yaml(document)


def test_convert_source_check_accepts_the_committed_file():
    out = StringIO()
    call_command("convert_source", "--check", stdout=out)
    assert "matches a fresh conversion" in out.getvalue()


def test_convert_source_check_fails_with_a_diff(tmp_path):
    output = tmp_path / "edition.yaml"
    output.write_text(EDITION.read_text(encoding="utf-8").replace("Polizeifotografien", "X"))
    out = StringIO()
    with pytest.raises(CommandError, match="differs"):
        call_command("convert_source", "--check", "--output", str(output), stdout=out)
    assert "+" + " " * 8 + "text: 'Mich interessierte" in out.getvalue()


def test_convert_source_refuses_to_overwrite_without_force(tmp_path):
    output = tmp_path / "edition.yaml"
    output.write_text("hand corrected\n", encoding="utf-8")
    with pytest.raises(CommandError, match="--force"):
        call_command("convert_source", "--output", str(output), stdout=StringIO())
    assert output.read_text(encoding="utf-8") == "hand corrected\n"
    call_command("convert_source", "--output", str(output), "--force", stdout=StringIO())
    assert output.read_text(encoding="utf-8") == EDITION.read_text(encoding="utf-8")


# --- helpers on small strings ----------------------------------------------------------------

SMALL_CORRECTIONS = {
    "edition": {"slug": "small"},
    "speakers": [{"key": "q"}, {"key": "a"}],
    "labels": {"Q": "q", "A": "a"},
}


def small(**extra) -> dict:
    return SMALL_CORRECTIONS | extra


@pytest.mark.parametrize(
    ("last", "first", "joined", "kind"),
    [
        ("Polizeifo-", "tografien", "Polizeifotografien", "dehyphenation"),
        ("KI-Bildgene-", "rierungstools", "KI-Bildgenerierungstools", "dehyphenation"),
        ("Künstler*-", "innen,", "Künstler*innen,", "dehyphenation"),
        ("Bild-", "und", "Bild- und", ""),
        ("Text-to-Image-", "Generatoren", "Text-to-Image-Generatoren", ""),
        ("Gesichtern", "Daten", "Gesichtern Daten", ""),
        ("Kunst", "–", "Kunst –", ""),
    ],
)
def test_join_seam(last, first, joined, kind):
    assert join_seam(last, LINE_BREAK, first, Corrections(small()))[:2] == (joined, kind)


def test_join_seam_follows_an_explicit_hyphen_decision():
    corrections = Corrections(
        small(line_end_hyphens=[{"source": "Ann-⏎abell", "keep": True, "reason": "r"}])
    )
    assert join_seam("Ann-", LINE_BREAK, "abell", corrections) == ("Ann-abell", "", "")
    assert corrections.unused() == []


@pytest.mark.parametrize(
    ("last_line", "next_line", "expected"),
    [
        ("die Voraussetzungen für das,", "Was da passiert?", True),
        ("nach Spuren der Manipulation.", "suchen. Und", True),
        ("als statistische Möglichkeit.", "So erklärt sich", False),
        ("„Wann soll denn das gewesen sein?“", "Vor 30 Jahren", False),
    ],
)
def test_continues_paragraph(last_line, next_line, expected):
    previous = Paragraph("p1", [SourceLine(1, last_line)])
    assert continues_paragraph(previous, [SourceLine(2, next_line)]) is expected


def test_body_lines_drop_cover_and_page_furniture():
    raw = (
        "www.ssoar.info\nCover\n\nI N T E R V I E W  M I T  X\n85\n"
        "SOZIOLOGIEMAGAZIN Kunst\n\nQ:  a  b\n"
    )
    assert [(line.number, line.text) for line in body_lines(raw)] == [(7, ""), (8, "Q: a b")]


def test_body_lines_without_section_line_is_an_error():
    with pytest.raises(ConversionError, match="SOZIOLOGIEMAGAZIN"):
        body_lines("no magazine here\n")


def test_split_blocks_starts_a_block_at_a_label_without_blank_line():
    lines = [
        SourceLine(1, "Q: Frage?"),
        SourceLine(2, "A: Antwort."),
        SourceLine(3, ""),
        SourceLine(4, "Weiter."),
    ]
    blocks = split_blocks(lines, Corrections(small()).label_pattern())
    assert [[line.number for line in block] for block in blocks] == [[1], [2], [4]]


def test_convert_small_interview():
    raw = (
        "SOZIOLOGIEMAGAZIN Kunst\n\nQ: Eine Fra\nge zu DALLE?\n A: Eine Ant-\nwort, die\n\n"
        "weitergeht.\n"
    )
    document = convert(
        raw,
        small(
            word_joins=[{"source": "Fra⏎ge", "reason": "lost hyphen"}],
            replacements=[
                {
                    "source": "DALLE",
                    "edition": "DALL-E",
                    "kind": "restored-hyphen",
                    "occurrences": 1,
                    "reason": "lost hyphen",
                }
            ],
        ),
    )
    assert [(t["speaker"], [p["text"] for p in t["paragraphs"]]) for t in document["turns"]] == [
        ("q", ["Eine Frage zu DALL-E?"]),
        ("a", ["Eine Antwort, die weitergeht."]),
    ]
    assert [(e["locus"], e["kind"], e["source"]) for e in document["emendations"]] == [
        ("p1", "joined-word", "Fra⏎ge"),
        ("p1", "restored-hyphen", "DALLE"),
        ("p2", "dehyphenation", "Ant-⏎wort"),
        ("p2", "joined-paragraph", f"Antwort, die{PARAGRAPH_BREAK}weitergeht."),
    ]


def test_a_correction_that_no_longer_matches_is_an_error():
    raw = "SOZIOLOGIEMAGAZIN Kunst\n\nQ: Eine Frage?\n"
    with pytest.raises(ConversionError, match="Fra⏎ge"):
        convert(raw, small(word_joins=[{"source": "Fra⏎ge", "reason": "r"}]))
    replacement = {
        "source": "DALLE",
        "edition": "DALL-E",
        "kind": "restored-hyphen",
        "occurrences": 2,
        "reason": "r",
    }
    with pytest.raises(ConversionError, match="found 0 times, expected 2"):
        convert(raw, small(replacements=[replacement]))
