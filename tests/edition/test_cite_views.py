"""The "Cite" panel on the edition and paragraph pages, COinS, and the citation downloads."""

import json
from html.parser import HTMLParser
from urllib.parse import parse_qs

import pytest
from django.urls import resolve, reverse

pytestmark = pytest.mark.django_db

APA_REFERENCE = (
    "Autorin, A. (2024). Ein Testgespräch: Über Bilder und Archive. <i>Testmagazin</i>, "
    '<i>3</i>(2), 10–12. <a href="https://doi.org/10.1234/test.5">https://doi.org/10.1234/test.5</a>'
)


class PanelParser(HTMLParser):
    """The cite panel's parts: the chosen style, COinS spans, copy targets, scripts, links."""

    def __init__(self):
        super().__init__()
        self.selected: list[str] = []
        self.coins: list[str] = []
        self.copy_targets: list[str] = []
        self.scripts: list[dict] = []
        self.downloads: list[str] = []
        self.form: dict = {}
        self._in_script = False
        self._script_text = ""
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and "selected" in attrs and self._select == "style":
            self.selected.append(attrs["value"])
        elif tag == "span" and attrs.get("class") == "Z3988":
            self.coins.append(attrs["title"])
        elif tag == "script":
            self.scripts.append(attrs)
            self._in_script = True
        elif tag == "form" and attrs.get("class") == "cite-style":
            self.form = attrs
        elif tag == "a" and "download" in attrs:
            self.downloads.append(attrs["href"])
        if "data-copy-text" in attrs:
            self.copy_targets.append(attrs.get("class", ""))

    def handle_data(self, data):
        if self._in_script:
            self._script_text += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def panel(response) -> PanelParser:
    assert response.status_code == 200
    parser = PanelParser()
    parser.feed(response.content.decode())
    return parser


def test_edition_page_cites_in_apa_for_the_english_interface(client, edition):
    response = client.get("/test-interview/")
    html = response.content.decode()
    parsed = panel(response)
    assert parsed.selected == ["apa"]
    assert APA_REFERENCE in html
    assert (
        '<span class="in-text" lang="en" data-copy-text="Copy citation">(Autorin, 2024)</span>'
        in html
    )
    assert parsed.copy_targets == ["reference", "in-text"]
    assert parsed.form["method"] == "get" and parsed.form["action"] == "/test-interview/#cite"


def test_edition_page_cites_in_dgps_for_the_german_interface(client, edition):
    response = client.get("/test-interview/", HTTP_ACCEPT_LANGUAGE="de")
    assert panel(response).selected == ["dgps"]
    assert 'lang="de" data-copy-text="Zitat kopieren">(Autorin, 2024)</span>' in (
        response.content.decode()
    )


def test_style_chooser_rerenders_the_page_in_the_chosen_style(client, edition):
    response = client.get("/test-interview/", {"style": "chicago"})
    assert panel(response).selected == ["chicago"]
    html = response.content.decode()
    assert (
        "Autorin, Anna. 2024. “Ein Testgespräch: Über Bilder und Archive.” <i>Testmagazin</i> 3 (2): 10–12."
        in html
    )
    assert ">(Autorin 2024)</span>" in html


@pytest.mark.parametrize("url", ["/test-interview/", "/test-interview/p3/"])
def test_unknown_style_falls_back_to_the_default_with_a_note(client, edition, url):
    response = client.get(url, {"style": "<script>x</script>"})
    parsed = panel(response)
    assert parsed.selected == ["apa"]
    html = response.content.decode()
    assert (
        "There is no citation style “&lt;script&gt;x&lt;/script&gt;”; showing APA (7th ed.)."
        in html
    )
    assert "<script>x" not in html


def test_known_style_shows_no_fallback_note(client, edition):
    assert (
        "There is no citation style"
        not in client.get("/test-interview/?style=mla").content.decode()
    )


def test_paragraph_page_gives_the_pinpoint_and_the_permalink(client, edition):
    response = client.get("/test-interview/p3/", {"style": "dgps"})
    html = response.content.decode()
    assert panel(response).selected == ["dgps"]
    assert (
        '<span class="in-text" lang="de" data-copy-text="Copy citation">(Autorin, 2024, Abs. 3)</span>'
        in html
    )
    assert (
        '<a href="http://testserver/test-interview/p3/" data-copy-url>http://testserver/test-interview/p3/</a>'
        in html
    )
    assert (
        "Autorin, A. (2024). Ein Testgespräch: Über Bilder und Archive. <i>Testmagazin</i>" in html
    )


