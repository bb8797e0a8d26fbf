"""The security headers on every kind of response: pages, JSON, files, errors, static files."""

import json
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from tests.security.conftest import client_for
from tests.test_deploy import ROOT, production_env

pytestmark = pytest.mark.django_db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_headers(response) -> None:
    got = {name: response.get(name) for name in HEADERS}
    assert got == HEADERS, response.request["PATH_INFO"]


@pytest.mark.parametrize(
    ("path", "status", "content_type"),
    [
        ("/", 200, "text/html"),
        ("/test-interview/", 200, "text/html"),
        ("/test-interview/p2/", 200, "text/html"),
        ("/accounts/login/", 200, "text/html"),
        ("/search/?q=Archiv", 200, "text/html"),
        ("/api/annotations/?edition=test-interview", 200, "application/json"),
        ("/annotations/w3c/", 200, "application/ld+json"),
        ("/api/tags/?q=a", 200, "application/json"),
        ("/test-interview/edition.json", 200, "application/json"),
        ("/test-interview/edition.txt", 200, "text/plain"),
        ("/test-interview/edition.tei.xml", 200, "application/tei+xml"),
        ("/test-interview/cite.bib", 200, "application/x-bibtex"),
        ("/no-such-edition/", 404, "text/html"),
        ("/courses/", 302, "text/html"),
    ],
)
def test_every_kind_of_response_carries_the_headers(site, path, status, content_type):
    response = client_for(site["stu"]).get(path) if path != "/courses/" else Client().get(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith(content_type)
    assert_headers(response)


def test_csv_exports_carry_the_headers(site):
    course, assignment = site["course"], site["assignment"]
    url = f"/courses/{course.slug}/assignments/{assignment.pk}/annotations.csv"
    response = client_for(site["ines"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert_headers(response)


def test_errors_of_the_api_and_a_refused_csrf_carry_the_headers(site):
    client = client_for(site["stu"], enforce_csrf_checks=True)
    refused = client.post("/api/annotations/", "{}", content_type="application/json")
    assert refused.status_code == 403
    assert_headers(refused)
    page_refused = client.post("/accounts/profile/", {"display_name": "x"})
    assert page_refused.status_code == 403
    assert_headers(page_refused)


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_carry_the_headers():
    """Served by WhiteNoise, which answers before the rest of the middleware runs."""
    for path in ("/static/css/edition.css", "/static/js/permalink.js", "/static/favicon.svg"):
        response = Client().get(path)
        response.close()
        assert response.status_code == 200, path
        assert_headers(response)


def test_a_body_over_the_limit_is_refused_before_any_view_reads_it(site, settings):
    client = client_for(site["stu"])
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    for path in ("/accounts/login/", "/api/annotations/", "/annotations/w3c/"):
        response = client.post(path, body, content_type="application/octet-stream")
        assert response.status_code == 413, path
        assert response.content.decode() == (
            "Request body too large: at most 1048576 bytes are accepted.\n"
        )
        assert_headers(response)


def test_a_multipart_upload_over_the_limit_is_refused(site, settings):
    """Django would stream a file part to disk whatever its size."""
    client = client_for(site["stu"])
    big = SimpleUploadedFile("big.json", b"a" * (settings.UPLOAD_MAX_BYTES + 1))
    response = client.post("/accounts/profile/", {"file": big})
    assert response.status_code == 413
    assert response.content.decode() == (
        "Request body too large: at most 4194304 bytes are accepted.\n"
    )
    # An upload under the limit reaches the view (which has no use for the file).
    small = SimpleUploadedFile("small.json", b"a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    assert client.post("/accounts/profile/", {"file": small}).status_code == 302


def test_with_debug_on_django_error_pages_go_without_the_policy(settings):
    """They style themselves inline; every other answer keeps it."""
    settings.DEBUG = True
    assert "Content-Security-Policy" not in Client().get("/no-such-edition/")
    assert Client().get("/accounts/login/")["Content-Security-Policy"] == CSP


PRODUCTION_SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
response = Client(HTTP_HOST="edition.example.org").get("/accounts/login/", secure=True)
plain = Client(HTTP_HOST="edition.example.org").get("/accounts/login/")
print(json.dumps({
    "status": response.status_code,
    "hsts": response.get("Strict-Transport-Security"),
    "csp": response.get("Content-Security-Policy"),
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location"),
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_cookie_secure": response.cookies["csrftoken"]["secure"],
}))
"""


def test_production_sends_hsts_redirects_to_https_and_has_secure_cookies(tmp_path):
    env = production_env(tmp_path)
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got == {
        "status": 200,
        "hsts": "max-age=31536000; includeSubDomains; preload",
        "csp": CSP,
        "plain_status": 301,
        "plain_location": "https://edition.example.org/accounts/login/",
        "cookies": [True, True],
        "httponly": True,
        "csrf_cookie_secure": True,
    }
