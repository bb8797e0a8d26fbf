"""The W3C protocol over a real HTTP server to a client that accepts gzip, as every browser
does: strong ETags stay strong through compression, If-Match (strong comparison) lets the
client's PUT and DELETE through, If-None-Match (weak comparison) answers 304, and a
cross-origin client may read Vary."""

import gzip
import json
import urllib.error
import urllib.request

import pytest

from accounts import tokens
from annotations import services
from annotations.services import TextSelector
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


@pytest.fixture
def served(transactional_db, live_server):
    edition = factories.make_edition()
    user = factories.make_user("ann")
    _token, raw = tokens.api_token_create(user=user, name="gzip client")
    annotation = services.annotation_create(
        user=user,
        paragraph=edition.paragraphs.get(public_id="p2"),
        selector=TextSelector(4, 10, "Archiv"),
        motivation="commenting",
        body="Ein Ort, *kein* Speicher.",
        visibility="public",
    )
    url = f"{live_server.url}/annotations/w3c/{annotation.uuid}/"
    return url, {"Authorization": f"Bearer {raw}", "Accept-Encoding": "gzip, deflate, br"}


def call(url: str, headers: dict, *, method: str = "GET", data: dict | None = None):
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    if body is not None:
        request.add_header("Content-Type", MEDIA_TYPE)
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310 (the live server)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def decoded(headers, content: bytes) -> dict:
    if headers.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    return json.loads(content)


def test_a_gzip_client_reads_replaces_and_deletes_with_strong_etags(served):
    url, headers = served
    status, answer, content = call(url, headers)
    assert status == 200
    assert answer["Content-Encoding"] == "gzip"
    etag = answer["ETag"]
    assert etag.startswith('"') and etag.endswith('-gzip"')  # strong, and its own
    assert "Accept-Encoding" in answer["Vary"]
    assert "Vary" in [name.strip() for name in answer["Access-Control-Expose-Headers"].split(",")]
    data = decoded(answer, content)

    status, answer, _ = call(url, headers | {"If-None-Match": etag})
    assert (status, answer["ETag"]) == (304, etag)
    # A cache that weakened it (as GZipMiddleware does) still gets its 304.
    assert call(url, headers | {"If-None-Match": f"W/{etag}"})[0] == 304

    data["body"][0]["value"] = "Ein Ort, *kein* Speicher: ein Ort der Produktion."
    status, answer, content = call(url, headers | {"If-Match": etag}, method="PUT", data=data)
    assert status == 200, content
    assert decoded(answer, content)["body"][0]["value"].endswith("der Produktion.")
    changed = answer["ETag"]
    assert changed != etag

    # The old tag no longer matches; a weak tag never matches If-Match.
    assert call(url, headers | {"If-Match": etag}, method="PUT", data=data)[0] == 412
    assert call(url, headers | {"If-Match": f"W/{changed}"}, method="DELETE")[0] == 412
    # A client without gzip gets the plain representation's tag, which names the same state.
    plain = {"Authorization": headers["Authorization"]}
    status, answer, _ = call(url, plain)
    assert answer.get("Content-Encoding") is None
    assert answer["ETag"] == changed.replace('-gzip"', '"')
    assert call(url, plain | {"If-Match": changed}, method="DELETE")[0] == 204
    assert call(url, headers)[0] == 404  # gone, with no replies that keep its place
