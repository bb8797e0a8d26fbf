"""The edition page shared by readers without a session: rendered once per change, served from
the cache with an ETag (304 on revalidation) and gzipped; any annotation change shows at once."""

import gzip

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.services import profile_update
from annotations.services import annotation_create, annotation_delete
from tests.factories import make_user

URL = "/test-interview/"


def note(user, paragraph, body="Öffentlich", visibility="public"):
    return annotation_create(
        user=user, paragraph=paragraph, motivation="commenting", body=body, visibility=visibility
    )


def p2_row(html: str) -> str:
    return html[html.index('id="p2"') : html.index('id="p3"')]


def test_the_second_reader_gets_the_same_bytes_from_the_cache_for_one_query(edition):
    first = Client().get(URL)
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(URL)
    assert len(queries) == 1  # the edition's stamp
    assert second.content == first.content
    assert second["ETag"] == first["ETag"] and second["ETag"].startswith('"')
    assert second["Cache-Control"] == "no-cache"
    assert {"Cookie", "Accept-Language", "Accept-Encoding"} <= {
        v.strip() for v in second["Vary"].split(",")
    }
    assert second["Link"].endswith('rel="http://www.w3.org/ns/oa#annotationService"')


def test_a_revalidation_with_the_etag_is_answered_304_without_a_body(edition):
    etag = Client().get(URL)["ETag"]
    response = Client().get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b""
    assert response["ETag"] == etag
    assert Client().get(URL, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_page_is_sent_gzipped_to_who_accepts_it(edition):
    plain = Client().get(URL).content
    response = Client().get(URL, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == plain
    assert len(response.content) < len(plain) / 3


def test_the_shared_page_carries_no_token_and_sets_no_cookie(edition):
    Client().get(URL)
    response = Client().get(URL)
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies


def test_an_annotation_change_shows_at_once(edition):
    author = make_user("ann")
    p2 = edition.paragraphs.get(public_id="p2")
    before = Client().get(URL)
    assert "para-count" not in p2_row(before.content.decode())
    created = note(author, p2)
    after = Client().get(URL)
    assert after["ETag"] != before["ETag"]
    assert 'aria-label="1 annotation on paragraph 2">1<' in p2_row(after.content.decode())
    # An old ETag is no longer current.
    assert Client().get(URL, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    annotation_delete(user=author, annotation=created)
    assert "para-count" not in p2_row(Client().get(URL).content.decode())


def test_a_private_note_changes_nothing_anonymous_readers_see(edition):
    p2 = edition.paragraphs.get(public_id="p2")
    note(make_user("ann"), p2, "Geheim", visibility="private")
    html = Client().get(URL).content.decode()
    assert "para-count" not in p2_row(html) and "Geheim" not in html


def test_a_new_display_name_reaches_the_authors_filter(edition):
    ann = make_user("ann", display_name="Ann Alt")
    note(ann, edition.paragraphs.get(public_id="p2"))
    assert ">Ann Alt</option>" in Client().get(URL).content.decode()
    profile_update(user=ann, display_name="Ann Neu")
    html = Client().get(URL).content.decode()
    assert ">Ann Neu</option>" in html and "Ann Alt" not in html


def test_each_language_has_its_own_page(edition):
    german = Client().get(URL, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    english = Client().get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="de">' in german and '<html lang="en">' in english


def test_readers_with_a_session_or_a_query_get_their_own_rendering(edition):
    ann = make_user("ann", display_name="Ann Archiv")
    shared = Client().get(URL).content
    client = Client()
    client.force_login(ann)
    own = client.get(URL)
    assert own.content != shared and "Ann Archiv" in own.content.decode()
    assert "ETag" not in own
    filtered = Client().get(URL + "?scope=public")
    assert "ETag" not in filtered and 'value="public" selected' in filtered.content.decode()


# The kept page is answered by `SharedEditionPageMiddleware`, above the session, CSRF and
# authentication middleware; everything else reaches the view.


def _below(request):
    raise AssertionError("the kept page should have been answered above the rest of the stack")


def _middleware_response(path=URL, **headers):
    from django.test import RequestFactory

    from reading.middleware import SharedEditionPageMiddleware

    request = RequestFactory().get(path, **headers)
    return SharedEditionPageMiddleware(_below)(request)


def test_a_kept_page_is_answered_before_the_stack_below_for_one_query(edition):
    rendered = Client().get(URL)
    with CaptureQueriesContext(connection) as queries:
        response = _middleware_response()
    assert len(queries) == 1
    assert response.content == rendered.content and response["ETag"] == rendered["ETag"]
    assert response["Content-Length"] == str(len(rendered.content))
    assert response["Content-Language"] == "en"
    assert _middleware_response(HTTP_IF_NONE_MATCH=rendered["ETag"]).status_code == 304


def test_the_middleware_chooses_the_language_as_locale_middleware_would(edition):
    Client().get(URL, HTTP_ACCEPT_LANGUAGE="de")
    Client().get(URL, HTTP_ACCEPT_LANGUAGE="en")
    german = _middleware_response(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")
    assert '<html lang="de">' in german.content.decode() and german["Content-Language"] == "de"
    english = _middleware_response(HTTP_ACCEPT_LANGUAGE="en-GB")
    assert '<html lang="en">' in english.content.decode()
    # The language cookie wins over the header, as in LocaleMiddleware.
    from django.conf import settings

    cookie = f"{settings.LANGUAGE_COOKIE_NAME}=de"
    by_cookie = _middleware_response(HTTP_ACCEPT_LANGUAGE="en", HTTP_COOKIE=cookie)
    assert '<html lang="de">' in by_cookie.content.decode()


def test_what_is_not_kept_goes_down_to_the_view(edition, settings):
    from django.test import RequestFactory

    from reading.middleware import SharedEditionPageMiddleware

    Client().get(URL)  # kept now
    passed = []

    def below(request):
        passed.append(request.get_full_path())
        return "from below"

    middleware = SharedEditionPageMiddleware(below)
    factory = RequestFactory()
    session = {settings.SESSION_COOKIE_NAME: "abc"}
    requests = [
        factory.get(URL + "?scope=public"),  # a query string
        factory.post(URL),  # not GET
        factory.get("/test-interview/p2/"),  # another page
        factory.get("/no-such-edition/"),  # no edition: the view says 404
        factory.get("/nowhere/at/all/"),  # no URL
        factory.get(URL, HTTP_ACCEPT_LANGUAGE="de"),  # not rendered in German yet
    ]
    with_session = factory.get(URL)
    with_session.COOKIES.update(session)
    requests.append(with_session)
    assert [middleware(request) for request in requests] == ["from below"] * len(requests)
    assert len(passed) == len(requests)


def test_a_first_view_asks_for_the_stamp_once(edition):
    with CaptureQueriesContext(connection) as queries:
        Client().get(URL)
    stamps = [q["sql"] for q in queries if "annotations_changed_at FROM" in q["sql"]]
    assert len(stamps) == 1


def test_the_answer_from_above_carries_the_security_headers(edition):
    Client().get(URL)
    response = Client().get(URL)
    assert response["Content-Security-Policy"] and response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
