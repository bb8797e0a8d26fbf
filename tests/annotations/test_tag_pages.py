"""The tag page, "My annotations", and tags as links wherever annotations are shown."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils.dateformat import format
from django.utils.timezone import localtime

from annotations.models import Annotation
from annotations.selectors import tag_get_visible
from annotations.services import TextSelector, annotation_create, annotation_delete
from edition.models import Paragraph
from tests import factories

PARAGRAPH = "Ein Archiv ist ein Ort der Bildproduktion, sagt man."


def note(user, paragraph, body, *, tags=(), visibility="public", **kwargs):
    return annotation_create(
        user=user,
        paragraph=paragraph,
        motivation=kwargs.pop("motivation", "commenting"),
        body=body,
        tags=list(tags),
        visibility=visibility,
        **kwargs,
    )


def passage(text: str, words: str) -> TextSelector:
    start = text.index(words)
    return TextSelector(start, start + len(words), words)


def page_html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def bodies(html: str) -> list[str]:
    """The notes listed on a page, in the order shown."""
    return re.findall(r'<div class="annotation-body"><p>(.*?)</p>', html)


def without_csrf(html: str) -> str:
    """The page without its per-response CSRF token (the log-out form's)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def p3(edition):
    return edition.paragraphs.get(public_id="p3")


def test_tag_page_lists_annotations_newest_first_with_their_passages(people, edition, p2, p3):
    older = note(
        people["ann"],
        p2,
        "Vgl. **Farocki**.",
        tags=["Archiv", "Bild"],
        selector=passage(PARAGRAPH, "Ort der Bildproduktion"),
        motivation="questioning",
    )
    newer = note(people["ben"], p3, "Zweite Notiz.", tags=["archiv"])
    html = page_html(Client(), "/tags/archiv/")
    assert "<h1>Annotations tagged “Archiv”</h1>" in html  # the stored name, not the slug
    assert "2 annotations you can see, newest first." in html
    assert bodies(html) == ["Zweite Notiz.", "Vgl. <strong>Farocki</strong>."]
    first = html[html.index("Vgl. <strong>") - 1500 : html.index("Vgl. <strong>")]
    assert ">Question</span>" in first and "· ann" in first
    assert f'datetime="{format(localtime(older.created), "c")}"' in first
    assert '<mark class="highlight highlight--yellow">Ort der Bildproduktion</mark>' in first
    assert '<a href="/test-interview/p2/"' in first and "¶ 2</a>" in first
    assert f'<a href="/annotations/{older.uuid}/">Permalink</a>' in first
    assert '<a class="tag" rel="tag" href="/tags/bild/">Bild</a>' in html
    assert '<a href="/test-interview/p3/"' in html and f"/annotations/{newer.uuid}/" in html


def test_reply_on_tag_page_links_to_its_thread_and_passage(people, edition, p3):
    root = note(people["ann"], p3, "Frage?", motivation="questioning")
    annotation_create(
        user=people["ben"], parent=root, motivation="replying", body="Antwort.", tags=["Antwort"]
    )
    html = page_html(Client(), "/tags/antwort/")
    assert bodies(html) == ["Antwort."]
    assert f'Reply to <a href="/annotations/{root.uuid}/">a thread</a>' in html
    assert '<a href="/test-interview/p3/"' in html and "¶ 3</a>" in html
    assert "Frage?" not in html


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (None, ["public note"]),
        ("ann", ["public note", "group note", "private note"]),
        ("ben", ["public note", "group note"]),
        ("cy", ["public note"]),
    ],
)
def test_tag_page_shows_only_what_the_viewer_may_see(people, edition, p2, viewer, expected):
    note(people["ann"], p2, "private note", tags=["These"], visibility="private")
    note(
        people["ann"],
        p2,
        "group note",
        tags=["These"],
        visibility="group",
        group=people["group"],
    )
    note(people["ann"], p2, "public note", tags=["These"])
    html = page_html(client_for(people.get(viewer)), "/tags/these/")
    assert bodies(html) == expected
    assert f"{len(expected)} annotation" in html


@pytest.mark.parametrize("viewer", [None, "ben", "cy"])
def test_tag_used_only_on_hidden_notes_looks_like_an_unknown_tag(people, edition, p2, viewer):
    note(people["ann"], p2, "Geheim.", tags=["Geheimsache"], visibility="private")
    note(
        people["ann"],
        p2,
        "Gruppe.",
        tags=["Seminarsache"],
        visibility="group",
        group=people["group"],
    )
    client = client_for(people.get(viewer))
    hidden = page_html(client, "/tags/geheimsache/")
    unknown = page_html(client, "/tags/nichtsda/")
    assert "<h1>Annotations tagged “geheimsache”</h1>" in hidden  # the slug, not "Geheimsache"
    assert "No annotations you can see carry this tag." in hidden
    assert "Geheim." not in hidden and "Geheimsache" not in hidden
    assert without_csrf(hidden.replace("geheimsache", "nichtsda")) == without_csrf(unknown)
    if viewer == "ben":
        assert "Gruppe." in page_html(client, "/tags/seminarsache/")
    else:
        assert "Gruppe." not in page_html(client, "/tags/seminarsache/")


