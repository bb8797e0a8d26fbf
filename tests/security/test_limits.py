"""Every limit answers with a clear 4xx (APIs) or the form's own message (pages), and stores
nothing: request bodies, annotation length, tag count and length through every entry point (JSON
API, W3C protocol, the plain form), paging, search query length, display name length."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from annotations.models import Annotation
from tests.security.conftest import client_for

pytestmark = pytest.mark.django_db

W3C = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
HIDDEN_INPUT = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def api_post(client, **changes):
    data = {"edition": "test-interview", "paragraph": "p2", "body": "Eine Notiz.", **changes}
    return client.post("/api/annotations/", json.dumps(data), content_type="application/json")


def w3c_post(client, *, body="Eine Notiz.", tags=()):
    data = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "commenting",
        "body": [{"type": "TextualBody", "value": body, "format": "text/markdown"}]
        + [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in tags],
        "target": {
            "source": "http://testserver/test-interview/",
            "selector": {"type": "FragmentSelector", "value": "p2"},
        },
    }
    return client.post("/annotations/w3c/", json.dumps(data), content_type=W3C)


def form_post(client, *, body="Eine Notiz.", tags=""):
    """The plain no-JavaScript form, with whatever hidden fields it carries."""
    url = "/annotations/new/?edition=test-interview&paragraph=p2"
    hidden = dict(HIDDEN_INPUT.findall(client.get(url).content.decode()))
    hidden.pop("csrfmiddlewaretoken", None)
    data = {**hidden, "motivation": "commenting", "body": body, "tags": tags}
    return client.post(url, data | {"visibility": "private"})


def error_of(response) -> dict:
    return response.json()["error"]


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


@pytest.fixture
def stu(site):
    return client_for(site["stu"])


@pytest.fixture
def count():
    before = Annotation.objects.count()
    return lambda: Annotation.objects.count() - before


# Request bodies


TOO_LARGE = {"field": "request", "message": "body larger than the limit of 65536 bytes (64 KiB)"}


def test_json_api_body_over_64_kib_is_413(site, stu, count):
    response = api_post(stu, body="x" * (64 * 1024))
    assert response.status_code == 413
    assert error_of(response) == TOO_LARGE
    huge = json.dumps({"body": "x" * (64 * 1024)})
    patch = stu.patch(
        f"/api/annotations/{site['course_note'].uuid}/", huge, content_type="application/json"
    )
    assert (patch.status_code, error_of(patch)) == (413, TOO_LARGE)
    preview = stu.post("/api/annotations/preview/", huge, content_type="application/json")
    assert (preview.status_code, error_of(preview)) == (413, TOO_LARGE)
    assert count() == 0
    assert site["course_note"].body == "Ein **Kurs**kommentar."


def test_w3c_body_over_64_kib_is_413(stu, count):
    response = w3c_post(stu, body="x" * (64 * 1024))
    assert response.status_code == 413
    assert error_of(response) == TOO_LARGE
    assert count() == 0


def test_a_json_body_over_one_mib_is_a_json_413_before_the_view(stu, count):
    """The request-size middleware answers JSON in the APIs' error shape, plain text else."""
    huge = "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    for path, content_type in (
        ("/api/annotations/", "application/json"),
        ("/annotations/w3c/", W3C),
    ):
        response = stu.post(path, json.dumps({"body": huge}), content_type=content_type)
        assert response.status_code == 413, path
        assert error_of(response) == {
            "field": "request",
            "message": "body larger than the limit of 1048576 bytes (1 MiB)",
        }
    assert count() == 0


def test_a_form_body_over_one_mib_is_413_before_the_view(stu, count):
    response = stu.post(
        "/annotations/new/?edition=test-interview&paragraph=p2",
        "motivation=commenting&body=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert response.content == b"Request body too large: at most 1048576 bytes are accepted.\n"
    assert count() == 0


def test_a_multipart_form_field_over_one_mib_is_djangos_400(stu, count):
    """A multipart body may be larger (for an upload), but not its text fields."""
    response = stu.post(
        "/annotations/new/?edition=test-interview&paragraph=p2",
        {"motivation": "commenting", "body": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
    )
    assert response.status_code == 400
    assert count() == 0


# Annotation length


def test_annotation_over_10000_characters_through_the_json_api(stu, count):
    response = api_post(stu, body="x" * 10_001)
    assert response.status_code == 400
    assert error_of(response) == {
        "field": "body",
        "message": "is 10001 characters long; the limit is 10000",
    }
    assert api_post(stu, body="x" * 10_000).status_code == 201
    assert count() == 1


def test_annotation_over_10000_characters_through_the_w3c_protocol(stu, count):
    response = w3c_post(stu, body="x" * 10_001)
    assert response.status_code == 400
    assert error_of(response)["message"] == "is 10001 characters long; the limit is 10000"
    assert count() == 0


def test_annotation_over_10000_characters_through_the_plain_form(stu, count):
    response = form_post(stu, body="x" * 10_001)
    assert response.status_code == 200
    assert "Ensure this value has at most 10000 characters (it has 10001)." in text(response)
    assert count() == 0


# Tags

ELEVEN_TAGS = [f"Tag{number}" for number in range(11)]
LONG_TAG = "x" * 51


@pytest.mark.parametrize(
    ("tags", "message"),
    [(ELEVEN_TAGS, "at most 10 tags"), ([LONG_TAG], "a tag has at most 50 characters")],
)
def test_tag_limits_through_the_json_api(stu, count, tags, message):
    response = api_post(stu, tags=tags)
    assert response.status_code == 400
    assert error_of(response) == {"field": "tags", "message": message}
    assert count() == 0


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (ELEVEN_TAGS, "at most 11 bodies: one note and 10 tags"),
        ([LONG_TAG], "a tag has at most 50 characters"),
    ],
)
def test_tag_limits_through_the_w3c_protocol(stu, count, tags, message):
    response = w3c_post(stu, tags=tags)
    assert response.status_code == 400
    assert error_of(response)["message"] == message
    assert count() == 0


