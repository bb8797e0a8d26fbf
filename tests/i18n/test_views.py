"""The interface follows Accept-Language or the reader's choice; the edition text stays German."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

EDITION_URL = "/test-interview/"


def annotator_labels(html: str) -> dict:
    block = re.search(r'<script id="annotator-config" type="application/json">(.*?)</script>', html)
    return json.loads(block.group(1))["labels"]


def test_edition_page_is_german_for_a_german_browser(client, edition):
    html = client.get(EDITION_URL, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()

    assert '<html lang="de">' in html
    assert "Zum Inhalt springen" in html
    assert "Editorische Hinweise" in html
    assert "Die ausgewählten Wörter annotieren" in html
    assert annotator_labels(html)["paragraph"] == "Absatz %s"
    assert "Abs. 3" in client.get(f"{EDITION_URL}p3/", HTTP_ACCEPT_LANGUAGE="de").content.decode()


def test_editor_labels_are_german_for_a_german_reader(client, user, edition):
    client.force_login(user)
    html = client.get(EDITION_URL, HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Neue Annotation" in html
    assert "Textstelle (optional)" in html
    assert annotator_labels(html)["saved"] == "Annotation gespeichert."
    assert {"value": "yellow", "label": "Gelb"} in json.loads(
        re.search(r'id="annotator-config" type="application/json">(.*?)</script>', html).group(1)
    )["colours"]


def test_edition_page_is_english_for_an_english_browser(client, edition):
    html = client.get(EDITION_URL, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()

    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert "Editorial notes" in html
    assert annotator_labels(html)["paragraph"] == "Paragraph %s"


def test_english_is_the_default_without_accept_language(client, edition):
    assert '<html lang="en">' in client.get(EDITION_URL).content.decode()


def test_edition_text_is_marked_german_inside_an_english_page(client, edition):
    html = client.get(EDITION_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    paragraphs = re.findall(r'<[^>]*class="para[ "][^>]*>', html)
    assert paragraphs
    assert all('lang="de"' in tag for tag in paragraphs)


def test_language_chosen_in_the_header_is_remembered(client, edition):
    page = client.get(EDITION_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'action="{reverse("set_language")}"' in page

    response = client.post(
        reverse("set_language"), {"language": "de", "next": EDITION_URL}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 302
    assert response["Location"] == EDITION_URL
    again = client.get(EDITION_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="de">' in again
    assert "Zum Inhalt springen" in again


def test_urls_carry_no_language_prefix(client, edition):
    assert client.get("/de/test-interview/").status_code == 404
    assert client.get(EDITION_URL, HTTP_ACCEPT_LANGUAGE="de").status_code == 200


@pytest.mark.parametrize(("language", "pinpoint"), [("de", "Abs. 3"), ("en", "para. 3")])
def test_paragraph_citation_follows_the_interface_language(client, edition, language, pinpoint):
    html = client.get(f"{EDITION_URL}p3/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f"(Autorin, 2024, {pinpoint})" in html


@pytest.mark.parametrize(("language", "copy_link"), [("de", "Link kopieren"), ("en", "Copy link")])
def test_site_scripts_get_their_words_from_the_page(client, edition, language, copy_link):
    html = client.get(EDITION_URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    block = re.search(r'<script type="application/json" id="interface-labels">(.*?)</script>', html)

    labels = json.loads(block.group(1))
    assert labels["copyLink"] == copy_link
    assert set(labels) >= {"copied", "copyFailed", "citationLoading", "citationMore"}
