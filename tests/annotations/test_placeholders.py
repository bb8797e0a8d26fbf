"""A placeholder (a note its author deleted, or one an instructor hid from this reader) shows that
a note was there and nothing about it: not its author, tags, colour, kind or passage, in the
thread fragments, the page and the JSON API; and no filter on who or what (author, tag, scope)
matches or counts it."""

import pytest
from django.test import Client

from annotations.services import (
    TextSelector,
    annotation_create,
    annotation_delete,
    annotation_update,
)
from courses.services import annotation_hide, course_create, course_join
from tests.factories import make_assignment, make_instructor, make_user

API = "/api/annotations/"


@pytest.fixture
def seminar(edition):
    """lena asked a pink, tagged question on a passage, shared with the course; jonas answered
    it; ines, the instructor, hid it. lena's second note, public, she deleted after jonas
    answered that one too."""
    ines = make_instructor("ines")
    course = course_create(user=ines, title="Bildtheorie")
    lena, jonas = make_user("lena", "Lena Vogt"), make_user("jonas", "Jonas Brand")
    for user in (lena, jonas):
        course_join(user=user, code=course.join_code)
    p2 = edition.paragraphs.get(public_id="p2")
    hidden = annotation_create(
        user=lena,
        paragraph=p2,
        selector=TextSelector(4, 10, "Archiv"),
        motivation="questioning",
        colour="pink",
        body="Verborgene Frage.",
        tags=["Geheimfrage"],
        visibility="group",
        group=course.group,
    )
    annotation_create(user=jonas, parent=hidden, motivation="replying", body="Antwort eins.")
    annotation_hide(user=ines, annotation=hidden, reason="Nicht zum Thema.")
    deleted = annotation_create(
        user=lena,
        paragraph=p2,
        motivation="commenting",
        colour="green",
        body="Gelöschte Notiz.",
        tags=["Loeschmarke"],
        visibility="public",
    )
    annotation_create(user=jonas, parent=deleted, motivation="replying", body="Antwort zwei.")
    annotation_delete(user=lena, annotation=deleted)
    client = Client()
    client.force_login(jonas)
    return {"hidden": hidden, "deleted": deleted, "jonas": client}


@pytest.mark.parametrize("which", ["hidden", "deleted"])
def test_the_thread_fragment_of_a_placeholder_tells_nothing(seminar, which):
    html = seminar["jonas"].get(f"/annotations/{seminar[which].uuid}/thread/").content.decode()
    assert f'data-annotation="{seminar[which].uuid}"' in html and "data-deleted" in html
    for word in ("lena", "Lena Vogt", "pink", "green", "questioning", "commenting"):
        assert word not in html
    for attribute in ("data-author=", "data-author-name", "data-colour", "data-motivation"):
        assert html.count(attribute) == (1 if attribute == "data-author=" else 0)  # the reply's
    assert 'data-author="jonas"' in html
    assert "Geheimfrage" not in html and "Loeschmarke" not in html and "data-start" not in html


def test_the_paragraphs_threads_tell_nothing_of_the_placeholders(seminar):
    html = seminar["jonas"].get("/test-interview/p2/threads/").content.decode()
    assert html.count("data-deleted") == 2 and "Antwort eins." in html and "Antwort zwei." in html
    for word in ("lena", "Lena Vogt", "annotation--pink", "annotation--green", "Geheimfrage"):
        assert word not in html


@pytest.mark.parametrize("which", ["hidden", "deleted"])
def test_the_json_of_a_placeholder_has_no_colour_kind_or_passage(seminar, which):
    item = seminar["jonas"].get(f"{API}{seminar[which].uuid}/").json()
    assert item["deleted"] is True
    assert (item["author"], item["tags"], item["body"], item["body_html"]) == (None, [], "", "")
    assert (item["colour"], item["motivation"], item["selector"]) == (None, None, None)


