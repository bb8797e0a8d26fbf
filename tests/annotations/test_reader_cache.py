"""Responses kept per reader (annotations/reader_cache.py): a repeat costs fewer queries, and
whatever changes what the reader may see or what is shown makes a new key at once."""

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.tokens import api_token_create
from annotations.services import annotation_create, annotation_update

THREADS = "/test-interview/p2/threads/"
API = "/api/annotations/?edition=test-interview&paragraph=p2"


def note(user, paragraph, body, **kwargs):
    kwargs.setdefault("visibility", "public")
    return annotation_create(
        user=user, paragraph=paragraph, motivation="commenting", body=body, **kwargs
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queries(client: Client, url: str, **extra) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_a_repeat_is_kept_and_a_change_shows_at_once(people, p2):
    ann, ben = people["ann"], people["ben"]
    first = note(ann, p2, "Erste Notiz")
    client = signed_in(ben)
    rendered, html = queries(client, THREADS)
    kept, again = queries(client, THREADS)
    assert kept < rendered and again == html and "Erste Notiz" in html
    annotation_update(user=ann, annotation=first, body="Geänderte Notiz")
    note(ann, p2, "Zweite Notiz")
    _, html = queries(client, THREADS)
    assert "Geänderte Notiz" in html and "Zweite Notiz" in html and "Erste Notiz" not in html


def test_readers_never_share_a_kept_response(people, p2):
    note(people["ann"], p2, "Nur fuer Ann", visibility="private")
    assert "Nur fuer Ann" in queries(signed_in(people["ann"]), API)[1]
    assert "Nur fuer Ann" not in queries(signed_in(people["cy"]), API)[1]
    assert "Nur fuer Ann" not in queries(Client(), API)[1]


def test_joining_a_group_shows_its_notes_at_once(people, p2):
    group = people["group"]
    note(people["ann"], p2, "Für die Gruppe", visibility="group", group=group)
    cy = signed_in(people["cy"])
    assert "Für die Gruppe" not in queries(cy, THREADS)[1]
    group.members.add(people["cy"])  # no annotation changes: the reader's audience does
    assert "Für die Gruppe" in queries(cy, THREADS)[1]


def test_a_token_request_is_never_kept(people, p2):
    note(people["ann"], p2, "Privat per Token", visibility="private")
    _, secret = api_token_create(user=people["ann"], name="Skript")
    for _ in range(2):
        with_token = Client().get(API, HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert "Privat per Token" in with_token.content.decode()
        assert "Privat per Token" not in Client().get(API).content.decode()


def test_the_reading_page_is_kept_per_csrf_cookie_and_not_with_an_assignment(people, p2):
    client = signed_in(people["ann"])
    client.get("/test-interview/?scope=mine")  # sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    rendered, page = queries(client, "/test-interview/?scope=mine")
    kept, again = queries(client, "/test-interview/?scope=mine")
    assert kept < rendered and again == page
    # Another browser of the same reader (another CSRF cookie) gets a page of its own.
    other = signed_in(people["ann"])
    other.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    assert queries(other, "/test-interview/?scope=mine")[0] > kept
    assert client.cookies[settings.CSRF_COOKIE_NAME].value == token
    # An assignment's banner or a heat map is never kept.
    with_assignment = "/test-interview/?assignment=1"
    client.get(with_assignment)  # the caches every reader shares are warm after this
    assert queries(client, with_assignment)[0] == queries(client, with_assignment)[0] > kept
