"""The reading pages: content, links, metadata a reference manager reads."""

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import import_document

pytestmark = pytest.mark.django_db


class HeadParser(HTMLParser):
    """Collects <meta name=…>, <link rel=…> and JSON-LD blocks; fails on unparseable markup."""

    def __init__(self):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: dict[str, str] = {}
        self.jsonld: list[dict] = []
        self.ids: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "meta" and "name" in attrs:
            self.meta.append((attrs["name"], attrs["content"]))
        elif tag == "link" and "rel" in attrs:
            self.links[attrs["rel"]] = attrs["href"]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_jsonld = True

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(json.loads(data))

    def handle_endtag(self, tag):
        self._in_jsonld = False


def parse(response) -> HeadParser:
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def values(parser, name):
    return [content for meta_name, content in parser.meta if meta_name == name]


def test_edition_page_shows_text_speakers_and_identifiers(client, edition):
    response = client.get("/test-interview/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ein Archiv ist ein Ort der Bildproduktion, sagt man." in html
    assert 'lang="de"' in html
    assert '<a href="https://doi.org/10.1234/test.5">' in html
    assert '<a href="https://nbn-resolving.org/urn:nbn:de:0000-test-1">' in html
    assert 'rel="license" href="https://creativecommons.org/licenses/by/4.0/"' in html
    assert '<abbr title="Gerd Gast">Gerd Gast</abbr>' in html
    assert '<abbr title="Das Magazin">Mag</abbr>' in html
    assert "Zur Person" in html and "Gerd Gast forscht zu Bildarchiven." in html


def test_every_paragraph_has_anchor_margin_number_and_permalink(client, edition):
    parser = parse(client.get("/test-interview/"))
    assert {"p1", "p2", "p3", "p4"} <= set(parser.ids)
    html = client.get("/test-interview/").content.decode()
    for n in range(1, 5):
        assert f'<a class="para-num" href="/test-interview/p{n}/"' in html
        assert f'href="/test-interview/p{n}/" data-copy-url>' in html


def test_edition_page_interview_order_follows_positions(client, edition):
    html = client.get("/test-interview/").content.decode()
    positions = [html.index(f'id="p{n}"') for n in range(1, 5)]
    assert positions == sorted(positions)
    assert html.index("Zur Person") < html.index('id="p1"') < html.index("Zum Interview")


def test_edition_page_highwire_tags_for_reference_managers(client, edition):
    parser = parse(client.get("/test-interview/"))
    assert values(parser, "citation_title") == ["Ein Testgespräch: Über Bilder und Archive"]
    assert values(parser, "citation_author") == ["Autorin, Anna"]
    assert values(parser, "citation_journal_title") == ["Testmagazin"]
    assert values(parser, "citation_volume") == ["3"]
    assert values(parser, "citation_issue") == ["2"]
    assert values(parser, "citation_firstpage") == ["10"]
    assert values(parser, "citation_lastpage") == ["12"]
    assert values(parser, "citation_publication_date") == ["2024"]
    assert values(parser, "citation_doi") == ["10.1234/test.5"]
    assert values(parser, "citation_language") == ["de"]
    assert values(parser, "citation_publisher") == ["Testverlag"]
    assert values(parser, "citation_keywords") == ["Bild; Archiv"]
    assert values(parser, "DC.identifier") == ["doi:10.1234/test.5", "urn:nbn:de:0000-test-1"]
    assert values(parser, "DC.contributor") == ["Gast, Gerd"]
    assert parser.links["canonical"] == "http://testserver/test-interview/"


def test_edition_page_schema_org_is_a_scholarly_article(client, edition):
    (article,) = parse(client.get("/test-interview/")).jsonld
    assert article["@type"] == "ScholarlyArticle"
    assert article["@id"] == "https://doi.org/10.1234/test.5"
    assert article["author"][0]["familyName"] == "Autorin"
    assert article["isPartOf"]["isPartOf"]["volumeNumber"] == "3"
    assert "hasPart" not in article


def test_paragraph_page_shows_context_citation_and_part_metadata(client, edition):
    response = client.get("/test-interview/p3/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bilder über Bildern, Größe und Maß: „operative Bilder“." in html
    assert "Ein Archiv ist ein Ort der Bildproduktion" in html  # previous paragraph as context
    assert "(Autorin, 2024, para. 3)" in html  # APA, the default for the English interface
    assert (
        "Autorin, A. (2024). Ein Testgespräch: Über Bilder und Archive. <i>Testmagazin</i>, <i>3</i>(2), 10–12. "
        '<a href="https://doi.org/10.1234/test.5">https://doi.org/10.1234/test.5</a>' in html
    )
    assert (
        "(Autorin, 2024, Abs. 3)" in client.get("/test-interview/p3/?style=dgps").content.decode()
    )
    assert 'rel="prev" href="/test-interview/p2/"' in html
    assert 'rel="next" href="/test-interview/p4/"' in html
    parser = parse(response)
    assert parser.links["canonical"] == "http://testserver/test-interview/p3/"
    assert values(parser, "citation_doi") == ["10.1234/test.5"]
    (article,) = parser.jsonld
    assert article["hasPart"]["@id"] == "http://testserver/test-interview/p3/"
    assert article["hasPart"]["name"] == "Abs. 3"


def test_paragraph_page_shows_history_after_a_correction(client, document):
    import_document(document)
    old = document["turns"][1]["paragraphs"][0]["text"]
    document["turns"][1]["paragraphs"][0]["text"] = "Ein Archiv ist ein Ort der Bildproduktion."
    import_document(document)
    html = client.get("/test-interview/p2/").content.decode()
    assert "History of this paragraph" in html
    assert f'<blockquote lang="de">{old}</blockquote>' in html


def test_withdrawn_paragraph_still_resolves_with_notice(client, document):
    import_document(document)
    del document["turns"][1]["paragraphs"][1]
    document["withdrawn"] = ["p3"]
    import_document(document)
    response = client.get("/test-interview/p3/")
    assert response.status_code == 200
    assert "This paragraph was withdrawn" in response.content.decode()
    assert 'id="p3"' not in client.get("/test-interview/").content.decode()


def test_apparatus_lists_emendations_under_their_paragraph(client, edition):
    html = client.get("/test-interview/p2/").content.decode()
    assert "Apparatus: 1 emendation" in html
    assert "Bildpro-⏎duktion" in html and "Line-end hyphen." in html


@pytest.mark.parametrize(
    "url", ["/nope/", "/test-interview/p99/", "/test-interview/x1/", "/nope/edition.json"]
)
def test_unknown_edition_or_paragraph_is_404(client, edition, url):
    assert client.get(url).status_code == 404


def test_json_url_serves_the_edition_as_data(client, edition):
    response = client.get(reverse("edition:edition-json", args=["test-interview"]))
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["edition"]["doi"] == "10.1234/test.5"
    assert data["turns"][1]["paragraphs"][1]["url"] == "http://testserver/test-interview/p3/"


def test_text_url_serves_the_reading_text(client, edition):
    response = client.get(reverse("edition:edition-text", args=["test-interview"]))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines()[1] == (
        "p2\tGG: Ein Archiv ist ein Ort der Bildproduktion, sagt man."
    )


def count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200  # warm: the text is read once per import
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/test-interview/", "/test-interview/p2/"])
def test_page_query_count_does_not_grow_with_the_text(client, document, url):
    import_document(document)
    small = count_queries(client, url)
    document["turns"][1]["paragraphs"] += [
        {"id": f"p{n}", "text": f"Absatz {n} mit Bildproduktion."} for n in range(5, 25)
    ]
    document["emendations"] += [
        {
            "locus": f"p{n}",
            "kind": "dehyphenation",
            "source": "Bildpro-⏎duktion",
            "edition": "Bildproduktion",
            "reason": "Line-end hyphen.",
        }
        for n in range(5, 25)
    ]
    import_document(document)
    # The text comes from the cache; see tests/edition/test_budgets.py for the pages' budget.
    assert count_queries(client, url) == small <= 12


def test_home_lists_editions(client, edition):
    html = client.get("/").content.decode()
    assert (
        '<a href="/test-interview/" lang="de">Ein Testgespräch: Über Bilder und Archive</a>' in html
    )
