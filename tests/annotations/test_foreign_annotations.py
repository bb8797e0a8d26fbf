"""Annotations of the interview as other tools write them (tests/annotations/data/foreign/):
Hypothesis's W3C JSON-LD (h/presenters/annotation_jsonld.py: XPath, position and quote
selectors, a RangeSelector across elements), Recogito's (quote and position, bodies with purpose
and creator) and the plainest W3C ones (one TextQuoteSelector). Each is posted to the protocol
and imported from a file, placed alike, and goes back out with the client's selectors kept."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from annotations import importing
from annotations.models import Annotation
from edition.models import Edition
from edition.services import edition_import
from edition.source import load_source_file

FOREIGN = Path(__file__).parent / "data" / "foreign"
CONTAINER = "/annotations/w3c/"
MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
ANNO = "http://www.w3.org/ns/anno.jsonld"
SOURCE = "https://edition.example.org/erz-2023/"


@pytest.fixture
def real_edition(db):
    edition_import(source=load_source_file(Path(settings.EDITION_SOURCE_DIR) / "erz-2023.yaml"))
    return Edition.objects.get(slug="erz-2023")


@pytest.fixture
def lena_client(real_edition, make_user):
    client = Client()
    client.force_login(make_user("lena"))
    return client


def fixture(name: str) -> list[dict]:
    return json.loads((FOREIGN / f"{name}.jsonld").read_text())


def post(client: Client, data: dict):
    return client.post(CONTAINER, json.dumps(data), content_type=MEDIA_TYPE)


def text_of(real_edition, public_id: str) -> str:
    return real_edition.paragraphs.get(public_id=public_id).text


# Where each lands: (fixture, index) → (paragraph, quote), or the refusal's field and reason.
PLACED = {
    ("hypothesis", 0): ("p3", "operative Bilder"),
    ("hypothesis", 1): ("p6", "This Person Does Not Exist"),
    ("recogito", 0): ("p3", "Bilder der Identifizierung"),
    ("recogito", 1): ("p19", "Trainingsdaten"),  # its position in edition.txt decides
    ("plain_w3c", 0): ("p3", "Vorgeschichte der automatisierten Gesichtserkennung"),
    ("plain_w3c", 2): ("p7", "Trainingsdaten"),  # its prefix decides; the source is the DOI
}
REFUSED = {
    ("hypothesis", 2): ("target[0].selector[2].exact", "runs across p2–p3"),
    ("plain_w3c", 1): ("target.selector.exact", "is in p7, p19; its prefix and suffix"),
}


@pytest.mark.parametrize(("name", "index"), sorted(PLACED))
def test_a_foreign_annotation_is_placed_by_its_quote_and_goes_back_out_as_it_came(
    lena_client, real_edition, name, index
):
    sent = fixture(name)[index]
    response = post(lena_client, sent)
    assert response.status_code == 201, response.content
    paragraph_id, quote = PLACED[(name, index)]
    annotation = Annotation.objects.get()
    assert annotation.paragraph.public_id == paragraph_id
    text = text_of(real_edition, paragraph_id)
    assert text[annotation.position_start : annotation.position_end] == quote
    assert annotation.quote_exact == quote
    back = response.json()
    selectors = back["target"]["selector"]
    ours, *theirs = selectors
    assert ours["type"] == "FragmentSelector" and ours["value"] == paragraph_id
    assert ours["refinedBy"][0] == {
        "type": "TextQuoteSelector",
        "exact": quote,
        "prefix": annotation.quote_prefix,
        "suffix": annotation.quote_suffix,
    }
    target = sent["target"][0] if isinstance(sent["target"], list) else sent["target"]
    sent_selectors = target["selector"]
    assert theirs == (sent_selectors if isinstance(sent_selectors, list) else [sent_selectors])
    # Its own id elsewhere is where it came from (protocol §5.1); a relative one is not an IRI.
    if sent["id"].startswith(("https:", "urn:")):
        assert back["via"] == [sent["id"]]
    else:
        assert "via" not in back
    assert back["id"] != sent["id"]


def test_bodies_with_purpose_and_their_own_creator_are_the_note_and_tags(lena_client):
    response = post(lena_client, fixture("recogito")[0])
    assert response.status_code == 201
    annotation = Annotation.objects.get()
    assert annotation.body == "Fingerabdruck und Porträt als ein Bildtyp?"
    assert [tag.name for tag in annotation.tags.all()] == ["Identifizierung"]
    assert annotation.motivation == "commenting"
    # The server says who wrote it here; Recogito's creator is not taken as ours.
    assert response.json()["creator"]["name"] == "lena"


def test_a_hypothesis_highlight_with_an_empty_body_is_a_highlight(lena_client):
    assert post(lena_client, fixture("hypothesis")[1]).status_code == 201
    annotation = Annotation.objects.get()
    assert (annotation.motivation, annotation.body) == ("highlighting", "")


@pytest.mark.parametrize(("name", "index"), sorted(REFUSED))
def test_what_cannot_be_placed_is_refused_with_the_reason(lena_client, name, index):
    response = post(lena_client, fixture(name)[index])
    assert response.status_code == 400
    field, reason = REFUSED[(name, index)]
    assert response.json()["error"]["field"] == field
    assert reason in response.json()["error"]["message"]
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("name", ["hypothesis", "recogito", "plain_w3c"])
def test_an_import_places_the_same_files_alike(real_edition, make_user, name):
    report = importing.annotations_import(
        user=make_user("lena"),
        content=(FOREIGN / f"{name}.jsonld").read_bytes(),
        partial=True,
    )
    assert report.format == "W3C Web Annotation"
    placed = {
        (name, taken.number - 1): (taken.paragraph, taken.annotation.quote_exact)
        for taken in report.imported
    }
    assert placed == {key: value for key, value in PLACED.items() if key[0] == name}
    refused = {
        (name, problem.number - 1): problem.field + " " + problem.reason
        for problem in report.problems
    }
    expected = {key: value for key, value in REFUSED.items() if key[0] == name}
    assert refused.keys() == expected.keys()
    for key, (field, reason) in expected.items():
        assert refused[key].startswith(f"[{key[1]}].{field} ") and reason in refused[key]
    for taken in report.imported:
        assert taken.annotation.kept_from_client["selector"]


def test_a_round_trip_keeps_the_selectors_once(lena_client):
    created = post(lena_client, fixture("hypothesis")[0])
    location = created["Location"]
    current = lena_client.get(location)
    data = current.json()
    data["body"][0]["value"] = "Farockis Begriff, genauer gelesen."
    response = lena_client.put(
        location, json.dumps(data), content_type=MEDIA_TYPE, headers={"If-Match": current["ETag"]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["target"] == created.json()["target"]
    assert len(response.json()["target"]["selector"]) == 4


def test_canonical_is_kept_without_change(lena_client):
    sent = fixture("plain_w3c")[0] | {"canonical": "urn:uuid:4f7b2d8e-1c3a-4e5f-9b6d-2a8c0e4f6b13"}
    created = post(lena_client, sent)
    assert created.status_code == 201
    assert created.json()["canonical"] == sent["canonical"]
    location = created["Location"]
    data = lena_client.get(location).json()
    etag = lena_client.get(location)["ETag"]
    changed = data | {"canonical": "urn:uuid:00000000-0000-4000-8000-000000000000"}
    refused = lena_client.put(
        location, json.dumps(changed), content_type=MEDIA_TYPE, headers={"If-Match": etag}
    )
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "canonical"
    left_out = {key: value for key, value in data.items() if key != "canonical"}
    kept = lena_client.put(
        location, json.dumps(left_out), content_type=MEDIA_TYPE, headers={"If-Match": etag}
    )
    assert kept.status_code == 200 and kept.json()["canonical"] == sent["canonical"]


def plain(selector, source: str = SOURCE) -> dict:
    target = {"source": source} | ({"selector": selector} if selector else {})
    return {"@context": ANNO, "type": "Annotation", "bodyValue": "x", "target": target}


def test_a_document_position_counts_in_edition_txt(lena_client, real_edition):
    text = lena_client.get("/erz-2023/edition.txt").content.decode()
    start = text.index("operative Bilder")
    selector = {"type": "TextPositionSelector", "start": start, "end": start + 16}
    assert post(lena_client, plain(selector)).status_code == 201
    annotation = Annotation.objects.get()
    assert (annotation.paragraph.public_id, annotation.quote_exact) == ("p3", "operative Bilder")
    line = text.index("p3\t")
    across = {"type": "TextPositionSelector", "start": line, "end": start}
    response = post(lena_client, plain(across))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "target.selector"
    assert "not within the text of one paragraph" in response.json()["error"]["message"]


def test_markup_selectors_alone_are_refused_with_what_to_add(lena_client):
    selector = {"type": "XPathSelector", "value": "/main[1]/article[1]/p[3]"}
    response = post(lena_client, plain(selector))
    assert response.status_code == 400
    assert "add a TextQuoteSelector" in response.json()["error"]["message"]


def test_a_paragraph_named_by_its_url_takes_a_note_on_the_whole_paragraph(lena_client):
    response = post(lena_client, plain(None, source=SOURCE + "p12/") | {"bodyValue": "Abs. 12"})
    assert response.status_code == 201
    annotation = Annotation.objects.get()
    assert annotation.paragraph.public_id == "p12" and not annotation.has_selector
    target_iri = post(lena_client, plain(None) | {"target": SOURCE + "#p13"})
    assert target_iri.status_code == 201
    assert Annotation.objects.filter(paragraph__public_id="p13").exists()
