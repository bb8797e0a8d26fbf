"""The edition as TEI P5: the header's record and licence, the interview as <sp>/<p xml:id>, the
emendations as choice/sic/corr, and a text that reads back exactly as the edition's."""

import copy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from lxml import etree

from edition.models import Emendation
from edition.selectors import edition_for_export
from edition.services import edition_import
from edition.source import load_source_file
from edition.tei import TEI_NS, XML_ID, edition_as_tei, locate_emendations
from tests.factories import import_document

pytestmark = pytest.mark.django_db

NS = {"tei": TEI_NS}


def tei(slug: str = "test-interview", **kwargs):
    return etree.fromstring(edition_as_tei(edition_for_export(slug), **kwargs))


def one(root, path: str):
    (found,) = root.xpath(path, namespaces=NS)
    return found


def reading_text(element) -> str:
    """The element's text as the edition reads: corr taken, sic skipped."""
    element = copy.deepcopy(element)
    etree.strip_elements(element, f"{{{TEI_NS}}}sic", with_tail=False)
    return "".join(element.itertext())


@pytest.fixture
def erz(db):
    edition_import(source=load_source_file(Path(settings.EDITION_SOURCE_DIR) / "erz-2023.yaml"))
    return edition_for_export("erz-2023")


def test_root_is_tei_in_its_namespace_with_header_and_text(edition):
    root = tei()
    assert root.tag == f"{{{TEI_NS}}}TEI"
    assert [etree.QName(child).localname for child in root] == ["teiHeader", "text"]
    assert root.getroottree().docinfo.encoding.upper() == "UTF-8"


def test_header_carries_the_bibliographic_record_and_the_licence(edition):
    root = tei(base_url="https://edition.example")
    title = "tei:teiHeader/tei:fileDesc/tei:titleStmt"
    assert one(root, f"{title}/tei:title[@type='main']").text == "Ein Testgespräch"
    assert one(root, f"{title}/tei:title[@type='sub']").text == "Über Bilder und Archive"
    assert one(root, f"{title}/tei:author/tei:persName/tei:surname").text == "Autorin"
    assert one(root, f"{title}/tei:respStmt/tei:resp").text == "interviewee"
    assert one(root, f"{title}/tei:respStmt/tei:persName/tei:surname").text == "Gast"

    publication = "tei:teiHeader/tei:fileDesc/tei:publicationStmt"
    assert one(root, f"{publication}/tei:publisher").text == "Testverlag"
    licence = one(root, f"{publication}/tei:availability/tei:licence")
    assert licence.text == "CC BY 4.0"
    assert licence.get("target") == "https://creativecommons.org/licenses/by/4.0/"
    assert one(root, f"{publication}/tei:idno[@type='DOI']").text == "10.1234/test.5"
    assert one(root, f"{publication}/tei:idno[@type='URN']").text == "urn:nbn:de:0000-test-1"
    assert one(root, f"{publication}/tei:idno[@type='URL']").text == (
        "https://edition.example/test-interview/"
    )
    assert one(root, f"{publication}/tei:date").get("when") == "2024"


def test_source_description_is_the_journal_article(edition):
    bibl = one(tei(), "tei:teiHeader/tei:fileDesc/tei:sourceDesc/tei:biblStruct")
    assert one(bibl, "tei:analytic/tei:title[@level='a'][@type='main']").text == "Ein Testgespräch"
    assert one(bibl, "tei:analytic/tei:author/tei:persName/tei:forename").text == "Anna"
    assert one(bibl, "tei:analytic/tei:idno[@type='DOI']").text == "10.1234/test.5"
    assert one(bibl, "tei:monogr/tei:title[@level='j']").text == "Testmagazin"
    assert one(bibl, "tei:monogr/tei:imprint/tei:date").get("when") == "2024"
    assert one(bibl, "tei:monogr/tei:biblScope[@unit='volume']").text == "3"
    assert one(bibl, "tei:monogr/tei:biblScope[@unit='issue']").text == "2"
    pages = one(bibl, "tei:monogr/tei:biblScope[@unit='page']")
    assert (pages.get("from"), pages.get("to"), pages.text) == ("10", "12", "10–12")


def test_profile_lists_the_speakers_and_the_language(edition):
    root = tei()
    people = root.xpath("//tei:particDesc/tei:listPerson/tei:person", namespaces=NS)
    assert [(p.get(XML_ID), p.get("role"), p[0].text) for p in people] == [
        ("speaker-gast", "interviewee", "Gerd Gast"),
        ("speaker-mag", "interviewer", "Das Magazin"),
    ]
    assert one(root, "//tei:langUsage/tei:language").get("ident") == "de"
    assert one(root, "tei:text").get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    correction = one(root, "//tei:encodingDesc/tei:editorialDecl/tei:correction")
    assert "2 emendations (1 dehyphenation, 1 moved)" in "".join(correction.itertext())


