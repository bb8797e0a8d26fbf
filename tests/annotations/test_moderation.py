"""An instructor hides a note shared with the course: its author still sees it, with the reason;
the course's instructors see it; nobody else does, on any page or API."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from annotations.models import Annotation
from annotations.selectors import annotations_visible_to
from annotations.services import AnnotationError, annotation_create, annotation_delete
from courses.services import (
    annotation_hide,
    annotation_unhide,
    co_instructor_add,
    course_create,
    course_join,
)
from tests.courses.conftest import make_instructor
from tests.factories import make_user

REASON = "Beleidigend gegenüber einer Kommilitonin."
BODY = "Eine Notiz, die verschwinden soll."


@pytest.fixture
def seminar(edition):
    """ines teaches the course; stu wrote the note; cleo studies with him; otto is outside;
    ola teaches another course that stu also attends."""
    ines = make_instructor("ines")
    course = course_create(user=ines, title="Bildtheorie")
    stu, cleo, otto = make_user("stu"), make_user("cleo"), make_user("otto")
    for user in (stu, cleo):
        course_join(user=user, code=course.join_code)
    ola = make_instructor("ola")
    other = course_create(user=ola, title="Anderer Kurs")
    course_join(user=stu, code=other.join_code)
    note = annotation_create(
        user=stu,
        paragraph=edition.paragraphs.get(public_id="p2"),
        motivation="commenting",
        body=BODY,
        tags=["Verborgen"],
        visibility="group",
        group=course.group,
    )
    return {
        "course": course,
        "other": other,
        "note": note,
        **{u.username: u for u in (ines, stu, cleo, otto, ola)},
    }


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def hide(seminar, annotation=None, reason=REASON) -> Annotation:
    return annotation_hide(
        user=seminar["ines"], annotation=annotation or seminar["note"], reason=reason
    )


def visible_pks(user) -> set[int]:
    return set(annotations_visible_to(user or AnonymousUser()).values_list("pk", flat=True))


def reply(user, parent, body="Eine Antwort."):
    return annotation_create(user=user, parent=parent, motivation="replying", body=body)


# The service


def test_instructor_hides_with_a_reason(seminar):
    hidden = hide(seminar, reason="  Nicht   zum Thema.  ")
    assert hidden.hidden_at is not None and hidden.hidden_by == seminar["ines"]
    assert hidden.hidden_reason == "Nicht zum Thema."


def test_co_instructor_hides_too(seminar):
    co_instructor_add(user=seminar["ines"], course=seminar["course"], username="cleo")
    annotation_hide(user=seminar["cleo"], annotation=seminar["note"], reason=REASON)
    seminar["note"].refresh_from_db()
    assert seminar["note"].hidden_by == seminar["cleo"]


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_reason_is_required(seminar, reason):
    with pytest.raises(ValidationError) as error:
        hide(seminar, reason=reason)
    assert "Say why you hide it" in str(error.value.message_dict["reason"])
    seminar["note"].refresh_from_db()
    assert seminar["note"].hidden_at is None


def test_a_reason_has_at_most_500_characters(seminar):
    hide(seminar, reason="x" * 500)
    with pytest.raises(ValidationError, match="At most 500 characters"):
        hide(seminar, reason="y" * 501)
    seminar["note"].refresh_from_db()
    assert seminar["note"].hidden_reason == "x" * 500


@pytest.mark.parametrize("who", ["stu", "cleo", "otto", "ola"])
def test_only_the_courses_instructors_hide(seminar, who):
    with pytest.raises(PermissionDenied):
        annotation_hide(user=seminar[who], annotation=seminar["note"], reason=REASON)
    with pytest.raises(PermissionDenied):
        annotation_unhide(user=seminar[who], annotation=hide(seminar))
    seminar["note"].refresh_from_db()
    assert seminar["note"].hidden_reason == REASON  # still hidden, by ines


@pytest.mark.parametrize("visibility", ["public", "private"])
def test_only_what_is_shared_with_the_course_can_be_hidden(seminar, edition, visibility):
    note = annotation_create(
        user=seminar["stu"],
        paragraph=edition.paragraphs.get(public_id="p2"),
        motivation="commenting",
        body="Öffentlich oder privat.",
        visibility=visibility,
    )
    with pytest.raises(PermissionDenied):
        hide(seminar, note)


def test_unhide_shows_it_again(seminar):
    hide(seminar)
    shown = annotation_unhide(user=seminar["ines"], annotation=seminar["note"])
    assert (shown.hidden_at, shown.hidden_by, shown.hidden_reason) == (None, None, "")
    assert seminar["note"].pk in visible_pks(seminar["cleo"])


def test_a_deleted_note_is_not_hidden(seminar):
    annotation_delete(user=seminar["stu"], annotation=seminar["note"])
    with pytest.raises(ValidationError, match="deleted it already"):
        hide(seminar)


# Who sees a hidden note: the selector


def test_author_and_the_courses_instructors_still_see_it(seminar):
    hide(seminar)
    pk = seminar["note"].pk
    assert pk in visible_pks(seminar["stu"]) and pk in visible_pks(seminar["ines"])
    for user in (seminar["stu"], seminar["ines"]):
        seen = annotations_visible_to(user).get(pk=pk)
        assert not seen.hidden_from_viewer and not seen.is_deleted


@pytest.mark.parametrize("who", ["cleo", "otto", "ola", None])
def test_nobody_else_sees_it(seminar, who):
    hide(seminar)
    assert seminar["note"].pk not in visible_pks(seminar[who] if who else None)


def test_a_hidden_reply_disappears_for_others_and_its_thread_stays(seminar):
    reply_in_course = reply(seminar["cleo"], seminar["note"], body="Antwort im Kurs.")
    hide(seminar, reply_in_course)
    assert reply_in_course.pk not in visible_pks(seminar["stu"])
    assert reply_in_course.pk in visible_pks(seminar["cleo"])
    assert reply_in_course.pk in visible_pks(seminar["ines"])
    assert seminar["note"].pk in visible_pks(seminar["stu"])


def test_a_hidden_note_with_visible_replies_is_a_placeholder(seminar):
    answer = reply(seminar["ines"], seminar["note"])
    hide(seminar)
    seen = annotations_visible_to(seminar["cleo"]).get(pk=seminar["note"].pk)
    assert seen.hidden_from_viewer and seen.is_deleted
    assert answer.pk in visible_pks(seminar["cleo"])
    # a reply hidden as well leaves nothing to hold the placeholder up
    hide(seminar, answer)
    assert seminar["note"].pk not in visible_pks(seminar["cleo"])
    assert seminar["note"].pk in visible_pks(seminar["ines"])


def test_a_reply_its_author_still_sees_holds_the_placeholder_up_for_them(seminar):
    answer = reply(seminar["cleo"], seminar["note"])
    hide(seminar)
    hide(seminar, answer)
    assert {seminar["note"].pk, answer.pk} <= visible_pks(seminar["cleo"])
    seen = annotations_visible_to(seminar["cleo"]).get(pk=seminar["note"].pk)
    assert (
        seen.is_deleted and not annotations_visible_to(seminar["cleo"]).get(pk=answer.pk).is_deleted
    )


def test_the_selector_stays_one_query(seminar):
    hide(seminar)
    reply(seminar["ines"], seminar["note"])
    with CaptureQueriesContext(connection) as queries:
        list(annotations_visible_to(seminar["cleo"]).prefetch_related(None))
    assert len(queries.captured_queries) == 1


def test_others_cannot_reply_to_a_placeholder(seminar):
    reply(seminar["ines"], seminar["note"])
    hide(seminar)
    placeholder = annotations_visible_to(seminar["cleo"]).get(pk=seminar["note"].pk)
    with pytest.raises(AnnotationError):
        reply(seminar["cleo"], placeholder)


# Who sees a hidden note: pages and APIs


def test_author_sees_it_marked_with_the_reason_on_the_page(seminar):
    hide(seminar)
    html = client_for(seminar["stu"]).get("/test-interview/p2/").content.decode()
    assert BODY in html
    assert f"<strong>Hidden by an instructor:</strong> {REASON}" in html


def test_the_reason_is_escaped(seminar):
    hide(seminar, reason='<script>alert("x")</script> & co')
    html = client_for(seminar["stu"]).get("/test-interview/p2/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html
    assert '<script>alert("x")' not in html


def test_instructor_sees_it_marked_on_the_page(seminar):
    hide(seminar)
    html = client_for(seminar["ines"]).get("/test-interview/p2/").content.decode()
    assert BODY in html and "Hidden by an instructor:" in html


@pytest.mark.parametrize("who", ["cleo", "otto", "ola", None])
def test_others_see_nothing_of_it_anywhere(seminar, who):
    hide(seminar)
    note = seminar["note"]
    client = client_for(seminar[who] if who else None)
    pages = [
        client.get("/test-interview/"),
        client.get("/test-interview/p2/"),
        client.get("/test-interview/p2/threads/"),
        client.get("/api/annotations/?edition=test-interview"),
        client.get("/tags/verborgen/"),
        client.get("/api/tags/?q=Verb"),
    ]
    for response in pages:
        assert response.status_code == 200
        content = response.content.decode()
        assert BODY not in content and str(note.uuid) not in content
        assert "Verborgen" not in content and REASON not in content
    assert client.get("/api/annotations/").json()["total"] == 0
    for url in (f"/api/annotations/{note.uuid}/", f"/annotations/{note.uuid}/thread/"):
        assert client.get(url).status_code == 404
    assert client.get(f"/annotations/{note.uuid}/").status_code == 404


def test_others_see_a_placeholder_where_replies_hold_the_thread(seminar):
    answer = reply(seminar["ines"], seminar["note"], body="Bitte sachlich bleiben.")
    hide(seminar)
    client = client_for(seminar["cleo"])
    html = client.get("/test-interview/p2/").content.decode()
    assert "Hidden by the instructor" in html and "Bitte sachlich bleiben." in html
    assert BODY not in html and REASON not in html and "Verborgen" not in html
    fragment = client.get(f"/annotations/{answer.uuid}/thread/").content.decode()
    assert "Hidden by the instructor" in fragment and BODY not in fragment
    item = client.get(f"/api/annotations/{seminar['note'].uuid}/").json()
    assert item["deleted"] is True and item["body"] == "" and item["body_html"] == ""
    assert item["tags"] == [] and item["author"] is None
    listed = client.get("/api/annotations/?edition=test-interview").json()["items"]
    assert [(a["body"], a["deleted"]) for a in listed] == [
        ("", True),
        ("Bitte sachlich bleiben.", False),
    ]
    tag_page = client.get("/tags/verborgen/").content.decode()
    assert "Hidden by the instructor" not in tag_page and BODY not in tag_page
    assert client.get("/api/tags/?q=Verb").json()["items"] == []


def test_author_still_finds_it_in_my_annotations_and_by_tag(seminar):
    hide(seminar)
    client = client_for(seminar["stu"])
    for url in ("/annotations/mine/", "/tags/verborgen/"):
        html = client.get(url).content.decode()
        assert BODY in html and f"Hidden by an instructor:</strong> {REASON}" in html
    assert client.get(f"/api/annotations/{seminar['note'].uuid}/").json()["body"] == BODY


def test_shown_again_everybody_in_the_course_sees_it(seminar):
    hide(seminar)
    annotation_unhide(user=seminar["ines"], annotation=seminar["note"])
    html = client_for(seminar["cleo"]).get("/test-interview/p2/").content.decode()
    assert BODY in html and "Hidden by" not in html


def test_a_hidden_note_of_a_deleted_account_stays_hidden(seminar):
    hide(seminar)
    seminar["stu"].delete()
    assert seminar["note"].pk not in visible_pks(seminar["cleo"])
    assert seminar["note"].pk in visible_pks(seminar["ines"])