def test_paragraph_page_in_english_style_says_para(client, edition):
    html = client.get("/test-interview/p3/?style=harvard").content.decode()
    assert ">(Autorin, 2024, para. 3)</span>" in html
    assert "Available at: <a href=" in html


@pytest.mark.parametrize("url", ["/test-interview/", "/test-interview/p3/"])
def test_panel_links_the_downloads_and_uses_no_inline_script(client, edition, url):
    parsed = panel(client.get(url))
    assert parsed.downloads == [
        "/test-interview/cite.bib",
        "/test-interview/cite.ris",
        "/test-interview/cite.json",
    ]
    executable = [s for s in parsed.scripts if s.get("type") in (None, "module", "text/javascript")]
    assert all(script.get("src") for script in executable)  # data blocks (JSON) may be inline
    assert {"type": "module", "src": "/static/js/cite.js"} in parsed.scripts


@pytest.mark.parametrize("url", ["/test-interview/", "/test-interview/p3/"])
def test_coins_span_carries_the_edition_metadata(client, edition, url):
    (title,) = panel(client.get(url)).coins
    fields = parse_qs(title, strict_parsing=True)
    assert fields["ctx_ver"] == ["Z39.88-2004"]
    assert fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:journal"]
    assert fields["rft.atitle"] == ["Ein Testgespräch: Über Bilder und Archive"]
    assert fields["rft.jtitle"] == ["Testmagazin"]
    assert fields["rft.aulast"] == ["Autorin"] and fields["rft.au"] == ["Autorin, Anna"]
    assert fields["rft.date"] == ["2024"]
    assert (fields["rft.spage"], fields["rft.epage"]) == (["10"], ["12"])
    assert fields["rft_id"] == ["info:doi/10.1234/test.5", "http://testserver/test-interview/"]


def test_cite_paths_do_not_collide_with_paragraph_paths(edition):
    assert reverse("edition:cite-bibtex", args=["erz-2023"]) == "/erz-2023/cite.bib"
    assert reverse("edition:cite-ris", args=["erz-2023"]) == "/erz-2023/cite.ris"
    assert reverse("edition:cite-csl", args=["erz-2023"]) == "/erz-2023/cite.json"
    assert resolve("/erz-2023/cite.bib").url_name == "cite-bibtex"
    assert resolve("/erz-2023/p12/").url_name == "paragraph-detail"


@pytest.mark.parametrize(
    ("name", "media_type", "filename"),
    [
        ("edition:cite-bibtex", "application/x-bibtex", "test-interview.bib"),
        ("edition:cite-ris", "application/x-research-info-systems", "test-interview.ris"),
        ("edition:cite-csl", "application/vnd.citationstyles.csl+json", "test-interview.json"),
    ],
)
def test_downloads_have_media_type_charset_and_file_name(
    client, edition, name, media_type, filename
):
    response = client.get(reverse(name, args=["test-interview"]))
    assert response.status_code == 200
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_bibtex_download_is_the_edition_record(client, edition):
    text = client.get("/test-interview/cite.bib").content.decode("utf-8")
    assert text.startswith("@article{test-interview,\n")
    assert "  title = {{Ein} {Testgespräch}: {Über} {Bilder} und {Archive}},\n" in text
    assert "  doi = {10.1234/test.5},\n" in text
    assert "  url = {http://testserver/test-interview/},\n" in text
    assert text.endswith("}\n")


def test_ris_download_is_the_edition_record(client, edition):
    lines = client.get("/test-interview/cite.ris").content.decode("utf-8").split("\r\n")
    assert lines[0] == "TY  - JOUR"
    assert "TI  - Ein Testgespräch: Über Bilder und Archive" in lines
    assert "DO  - 10.1234/test.5" in lines
    assert lines[-2:] == ["ER  - ", ""]


def test_csl_json_download_is_the_edition_record(client, edition):
    (item,) = json.loads(client.get("/test-interview/cite.json").content.decode("utf-8"))
    assert item["type"] == "article-journal"
    assert item["DOI"] == "10.1234/test.5"
    assert item["title"] == "Ein Testgespräch: Über Bilder und Archive"
    assert item["container-title"] == "Testmagazin"
    assert item["issued"] == {"date-parts": [[2024]]}
    assert item["URL"] == "http://testserver/test-interview/"


@pytest.mark.parametrize("url", ["/nope/cite.bib", "/nope/cite.ris", "/nope/cite.json"])
def test_download_for_unknown_edition_is_404(client, edition, url):
    assert client.get(url).status_code == 404
