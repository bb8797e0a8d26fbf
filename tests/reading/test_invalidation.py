"""What a write makes render again, counted: a note changes what is kept of its own paragraph
and of the readers who can see it, and nothing else."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from annotations.services import annotation_create

PAGE = "/test-interview/"
THREADS = "/test-interview/{}/threads/"


def note(user, paragraph, body="Notiz", **kwargs):
    kwargs.setdefault("visibility", "public")
    return annotation_create(
        user=user, paragraph=paragraph, motivation="commenting", body=body, **kwargs
    )


def reader(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get(PAGE)  # the CSRF cookie a browser has
    return client


def cost(client: Client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content


def test_a_note_on_p2_leaves_the_kept_threads_of_p3(seminar, p2, p3):
    note(seminar["ann"], p3, "Auf p3")
    ben = reader(seminar["ben"])
    rendered, html = cost(ben, THREADS.format("p3"))
    kept, again = cost(ben, THREADS.format("p3"))
    assert kept < rendered and again == html
    note(seminar["ann"], p2, "Auf p2")
    after, still = cost(ben, THREADS.format("p3"))
    assert after == kept and still == html
    changed, fresh = cost(ben, THREADS.format("p2"))
    assert changed > kept and b"Auf p2" in fresh


def test_a_note_of_another_course_leaves_the_kept_threads_of_its_paragraph(seminar, p2):
    note(seminar["ann"], p2, "Für alle")
    bob = reader(seminar["bob"])
    cost(bob, THREADS.format("p2"))
    kept, html = cost(bob, THREADS.format("p2"))
    note(seminar["ann"], p2, "Für A", visibility="group", group=seminar["a"].group)
    after, still = cost(bob, THREADS.format("p2"))
    assert after == kept and still == html and b"F\xc3\xbcr A" not in still
    ben = reader(seminar["ben"])
    _rendered, for_ben = cost(ben, THREADS.format("p2"))
    assert "Für A".encode() in for_ben


def test_making_a_note_private_reaches_the_readers_it_leaves(seminar, p2):
    from annotations.services import annotation_update

    shared = note(seminar["ann"], p2, "Erst für A", visibility="group", group=seminar["a"].group)
    ben = reader(seminar["ben"])
    cost(ben, THREADS.format("p2"))
    annotation_update(user=seminar["ann"], annotation=shared, visibility="private")
    _cost, html = cost(ben, THREADS.format("p2"))
    assert "Erst für A".encode() not in html


def test_a_course_note_leaves_the_kept_pages_of_another_course(seminar, p2):
    bob = reader(seminar["bob"])
    ben = reader(seminar["ben"])
    cost(bob, PAGE)
    kept_bob, page_bob = cost(bob, PAGE)
    cost(ben, PAGE)
    kept_ben, _page_ben = cost(ben, PAGE)
    note(seminar["ann"], p2, "Für A", visibility="group", group=seminar["a"].group)
    # Bob's page is still the kept one, at the kept cost: none of his audiences' versions
    # moved (course A's did), so not even his live state's p2 is asked again.
    bob_after, page_after = cost(bob, PAGE)
    assert page_after == page_bob and bob_after == kept_bob
    # Ben's page is rendered again, with the new count on p2.
    ben_after, page_ben = cost(ben, PAGE)
    assert ben_after > kept_ben + 1
    assert b'href="#notes-p2"' in page_ben


def test_a_private_note_leaves_every_other_readers_kept_page(seminar, p2):
    ben = reader(seminar["ben"])
    cost(ben, PAGE)
    kept, page = cost(ben, PAGE)
    note(seminar["ann"], p2, "Privat", visibility="private")
    after, again = cost(ben, PAGE)
    assert again == page and after == kept  # only ann's own audience moved


def test_narrowing_a_thread_counts_for_its_repliers_too(seminar, p2):
    """The replies go along in one UPDATE, which sends no signals: their authors' own
    audience on the paragraph moves as well, so what is kept for them shows the change."""
    from annotations.models import AudienceVersion
    from annotations.services import annotation_update

    root = note(seminar["ann"], p2, "Für A", visibility="group", group=seminar["a"].group)
    annotation_create(user=seminar["ben"], parent=root, motivation="replying", body="Antwort")

    def bens() -> int:
        row = AudienceVersion.objects.filter(paragraph=p2, audience=f"user:{seminar['ben'].pk}")
        return row.values_list("version", flat=True).first() or 0

    before = bens()
    annotation_update(user=seminar["ann"], annotation=root, visibility="private")
    assert bens() == before + 1
    reply = root.thread.get(author=seminar["ben"])
    assert reply.visibility == "private"
