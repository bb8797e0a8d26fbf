"""A paragraph's threads are rendered once per state of each thread and shared by the readers who
see it the same way (`annotations.thread_cache`): counted in thread templates rendered. A kept
thread never shows a reader what they may not see."""

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.services import profile_update
from annotations import thread_cache
from annotations.services import annotation_create
from courses.services import annotation_hide
from tests.factories import make_course, make_instructor, make_student

THREAD = "includes/annotation_thread.html"


@pytest.fixture
def seminar(edition):
    ines = make_instructor("ines")
    course = make_course(ines, title="Seminar A")
    people = {name: make_student(course, name) for name in ("ann", "ben", "cleo", "dan")}
    p2 = edition.paragraphs.get(public_id="p2")
    notes = [
        annotation_create(
            user=people["ann"],
            paragraph=p2,
            motivation="commenting",
            body=f"Notiz {n}",
            visibility="group",
            group=course.group,
        )
        for n in range(3)
    ]
    return {"edition": edition, "course": course, "ines": ines, "p2": p2, "notes": notes, **people}


def _threads(user, path="/test-interview/p2/threads/"):
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    rendered = sum(1 for template in response.templates if template.name == THREAD)
    return response.content.decode(), rendered


def test_classmates_share_the_rendered_threads(seminar):
    html, rendered = _threads(seminar["ben"])
    assert rendered == 3
    again, rendered_again = _threads(seminar["cleo"])
    assert rendered_again == 0
    assert again == html
    assert html.count('class="annotation thread') == 3


def test_a_reply_renders_only_its_thread_again(seminar):
    _threads(seminar["ben"])
    annotation_create(
        user=seminar["dan"], parent=seminar["notes"][1], motivation="replying", body="Antwort."
    )
    html, rendered = _threads(seminar["cleo"])
    assert rendered == 1
    assert "Antwort." in html


def test_private_notes_are_never_shared(seminar):
    from annotations.services import annotation_update

    _threads(seminar["ben"])
    annotation_create(
        user=seminar["dan"],
        paragraph=seminar["p2"],
        motivation="commenting",
        body="Nur für mich.",
        visibility="private",
    )
    annotation_create(
        user=seminar["dan"], parent=seminar["notes"][0], motivation="replying", body="Dans Antwort."
    )
    # ann takes her note back to herself: the thread, dan's reply too, becomes private
    annotation_update(user=seminar["ann"], annotation=seminar["notes"][0], visibility="private")
    own, rendered = _threads(seminar["dan"])
    # (his reply went with the thread: the page shows threads, and this one is ann's alone now)
    assert "Nur für mich." in own and "Dans Antwort." not in own and "Notiz 0" not in own
    assert rendered == 1
    theirs, rendered_theirs = _threads(seminar["cleo"])
    assert "Nur für mich." not in theirs and "Dans Antwort." not in theirs
    assert "Notiz 0" not in theirs and theirs.count('class="annotation thread') == 2
    assert rendered_theirs == 0  # the two threads she sees are as ben saw them


def test_the_author_and_staff_get_their_own_history_links(seminar):
    from annotations.services import annotation_update

    annotation_update(user=seminar["ann"], annotation=seminar["notes"][2], body="Neu gefasst.")
    author_html, author_rendered = _threads(seminar["ann"])
    reader_html, _ = _threads(seminar["ben"])
    assert author_rendered == 3
    assert author_html.count("/history/") == 1
    assert reader_html.count("/history/") == 0


def test_a_hidden_note_is_a_placeholder_for_classmates_and_whole_for_its_author(seminar):
    annotation_create(
        user=seminar["ben"], parent=seminar["notes"][0], motivation="replying", body="Gut."
    )
    _threads(seminar["cleo"])
    annotation_hide(user=seminar["ines"], annotation=seminar["notes"][0], reason="Off topic.")
    classmate, rendered = _threads(seminar["dan"])
    assert "Notiz 0" not in classmate and "Gut." in classmate and rendered == 1
    author, _ = _threads(seminar["ann"])
    assert "Notiz 0" in author and "Off topic." in author
    instructor, _ = _threads(seminar["ines"])
    assert "Notiz 0" in instructor


def test_a_renamed_author_is_shown_with_the_new_name(seminar):
    _threads(seminar["ben"])
    profile_update(user=seminar["ann"], display_name="Ann Neuname")
    html, rendered = _threads(seminar["cleo"])
    assert "Ann Neuname" in html and rendered == 3


def test_a_note_changed_between_the_two_queries_is_answered_unshared(seminar, monkeypatch):
    from annotations.services import annotation_update

    real = thread_cache.threads_for

    def edit_first(*args, **kwargs):
        monkeypatch.setattr(thread_cache, "threads_for", real)
        annotation_update(user=seminar["ann"], annotation=seminar["notes"][0], body="Dazwischen.")
        return real(*args, **kwargs)

    monkeypatch.setattr(thread_cache, "threads_for", edit_first)
    html, _rendered = _threads(seminar["ben"])
    assert "Dazwischen." in html  # through ben's own visibility query, as it is now
    assert not [key for key in cache._cache if "thread-html" in key]  # locmem in tests
    _again, rendered_again = _threads(seminar["cleo"])
    assert rendered_again == 3


def test_an_unedited_note_looks_the_same_to_its_author(seminar):
    _threads(seminar["ben"])
    _html, rendered = _threads(seminar["ann"])
    assert rendered == 0