def test_interview_has_one_sp_per_turn_and_identified_paragraphs(edition):
    root = tei()
    turns = root.xpath("//tei:body/tei:div[@type='interview']/tei:sp", namespaces=NS)
    assert [(sp.get("who"), one(sp, "tei:speaker").text) for sp in turns] == [
        ("#speaker-mag", "Mag"),
        ("#speaker-gast", "Gerd Gast"),
        ("#speaker-mag", "Mag"),
    ]
    paragraphs = root.xpath("//tei:sp/tei:p", namespaces=NS)
    assert [(p.get(XML_ID), p.get("n")) for p in paragraphs] == [
        ("p1", "1"),
        ("p2", "2"),
        ("p3", "3"),
        ("p4", "4"),
    ]
    # every who points at a person in the header
    people = {p.get(XML_ID) for p in root.xpath("//tei:person", namespaces=NS)}
    assert {sp.get("who")[1:] for sp in turns} <= people


def test_emendation_is_marked_in_place_and_the_text_reads_back(edition):
    root = tei()
    p2 = one(root, "//tei:p[@xml:id='p2']")
    choice = one(p2, "tei:choice")
    assert choice.get(XML_ID) == "e1"
    assert one(choice, "tei:sic").text == "Bildpro-⏎duktion"
    assert one(choice, "tei:corr").text == "Bildproduktion"
    assert one(choice, "tei:corr").get("type") == "dehyphenation"
    assert reading_text(p2) == "Ein Archiv ist ein Ort der Bildproduktion, sagt man."


def test_front_and_back_matter_and_the_apparatus(edition):
    root = tei()
    biography = one(root, "tei:text/tei:front/tei:div[@type='biography']")
    assert one(biography, "tei:head").text == "Zur Person"
    assert reading_text(one(biography, "tei:p")) == "Gerd Gast forscht zu Bildarchiven."
    credits = one(root, "tei:text/tei:back/tei:div[@type='credits']")
    assert reading_text(one(credits, "tei:p")) == "[…] geführt und lektoriert."
    items = root.xpath("//tei:div[@type='apparatus']/tei:list/tei:item", namespaces=NS)
    assert ["".join(item.itertext()) for item in items] == [
        "p2, dehyphenation: Line-end hyphen.",
        "biography, moved: Box moved out of the answer.",
    ]
    assert items[0].get("corresp") == "#e1" and items[1].get("corresp") is None
    assert one(items[0], "tei:ref").get("target") == "#p2"
    assert one(items[1], "tei:ref").get("target") == "#matter-biography"
    # the move is not a reading of the source: described, not marked
    assert not biography.xpath(".//tei:choice", namespaces=NS)


def test_withdrawn_paragraph_is_kept_in_back_with_its_id_and_a_change(document):
    import_document(document)
    del document["turns"][1]["paragraphs"][1]
    document["withdrawn"] = ["p3"]
    import_document(document)
    root = tei()
    assert [p.get(XML_ID) for p in root.xpath("//tei:body//tei:p", namespaces=NS)] == [
        "p1",
        "p2",
        "p4",
    ]
    kept = one(root, "tei:text/tei:back/tei:div[@type='withdrawn']/tei:sp/tei:p")
    assert kept.get(XML_ID) == "p3" and kept.text.startswith("Bilder über Bildern")
    change = one(root, "tei:teiHeader/tei:revisionDesc/tei:change")
    assert change.get("target") == "#p3" and change.get("when")


def test_turn_whose_paragraphs_are_all_withdrawn_has_no_sp(document):
    import_document(document)
    document["turns"][2]["paragraphs"] = []
    document["turns"] = document["turns"][:2]
    document["withdrawn"] = ["p4"]
    import_document(document)
    assert len(tei().xpath("//tei:body//tei:sp", namespaces=NS)) == 2


def test_text_with_markup_characters_is_escaped(document):
    document["turns"][0]["paragraphs"][0]["text"] = "Was ist <b>&amp; ein Archiv?"
    import_document(document)
    p1 = one(tei(), "//tei:p[@xml:id='p1']")
    assert p1.text == "Was ist <b>&amp; ein Archiv?" and not len(p1)


# The real edition


def test_erz_2023_has_34_paragraphs_17_turns_and_every_emendation_in_place(erz):
    root = etree.fromstring(edition_as_tei(erz))
    paragraphs = root.xpath("//tei:body//tei:p", namespaces=NS)
    assert [p.get(XML_ID) for p in paragraphs] == [f"p{n}" for n in range(1, 35)]
    assert [p.get("n") for p in paragraphs] == [str(n) for n in range(1, 35)]
    assert len(root.xpath("//tei:body//tei:sp", namespaces=NS)) == erz.turns.count() == 17
    in_paragraphs = Emendation.objects.filter(edition=erz, paragraph__isnull=False).count()
    for name in ("choice", "sic", "corr"):
        assert len(root.xpath(f"//tei:body//tei:p//tei:{name}", namespaces=NS)) == in_paragraphs
    assert in_paragraphs == 78
    assert one(root, "//tei:publicationStmt/tei:idno[@type='DOI']").text == "10.3224/soz.v16i1.06"
    assert one(root, "//tei:licence").text == "CC BY 4.0"