def test_deleted_annotation_leaves_the_tag_page(people, edition, p2):
    gone = note(people["ann"], p2, "Zurückgezogen.", tags=["Archiv"])
    annotation_create(user=people["ben"], parent=gone, motivation="replying", body="Schade.")
    annotation_delete(user=people["ann"], annotation=gone)
    html = page_html(Client(), "/tags/archiv/")
    assert "Zurückgezogen." not in html and "Deleted annotation" not in html
    assert "No annotations you can see carry this tag." in html


def test_tag_page_paginates_by_twenty(people, edition, p2):
    for n in range(25):
        note(people["ann"], p2, f"Notiz {n}", tags=["Serie"])
    first = page_html(Client(), "/tags/serie/")
    second = page_html(Client(), "/tags/serie/?page=2")
    assert bodies(first) == [f"Notiz {n}" for n in range(24, 4, -1)]
    assert bodies(second) == [f"Notiz {n}" for n in range(4, -1, -1)]
    assert '<nav class="pagination" aria-label="Pagination">' in first
    assert re.search(r'href="\?page=1" aria-current="page">.*?1</a>', first)
    assert 'href="?page=2" rel="next">Next</a>' in first
    assert re.search(r'href="\?page=2" aria-current="page">.*?2</a>', second)
    assert 'href="?page=1" rel="prev">Previous</a>' in second
    assert bodies(page_html(Client(), "/tags/serie/?page=99")) == bodies(second)
    assert bodies(page_html(Client(), "/tags/serie/?page=zwei")) == bodies(first)


def test_one_page_needs_no_pagination(people, edition, p2):
    note(people["ann"], p2, "Allein.", tags=["Solo"])
    html = page_html(Client(), "/tags/solo/")
    assert bodies(html) == ["Allein."] and "Pagination" not in html


@pytest.mark.parametrize("count", [3, 25])
def test_tag_page_query_count_does_not_grow_with_items(
    people, edition, p2, django_assert_max_num_queries, count
):
    root = note(people["ben"], p2, "Wurzel.", tags=["Viel"])
    for n in range(count):
        note(people["ann"], p2, f"Notiz {n}", tags=["Viel", f"t{n}"])
        annotation_create(
            user=people["ann"], parent=root, motivation="replying", body=f"R{n}", tags=["Viel"]
        )
    client = client_for(people["ann"])
    with django_assert_max_num_queries(7):
        html = page_html(client, "/tags/viel/")
    assert len(bodies(html)) == min(20, 2 * count + 1)


def test_edition_page_links_tags_to_their_pages(people, edition, p2):
    note(people["ann"], p2, "Mit Tags.", tags=["Größe", "Methode"])
    html = page_html(Client(), "/test-interview/p2/")
    assert '<a class="tag" rel="tag" href="/tags/methode/">Methode</a>' in html
    assert '<a class="tag" rel="tag" href="/tags/gr%C3%B6%C3%9Fe/">Größe</a>' in html
    assert "Mit Tags." in page_html(Client(), "/tags/gr%C3%B6%C3%9Fe/")


