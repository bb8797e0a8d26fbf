"""Citing an annotation: author, date, the annotated paragraph and the permalink, in the
edition's CSL styles; the "Cite" page follows the same visibility as the permalink."""

import datetime

import pytest
from django.urls import reverse

from annotations.citation import annotation_citation, annotation_record
from annotations.models import Annotation
from annotations.services import annotation_create, annotation_delete
from edition.csl import STYLES
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CREATED = datetime.datetime(2026, 1, 5, 23, 30, tzinfo=datetime.UTC)  # 6 January in Berlin
TITLE = "Ein Testgespräch: Über Bilder und Archive"


@pytest.fixture
def lena(db):
    return make_user("lena", display_name="Lena Vogt")


def dated(annotation: Annotation) -> Annotation:
    Annotation.objects.filter(pk=annotation.pk).update(created=CREATED, modified=CREATED)
    annotation.refresh_from_db()
    return annotation


@pytest.fixture
def note(lena, p2):
    return dated(
        annotation_create(
            user=lena,
            paragraph=p2,
            motivation="commenting",
            body="Vergleiche **Farocki**.",
            visibility="public",
        )
    )


def url(annotation) -> str:
    return f"http://testserver/annotations/{annotation.uuid}/"


def test_apa_names_author_date_paragraph_and_permalink(note):
    citation = annotation_citation(note, url=url(note), style=STYLES["apa"])
    assert citation.reference == (
        f"Lena Vogt. (2026, January 6). Comment on Autorin 2024, para. 2 [Online post]. "
        f"{TITLE}. {url(note)}"
    )
    assert citation.in_text == "(Lena Vogt, 2026)"
    assert citation.permalink == url(note)
    assert citation.reference_html.endswith(f'<a href="{url(note)}">{url(note)}</a>')


def test_dgps_is_german_with_abs(note):
    citation = annotation_citation(note, url=url(note), style=STYLES["dgps"])
    assert citation.reference == (
        f"Lena Vogt. (2026, Januar 6). Kommentar zu Autorin 2024, Abs. 2. {TITLE}. "
        f"Verfügbar unter: {url(note)}"
    )
    assert citation.in_text == "(Lena Vogt, 2026)"


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "chicago",
            "Lena Vogt. 2026. “Comment on Autorin 2024, para. 2.” {title}, January 6. {url}.",
        ),
        (
            "mla",
            "Lena Vogt. “Comment on Autorin 2024, para. 2.” {title}, 6 Jan. 2026, {url}.",
        ),
        (
            "harvard",
            "Lena Vogt (2026) ‘Comment on Autorin 2024, para. 2’, {title}. Available at: {url}.",
        ),
    ],
)
def test_other_styles_render_every_part(note, style, expected):
    citation = annotation_citation(note, url=url(note), style=STYLES[style])
    assert citation.reference == expected.format(title=TITLE, url=url(note))


def test_title_follows_the_motivation_and_a_reply_cites_its_thread_paragraph(note, people):
    reply = dated(
        annotation_create(user=people["ben"], parent=note, motivation="replying", body="Ja.")
    )
    record = annotation_record(reply, url=url(reply), language="de")
    assert record["title"] == "Antwort in der Diskussion zu Autorin 2024, Abs. 2"
    assert record["author"] == [{"literal": "ben"}]  # no display name: the username
    record = annotation_record(note, url=url(note), language="en")
    assert record["type"] == "post" and record["issued"] == {"date-parts": [[2026, 1, 6]]}
    assert record["URL"] == url(note) and record["container-title"] == TITLE
    Annotation.objects.filter(pk=note.pk).update(motivation="questioning")
    note.refresh_from_db()
    assert annotation_record(note, url="", language="en")["title"] == (
        "Question on Autorin 2024, para. 2"
    )