@pytest.mark.parametrize(
    "params",
    [
        {"author": "lena"},
        {"author": "lena", "paragraph": "p2"},
        {"tag": "geheimfrage"},
        {"tag": "loeschmarke"},
        {"scope": "groups", "paragraph": "p2"},
        {"scope": "public", "paragraph": "p2"},
    ],
)
def test_no_filter_on_who_or_what_matches_a_placeholder(seminar, params):
    listed = seminar["jonas"].get(API, params).json()
    ids = {item["id"] for item in listed["items"]}
    assert str(seminar["hidden"].uuid) not in ids and str(seminar["deleted"].uuid) not in ids
    assert listed["total"] == len(listed["items"])
    assert all(not item["deleted"] for item in listed["items"])


def test_filtered_counts_leave_placeholders_out(seminar):
    client = seminar["jonas"]
    assert client.get(API, {"author": "lena"}).json()["total"] == 0
    assert client.get(API, {"tag": "geheimfrage"}).json()["total"] == 0
    # Where they are is no secret: the paragraph still lists them, so the replies have a thread.
    assert client.get(API, {"paragraph": "p2"}).json()["total"] == 4
    page = client.get("/test-interview/", {"author": "lena"}).content.decode()
    assert "Lena Vogt" not in page
    fragment = client.get("/test-interview/p2/threads/", {"author": "lena"}).content.decode()
    assert "data-annotation" not in fragment


def test_another_courses_instructor_gets_no_placeholder_of_a_hidden_note(seminar, edition):
    """Hidden in one course, then made public by its author (who answered it herself): an
    instructor of another course she attends sees neither the note nor whose it was in that
    course's pages and exports."""
    ines = make_instructor("ines2")
    course = course_create(user=ines, title="Kurs A")
    lena = seminar["hidden"].author
    course_join(user=lena, code=course.join_code)
    note = annotation_create(
        user=lena,
        paragraph=edition.paragraphs.get(public_id="p3"),
        motivation="commenting",
        body="Zweite verborgene Notiz.",
        visibility="group",
        group=course.group,
    )
    annotation_create(user=lena, parent=note, motivation="replying", body="Eigener Nachtrag.")
    annotation_hide(user=ines, annotation=note, reason="Nicht zum Thema.")
    annotation_update(user=lena, annotation=note, visibility="public")
    ola = make_instructor("ola")
    other = course_create(user=ola, title="Anderer Kurs")
    course_join(user=lena, code=other.join_code)
    make_assignment(other, ola, edition)
    client = Client()
    client.force_login(ola)
    for url in (
        f"/courses/{other.slug}/annotations/",
        f"/courses/{other.slug}/students/lena/",
        f"/courses/{other.slug}/annotations.csv",
        f"/courses/{other.slug}/annotations.jsonld",
    ):
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        page = content.decode()
        assert response.status_code == 200, url
        assert "Eigener Nachtrag." in page, url  # her reply is public work of a member
        assert "Zweite verborgene Notiz." not in page and str(note.uuid) + '"' not in page, url


def test_a_reply_the_reader_cannot_see_keeps_no_placeholder(people, p2):
    """ben's reply stayed course-only when ann made her note public; once she deletes the
    note, a reader outside the course finds nothing there, not even a placeholder."""
    root = annotation_create(
        user=people["ann"],
        paragraph=p2,
        motivation="commenting",
        body="Erst für die Gruppe.",
        visibility="group",
        group=people["group"],
    )
    bens = annotation_create(user=people["ben"], parent=root, motivation="replying", body="Ja.")
    annotation_update(user=people["ann"], annotation=root, visibility="private")
    annotation_update(user=people["ann"], annotation=root, visibility="public")
    annotation_delete(user=people["ann"], annotation=root)
    assert Client().get(API, {"paragraph": "p2"}).json()["total"] == 0
    outsider = Client()
    outsider.force_login(people["cy"])
    assert outsider.get(f"{API}{root.uuid}/").status_code == 404
    ben = Client()
    ben.force_login(people["ben"])
    ids = [item["id"] for item in ben.get(API, {"paragraph": "p2"}).json()["items"]]
    assert ids == [str(root.uuid), str(bens.uuid)]