def test_a_tag_without_letters_is_refused_so_every_tag_has_a_page(people, edition):
    """taggit would give "?" an empty slug, and no tag page could be linked."""
    client = Client()
    client.force_login(people["ann"])
    response = client.post(
        "/api/annotations/",
        {"edition": "test-interview", "paragraph": "p2", "body": "Unklar.", "tags": ["?"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "field": "tags",
        "message": "the tag '?' needs at least one letter or digit",
    }
    assert not Annotation.objects.exists()


# My annotations


def make_second_edition():
    document = factories.make_document()
    document["edition"].update(slug="zweites-gespraech", doi="10.1234/test.6", urn="urn:nbn:x-2")
    return factories.make_edition(document)


def test_my_annotations_needs_login(client, edition):
    response = client.get("/annotations/mine/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/annotations/mine/"


def test_header_links_to_my_annotations_when_logged_in(people, edition):
    assert 'href="/annotations/mine/">My annotations</a>' in page_html(
        client_for(people["ann"]), "/test-interview/"
    )
    assert "My annotations" not in page_html(Client(), "/test-interview/")


def test_my_annotations_are_in_reading_order(people, edition, p2, p3):
    second = make_second_edition()
    other_p1 = second.paragraphs.get(public_id="p1")
    ann = people["ann"]
    note(ann, other_p1, "Zweite Ausgabe.", visibility="private")
    note(ann, p3, "Absatz 3.")
    late_passage = note(ann, p2, "Später im Absatz.", selector=passage(PARAGRAPH, "sagt man"))
    early_passage = note(ann, p2, "Früh im Absatz.", selector=passage(PARAGRAPH, "Archiv"))
    whole = note(ann, p2, "Ganzer Absatz 2.", visibility="group", group=people["group"])
    bens = note(people["ben"], p2, "Bens Notiz.", selector=passage(PARAGRAPH, "Ein"))
    annotation_create(user=ann, parent=early_passage, motivation="replying", body="Nachtrag.")
    annotation_create(user=ann, parent=bens, motivation="replying", body="Antwort an Ben.")
    deleted = note(ann, p2, "Gelöscht.")
    annotation_delete(user=ann, annotation=deleted)
    note(people["ben"], p2, "Nicht meine.")

    html = page_html(client_for(ann), "/annotations/mine/")
    assert bodies(html) == [
        "Ganzer Absatz 2.",
        "Antwort an Ben.",
        "Früh im Absatz.",
        "Nachtrag.",
        "Später im Absatz.",
        "Absatz 3.",
        "Zweite Ausgabe.",
    ]
    assert "7 annotations and replies, in reading order." in html
    assert '<a href="/zweites-gespraech/p1/"' in html
    assert f'Reply to <a href="/annotations/{bens.uuid}/">a thread</a>' in html
    assert f'<a href="/annotations/{whole.uuid}/">Permalink</a>' in html
    assert f"/annotations/{late_passage.uuid}/" in html


def test_my_annotations_filter_by_tag(people, edition, p2):
    note(people["ann"], p2, "Mit Tag.", tags=["Methode"], visibility="private")
    note(people["ann"], p2, "Ohne Tag.")
    note(people["ben"], p2, "Bens Methode.", tags=["Methode"])
    client = client_for(people["ann"])
    html = page_html(client, "/annotations/mine/?tag=methode")
    assert bodies(html) == ["Mit Tag."]
    assert "Tagged “Methode”." in html and 'href="/annotations/mine/">Show all</a>' in html
    empty = page_html(client, "/annotations/mine/?tag=unbekannt")
    assert "None of your annotations carries this tag." in empty and bodies(empty) == []
    assert "You have not annotated anything yet." in page_html(
        client_for(people["cy"]), "/annotations/mine/"
    )


def test_my_annotations_paginate_and_keep_the_filter(people, edition, p2):
    for n in range(25):
        note(people["ann"], p2, f"Notiz {n:02}", tags=["Serie"], visibility="private")
    note(people["ann"], p2, "Ungetaggt.")
    client = client_for(people["ann"])
    first = page_html(client, "/annotations/mine/?tag=serie")
    assert len(bodies(first)) == 20
    assert 'href="?tag=serie&amp;page=2" rel="next">Next</a>' in first
    second = page_html(client, "/annotations/mine/?tag=serie&page=2")
    assert bodies(second) == [f"Notiz {n:02}" for n in range(20, 25)]


@pytest.mark.parametrize("count", [3, 25])
def test_my_annotations_query_count_does_not_grow_with_items(
    people, edition, p2, django_assert_max_num_queries, count
):
    second = make_second_edition()
    paragraphs = [p2, *Paragraph.objects.filter(edition=second)]
    for n in range(count):
        parent = note(
            people["ann"], paragraphs[n % len(paragraphs)], f"Notiz {n}", tags=[f"t{n}", "x"]
        )
        annotation_create(user=people["ann"], parent=parent, motivation="replying", body=f"R{n}")
    client = client_for(people["ann"])
    with django_assert_max_num_queries(7):
        html = page_html(client, "/annotations/mine/")
    assert len(bodies(html)) == min(20, 2 * count)


def test_anonymous_user_sees_no_private_tags_through_selectors(people, edition, p2):
    """The pages and the API share these selectors; anonymous readers see public tags only."""
    note(people["ann"], p2, "Privat.", tags=["Privat"], visibility="private")
    note(people["ann"], p2, "Offen.", tags=["Offen"])
    assert tag_get_visible(AnonymousUser(), "privat") is None
    assert tag_get_visible(AnonymousUser(), "offen").name == "Offen"
    assert tag_get_visible(people["ann"], "privat").name == "Privat"