def test_erz_2023_every_paragraph_reads_back_exactly(erz):
    root = etree.fromstring(edition_as_tei(erz))
    texts = {p.public_id: p.text for p in erz.paragraphs.all()}
    read = {p.get(XML_ID): reading_text(p) for p in root.xpath("//tei:body//tei:p", namespaces=NS)}
    assert len(read) == 34
    assert read == texts
    for matter in erz.matter.all():
        division = one(root, f"//tei:div[@xml:id='matter-{matter.key}']")
        assert reading_text(one(division, "tei:p")) == matter.text


def test_erz_2023_sources_read_as_the_text_layer_with_markers(erz):
    """Taking sic instead of corr gives back the source readings (line breaks as ⏎)."""
    root = etree.fromstring(edition_as_tei(erz))
    p3 = copy.deepcopy(one(root, "//tei:p[@xml:id='p3']"))
    etree.strip_elements(p3, f"{{{TEI_NS}}}corr", with_tail=False)
    source = "".join(p3.itertext())
    assert "Ope-⏎rationen" in source and "bildwis-⏎senschaftliche" in source
    # the first "Operationen" is the one the text layer broke; the second stays as it is
    assert source.count("Operationen") == 1


def test_erz_2023_nested_emendation_sits_inside_the_rejoined_paragraph(erz):
    root = etree.fromstring(edition_as_tei(erz))
    outer = one(root, "//tei:p[@xml:id='p12']/tei:choice[tei:corr/tei:choice]")
    assert one(outer, "tei:corr").get("type") == "joined-paragraph"
    inner = one(outer, "tei:corr/tei:choice")
    assert one(inner, "tei:corr").text == "postkonzeptuellen"


# Placement rules


def emendation(reading: str, kind: str = "dehyphenation", source: str = "x") -> Emendation:
    return Emendation(kind=kind, source_reading=source, edition_reading=reading)


def test_placement_prefers_a_whole_word_over_a_part_of_a_compound():
    text = "KI-Bildgenerierungstools und Bildgenerierung"
    placement = locate_emendations(text, [emendation("Bildgenerierung", "joined-word")])
    assert [(s.start, s.end) for s in placement.spans] == [(29, 44)]


def test_placement_takes_the_first_free_occurrence_of_a_repeated_reading():
    text = "Verfahren und Verfahren"
    first, second = emendation("Verfahren"), emendation("Verfahren")
    placement = locate_emendations(text, [first, second])
    assert [(s.start, s.emendation) for s in placement.spans] == [(0, first), (14, second)]


def test_placement_nests_but_never_crosses():
    outer = emendation("post konzeptuelle Sinn", "joined-paragraph")
    inner = emendation("konzeptuelle")
    crossing = emendation("der post")
    missing = emendation("Sinn xx")
    placement = locate_emendations("der post konzeptuelle Sinn", [outer, inner, crossing, missing])
    assert [(s.start, s.end, s.emendation) for s in placement.spans] == [
        (4, 26, outer),
        (9, 21, inner),
    ]
    assert placement.unplaced == [crossing, missing]


def test_a_move_is_never_marked_in_place():
    placement = locate_emendations("Gerd Gast forscht.", [emendation("Gerd Gast", "moved")])
    assert placement.spans == [] and len(placement.unplaced) == 1


# Delivery


def test_tei_url_serves_xml_with_media_type_and_file_name(client, edition):
    response = client.get(reverse("edition:edition-tei", args=["test-interview"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/tei+xml; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="test-interview.tei.xml"'
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(response.content)
    assert one(root, "//tei:idno[@type='URL']").text == "http://testserver/test-interview/"


def test_tei_url_for_unknown_edition_is_404(client, edition):
    assert client.get("/nope/edition.tei.xml").status_code == 404


def test_export_command_writes_tei(edition, capsys):
    call_command("export_edition", "test-interview", "--format", "tei")
    root = etree.fromstring(capsys.readouterr().out.encode("utf-8"))
    assert root.tag == f"{{{TEI_NS}}}TEI"
    assert len(root.xpath("//tei:body//tei:p", namespaces=NS)) == 4


def test_attribution_links_the_tei_download(client, edition):
    html = client.get("/test-interview/").content.decode()
    assert 'href="/test-interview/edition.tei.xml"' in html