def test_annotation_of_a_deleted_account_is_by_former_user(note, lena):
    lena.delete()
    note.refresh_from_db()
    apa = annotation_citation(note, url=url(note), style=STYLES["apa"])
    assert apa.reference.startswith("Former user. (2026, January 6). Comment on")
    dgps = annotation_citation(note, url=url(note), style=STYLES["dgps"])
    assert dgps.reference.startswith("Ehemaliges Mitglied. (2026, Januar 6). Kommentar zu")


def test_display_name_is_escaped_in_html(p2):
    author = make_user("mallory", display_name="<b>Mal</b> & Co")
    annotation = annotation_create(
        user=author, paragraph=p2, motivation="commenting", body="x", visibility="public"
    )
    citation = annotation_citation(annotation, url=url(annotation), style=STYLES["apa"])
    assert citation.reference.startswith("<b>Mal</b> & Co. (")
    assert str(citation.reference_html).startswith("&lt;b&gt;Mal&lt;/b&gt; &amp; Co. (")


def test_deleted_annotation_has_no_citation(note, lena):
    annotation_delete(user=lena, annotation=note)
    note.refresh_from_db()
    with pytest.raises(ValueError):
        annotation_record(note, url="", language="en")


# The page


def cite_url(annotation) -> str:
    return reverse("annotations:annotation-cite", args=[annotation.uuid])


def test_cite_page_shows_the_citation_in_the_chosen_style(client, note):
    response = client.get(cite_url(note) + "?style=dgps")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kommentar zu Autorin 2024, Abs. 2." in html
    assert '<option value="dgps" selected>' in html
    assert 'data-copy-text="Copy reference"' in html and "js/cite.js" in html
    assert f'<a href="{url(note)}" data-copy-url>' in html
    assert 'href="/test-interview/p2/#cite"' in html


def test_cite_page_defaults_to_the_interface_language_and_reports_an_unknown_style(client, note):
    html = client.get(cite_url(note) + "?style=vancouver", HTTP_ACCEPT_LANGUAGE="de").content
    html = html.decode()
    assert "Es gibt keinen Zitierstil „vancouver“" in html
    assert "Kommentar zu Autorin 2024, Abs. 2." in html


def test_private_annotation_cite_page_is_404_for_another_reader(client, lena, p2, people):
    private = annotation_create(
        user=lena, paragraph=p2, motivation="commenting", body="Geheim", visibility="private"
    )
    assert client.get(cite_url(private)).status_code == 404
    client.force_login(people["cy"])
    assert client.get(cite_url(private)).status_code == 404
    client.force_login(lena)
    assert client.get(cite_url(private)).status_code == 200


def test_group_annotation_cite_page_follows_the_group(client, p2, people):
    shared = annotation_create(
        user=people["ann"],
        paragraph=p2,
        motivation="commenting",
        body="Für die Gruppe",
        visibility="group",
        group=people["group"],
    )
    client.force_login(people["ben"])
    assert client.get(cite_url(shared)).status_code == 200
    client.force_login(people["cy"])
    assert client.get(cite_url(shared)).status_code == 404


def test_deleted_annotation_cite_page_is_404_even_as_a_thread_placeholder(
    client, note, lena, people
):
    annotation_create(user=people["ben"], parent=note, motivation="replying", body="Antwort")
    annotation_delete(user=lena, annotation=note)
    assert client.get(note.get_absolute_url()).status_code == 302  # the placeholder resolves
    assert client.get(cite_url(note)).status_code == 404


def test_each_annotation_item_links_its_cite_page(client, note):
    html = client.get("/test-interview/p2/").content.decode()
    assert f'<a class="cite-link" href="{cite_url(note)}">Cite</a>' in html


def test_cite_page_for_a_reply_names_the_thread_paragraph(client, note, people):
    reply = annotation_create(user=people["ben"], parent=note, motivation="replying", body="Ja.")
    html = client.get(cite_url(reply)).content.decode()
    assert "Reply in the discussion of Autorin 2024, para. 2" in html