@pytest.mark.parametrize(
    ("tags", "message"),
    [(ELEVEN_TAGS, "at most 10 tags"), ([LONG_TAG], "a tag has at most 50 characters")],
)
def test_tag_limits_through_the_plain_form(stu, count, tags, message):
    response = form_post(stu, tags=", ".join(tags))
    assert response.status_code == 200
    assert message in text(response)
    assert count() == 0


def test_ten_tags_of_50_characters_are_accepted(stu, count):
    tags = [f"{number}{'x' * 49}" for number in range(10)]
    assert api_post(stu, tags=tags).status_code == 201
    assert count() == 1


# Paging


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("limit=-1", {"field": "limit", "message": "must be from 1 to 200"}),
        ("limit=0", {"field": "limit", "message": "must be from 1 to 200"}),
        ("offset=-1", {"field": "offset", "message": "must be 0 or more"}),
        ("limit=ten", {"field": "offset", "message": "offset and limit must be integers"}),
    ],
)
def test_json_api_paging_out_of_range_is_400(stu, query, error):
    response = stu.get(f"/api/annotations/?{query}")
    assert response.status_code == 400
    assert error_of(response) == error


def test_json_api_limit_above_the_page_max_gives_a_full_page(stu):
    response = stu.get("/api/annotations/?limit=100000")
    assert response.status_code == 200
    assert response.json()["limit"] == 200


def test_json_api_offset_past_the_end_is_an_empty_page(stu):
    response = stu.get(f"/api/annotations/?offset={10**30}")
    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["total"] == 4  # the three notes stu may see and ines's reply


@pytest.mark.parametrize(
    ("page", "status", "message"),
    [
        (str(10**30), 404, "the last page is 0"),
        ("-1", 400, "must be a page number from 0"),
        ("first", 400, "must be a page number from 0"),
    ],
)
def test_w3c_pages_out_of_range(stu, page, status, message):
    response = stu.get(f"/annotations/w3c/?page={page}")
    assert response.status_code == status
    assert error_of(response) == {"field": "page", "message": message}


@pytest.mark.parametrize(
    "path",
    ["/tags/archiv/", "/annotations/mine/", "/search/?q=Archiv", "/courses/{slug}/annotations/"],
)
@pytest.mark.parametrize("page", [str(10**30), "-5", "last", "1e9"])
def test_html_pages_out_of_range_show_the_nearest_page(site, path, page):
    """Django's `get_page`: past the end the last page, nonsense the first; never an error."""
    user = site["ines"] if path.startswith("/courses/") else site["stu"]
    url = path.format(slug=site["course"].slug)
    separator = "&" if "?" in url else "?"
    response = client_for(user).get(f"{url}{separator}page={page}")
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1  # one page of results here


# Search query and display name


def test_a_search_query_over_200_characters_is_explained_not_run(stu):
    response = stu.get("/search/", {"q": "Archiv" * 84})
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters (it has 504)." in text(response)
    assert response.context["query"] is None


def test_a_display_name_over_80_characters_is_refused_on_the_profile(site, stu):
    response = stu.post("/accounts/profile/", {"display_name": "N" * 81})
    assert response.status_code == 200
    assert "Ensure this value has at most 80 characters (it has 81)." in text(response)
    site["stu"].profile.refresh_from_db()
    assert site["stu"].profile.display_name == ""


def test_a_display_name_over_80_characters_is_refused_at_sign_up(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "neu",
            "email": "neu@example.org",
            "display_name": "N" * 81,
            "password1": "quiet-archive-lantern-42",
            "password2": "quiet-archive-lantern-42",
        },
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 80 characters (it has 81)." in text(response)
    assert not response.wsgi_request.user.is_authenticated


# Passwords


def test_password_validators_are_on():
    names = [validator["NAME"].rsplit(".", 1)[1] for validator in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("1234567", "This password is too short. It must contain at least 8 characters."),
        ("password", "This password is too common."),
        ("84920175361", "This password is entirely numeric."),
        ("wolfgang.neumann", "The password is too similar to the username."),
    ],
)
def test_a_weak_password_is_refused_at_sign_up(client, db, password, message):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "wolfgang.neumann",
            "email": "wn@example.org",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 200
    assert message in text(response)
    assert not get_user_model().objects.filter(username="wolfgang.neumann").exists()
