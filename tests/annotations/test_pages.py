"""The no-JavaScript path: annotations listed under paragraphs, a plain form to annotate one."""

from django.test import Client

from annotations.models import Annotation
from annotations.services import annotation_create

NEW = "/annotations/new/?edition=test-interview&paragraph=p2"


def test_edition_page_lists_visible_annotations_under_their_paragraph(people, p2, edition):
    public = annotation_create(
        user=people["ann"],
        paragraph=p2,
        motivation="questioning",
        body="Was *heißt* das?",
        visibility="public",
        tags=["Begriff"],
    )
    annotation_create(user=people["ben"], parent=public, motivation="replying", body="Antwort.")
    annotation_create(
        user=people["ann"],
        paragraph=p2,
        motivation="commenting",
        body="Geheim",
        visibility="private",
    )
    html = Client().get("/test-interview/p2/").content.decode()
    assert "Was <em>heißt</em> das?" in html and "Antwort." in html and "Begriff" in html
    assert "Geheim" not in html
    notes = html[html.index('id="notes-p2"') :]
    assert f'id="annotation-{public.uuid}"' in notes


def test_edition_page_escapes_what_readers_typed(people, p2, edition):
    annotation_create(
        user=people["ann"],
        paragraph=p2,
        motivation="commenting",
        visibility="public",
        body="<img src=x onerror=alert(1)> [x](javascript:alert(1))",
        tags=["<script>alert(1)</script>"],
    )
    html = Client().get("/test-interview/").content.decode()
    assert "onerror" not in html and "javascript:alert" not in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_plain_form_needs_login(client, edition):
    response = client.get(NEW)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_plain_form_creates_a_paragraph_annotation(client, people, edition):
    client.force_login(people["ann"])
    response = client.post(
        NEW,
        {
            "motivation": "commenting",
            "body": "Ganzer Absatz.",
            "tags": "These, Methode",
            "visibility": "public",
            "group": "",
        },
    )
    annotation = Annotation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/test-interview/#annotation-{annotation.uuid}"
    assert annotation.paragraph.public_id == "p2" and not annotation.has_selector
    assert sorted(annotation.tags.names()) == ["Methode", "These"]


def test_plain_form_shows_errors_and_saves_nothing(client, people, edition):
    client.force_login(people["cy"])
    response = client.post(
        NEW,
        {
            "motivation": "commenting",
            "body": "x",
            "tags": "",
            "visibility": "group",
            "group": "",
        },
    )
    assert response.status_code == 200
    assert "group visibility needs a group" in response.content.decode()
    assert not Annotation.objects.exists()


def test_plain_form_for_unknown_paragraph_is_404(client, people, edition):
    client.force_login(people["ann"])
    assert client.get("/annotations/new/?edition=test-interview&paragraph=p99").status_code == 404


def test_author_sees_what_changed_between_versions(people, p2, edition):
    from annotations.services import annotation_update

    note = annotation_create(
        user=people["ann"],
        paragraph=p2,
        motivation="commenting",
        body="Ein Ort",
        visibility="public",
    )
    annotation_update(user=people["ann"], annotation=note, body="Ein guter Ort", tags=["These"])
    client = Client()
    client.force_login(people["ann"])
    html = client.get("/test-interview/p2/").content.decode()
    assert f'href="/annotations/{note.uuid}/history/">edited</a>' in html
    page = client.get(f"/annotations/{note.uuid}/history/").content.decode()
    assert "Ein <ins>guter</ins> Ort" in page
    assert "Tags: These" in page and "Earlier version" in page
    # Others see that it was edited, not what it said before.
    ben = Client()
    ben.force_login(people["ben"])
    assert ben.get(f"/annotations/{note.uuid}/history/").status_code == 404
    assert Client().get(f"/annotations/{note.uuid}/history/").status_code == 404
    assert "/history/" not in ben.get("/test-interview/p2/").content.decode()


def test_history_diff_marks_removed_words():
    from annotations.history import word_changes

    assert word_changes("a b c", "a c d") == [
        ("same", "a"),
        ("removed", "b"),
        ("same", "c"),
        ("added", "d"),
    ]
