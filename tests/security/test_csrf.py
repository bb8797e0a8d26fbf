"""Every URL pattern of the project (the admin's included), every unsafe method, from a logged-in
session that sends no CSRF token: each is refused (403) or the method is not allowed (405), and
nothing in the database changes. The only views exempt from Django's check are the API's and
the W3C protocol's, which accept Bearer tokens; they run the same check themselves for a session.
"""

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.conftest import client_for

pytestmark = pytest.mark.django_db

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Views that take `Authorization: Bearer` and so are exempt from the middleware's CSRF check.
BEARER_VIEWS = {
    "annotations:api-collection",
    "annotations:api-item",
    "annotations:api-restore",
    "annotations:w3c-container",
    "annotations:w3c-annotation",
}


def patterns() -> list[tuple[str, str, object]]:
    """(namespace:name or the route, the full route, the view) of every pattern."""

    def walk(entries, prefix: str, namespace: str | None):
        for entry in entries:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route, entry.namespace or namespace)
            elif isinstance(entry, URLPattern):
                name = (f"{namespace}:" if namespace else "") + entry.name if entry.name else route
                yield name, route, entry.callback

    return list(walk(get_resolver().url_patterns, "", None))


def sample_values(site) -> dict[str, str]:
    """A value for every URL parameter the project has, taken from the site's objects."""
    return {
        "uuid": str(site["own_note"].uuid),
        "pk": str(site["assignment"].pk),
        "token_id": str(site["token"].pk),
        "code": site["course"].join_code,
        "username": "stu",
        "public_id": "p2",
        "uidb64": "MQ",
        "token": "set-password",
        "object_id": str(site["stu"].pk),
        "content_type_id": "1",
        "id": str(site["stu"].pk),
        "app_label": "auth",
        "url": "no-such-page/",
    }


def concrete_url(route: str, name: str, site) -> str:
    values = sample_values(site)
    if name.startswith("courses:"):
        values["slug"] = site["course"].slug
    elif name.startswith("annotations:"):
        values["slug"] = "archiv"
    else:
        values["slug"] = site["edition"].slug
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], url)
    return "/" + url.replace("^", "").replace("$", "")


def snapshot() -> dict:
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        # Unmanaged tables exist on one backend only (SQLite's full-text index).
        if model._meta.label in ("sessions.Session", "admin.LogEntry") or not model._meta.managed:
            continue
        tables[model._meta.label] = sorted(map(repr, model.objects.values_list()))
    return tables


def user_for(name: str, site):
    return site["root"] if name.startswith(("admin:", "admin/")) else site["ines"]


def test_every_pattern_is_enumerated():
    names = {name for name, _route, _view in patterns()}
    assert {"accounts:login", "courses:joining-set", "admin:auth_user_change"} <= names
    assert len(names) > 100


# Choosing the interface language sets a preference cookie only; the pages every anonymous
# reader shares (edition.page_cache) can carry no per-reader token for its form.
PREFERENCE_VIEWS = {"set_language"}


def test_only_the_bearer_token_views_are_exempt_from_csrf():
    exempt = {name for name, _route, view in patterns() if getattr(view, "csrf_exempt", False)}
    assert exempt <= BEARER_VIEWS | PREFERENCE_VIEWS
    assert {"annotations:api-collection", "annotations:w3c-container"} <= exempt


def refusal_problem(response, name: str, method: str) -> str | None:
    status = response.status_code
    if status == 405:
        return None
    if name in PREFERENCE_VIEWS:
        # Accepted: the language cookie is set, nothing is stored (the snapshot checks).
        return None if status == 302 else f"{method} {name}: {status}"
    if status != 403:
        return f"{method} {name}: {status}, not a refusal"
    if name in BEARER_VIEWS:
        if response.json()["error"]["field"] != "csrf":
            return f"{method} {name}: 403 but not for CSRF: {response.content[:200]!r}"
    elif "Nothing was saved" not in response.content.decode():
        return f"{method} {name}: 403 but not the CSRF page"
    return None


def test_no_state_change_without_a_csrf_token(site):
    """The logged-in user is the one each view would let through (an instructor and author;
    the superuser for the admin), so a 403 here is the CSRF check and nothing else."""
    clients = {
        user.pk: client_for(user, enforce_csrf_checks=True) for user in (site["ines"], site["root"])
    }
    before = snapshot()
    problems = []
    for name, route, _view in patterns():
        url = concrete_url(route, name, site)
        client = clients[user_for(name, site).pk]
        for method in UNSAFE_METHODS:
            response = client.generic(
                method, url, "body=x&name=y", content_type="application/x-www-form-urlencoded"
            )
            if problem := refusal_problem(response, name, method):
                problems.append(f"{problem} ({url})")
    assert not problems, "\n".join(problems)
    assert snapshot() == before


def test_the_same_requests_with_the_token_pass_the_check(site):
    """The control: with the CSRF token the session gets past the check (to the view's own
    answer), so the 403s above were CSRF."""
    client = client_for(site["ines"], enforce_csrf_checks=True)
    client.get("/accounts/profile/")
    token = client.cookies["csrftoken"].value
    headers = {"HTTP_X_CSRFTOKEN": token}
    profile = client.post("/accounts/profile/", {"display_name": "Ines"}, **headers)
    assert profile.status_code == 302
    api = client.post(
        "/api/annotations/",
        '{"edition": "test-interview", "paragraph": "p2", "body": "Mit Token."}',
        content_type="application/json",
        **headers,
    )
    assert api.status_code == 201


def test_bearer_requests_need_no_csrf_token_and_a_cookie_does_not_replace_the_bearer(site):
    raw = site["raw_token"]
    body = '{"edition": "test-interview", "paragraph": "p2", "body": "Per Token."}'
    bearer = Client(enforce_csrf_checks=True).post(
        "/api/annotations/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert bearer.status_code == 201
    session_only = client_for(site["ines"], enforce_csrf_checks=True).post(
        "/api/annotations/", body, content_type="application/json"
    )
    assert session_only.status_code == 403
    assert session_only.json() == {
        "error": {"field": "csrf", "message": "CSRF check failed: CSRF cookie not set."}
    }
