"""Personal API tokens: made and revoked on the profile page, stored hashed, sent as Bearer."""

import hashlib
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts import tokens
from accounts.models import ApiToken
from annotations import services
from annotations.models import Annotation

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
CREATE = reverse("accounts:api-token-create")
API = "/api/annotations/"


def revoke_url(token):
    return reverse("accounts:api-token-revoke", kwargs={"token_id": token.pk})


def shown_token(response) -> str:
    match = re.search(r'<code id="new-api-token-value">([^<]+)</code>', response.content.decode())
    assert match, "the new token is shown"
    return match.group(1)


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def people(make_user):
    return {name: make_user(name) for name in ("ann", "ben")}


@pytest.fixture
def p2(edition):
    return edition.paragraphs.get(public_id="p2")


@pytest.fixture
def ann_client(client, people):
    client.force_login(people["ann"])
    return client


def test_creating_a_token_shows_it_once_and_stores_only_its_sha256(ann_client, people):
    response = ann_client.post(CREATE, {"name": "Zotero"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = shown_token(response)
    assert len(raw) >= 43  # token_urlsafe(32): 256 random bits
    token = ApiToken.objects.get(user=people["ann"])
    assert token.name == "Zotero"
    assert token.hashed == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:8]
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert raw not in stored
    later = ann_client.get(PROFILE).content.decode()
    assert raw not in later
    assert "Zotero" in later and f"{raw[:8]}…" in later


def test_token_needs_a_name(ann_client):
    response = ann_client.post(CREATE, {"name": "  "})
    assert response.status_code == 200
    assert "new-api-token" not in response.content.decode()
    assert not ApiToken.objects.exists()


def test_token_name_is_escaped_on_the_profile_page(ann_client):
    ann_client.post(CREATE, {"name": "<script>alert(1)</script>"})
    page = ann_client.get(PROFILE).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_at_most_twenty_active_tokens(ann_client, people):
    for n in range(tokens.TOKENS_MAX):
        tokens.api_token_create(user=people["ann"], name=f"t{n}")
    response = ann_client.post(CREATE, {"name": "one too many"})
    assert "revoke one first" in response.content.decode()
    assert ApiToken.objects.filter(user=people["ann"]).count() == tokens.TOKENS_MAX


def test_token_pages_need_login_and_post(client, people):
    token, _raw = tokens.api_token_create(user=people["ann"], name="x")
    assert client.post(CREATE, {"name": "x"}).status_code == 302
    assert client.post(revoke_url(token)).status_code == 302
    client.force_login(people["ann"])
    assert client.get(CREATE).status_code == 405
    assert client.get(revoke_url(token)).status_code == 405


def test_creating_and_revoking_need_the_csrf_token(people):
    token, _raw = tokens.api_token_create(user=people["ann"], name="x")
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["ann"])
    assert client.post(CREATE, {"name": "y"}).status_code == 403
    assert client.post(revoke_url(token)).status_code == 403
    assert ApiToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_a_token_ends_its_use(ann_client, people):
    token, raw = tokens.api_token_create(user=people["ann"], name="laptop")
    assert Client().get(API, headers=bearer(raw)).status_code == 200
    response = ann_client.post(revoke_url(token), follow=True)
    assert "has been revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    page = ann_client.get(PROFILE).content.decode()
    assert "revoked" in page and f'action="{revoke_url(token)}"' not in page
    response = Client().get(API, headers=bearer(raw))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer ")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_someone_elses_token_cannot_be_revoked(client, people):
    token, _raw = tokens.api_token_create(user=people["ann"], name="ann's")
    client.force_login(people["ben"])
    assert client.post(revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    ("header", "error"),
    [
        ("Bearer not-a-token", "invalid_token"),
        ("Bearer ", "invalid_request"),
        ("Bearer two tokens", "invalid_request"),
    ],
)
def test_unknown_or_malformed_token_is_401_with_a_bearer_challenge(people, header, error):
    response = Client().get(API, headers={"Authorization": header})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == f'Bearer realm="annotations", error="{error}"'
    assert response.json()["error"]["field"] == "authorization"


def test_token_of_a_deactivated_user_is_refused(people):
    _token, raw = tokens.api_token_create(user=people["ann"], name="x")
    people["ann"].is_active = False
    people["ann"].save()
    assert Client().get(API, headers=bearer(raw)).status_code == 401


def test_token_acts_as_its_user_on_the_json_api_without_csrf(people, p2):
    services.annotation_create(
        user=people["ann"], paragraph=p2, motivation="commenting", body="privat"
    )
    _token, raw = tokens.api_token_create(user=people["ann"], name="script")
    client = Client(enforce_csrf_checks=True)
    listed = client.get(API, {"scope": "mine"}, headers=bearer(raw)).json()
    assert [item["body"] for item in listed["items"]] == ["privat"]
    note = {"edition": "test-interview", "paragraph": "p2", "body": "per Token"}
    response = client.post(
        API, json.dumps(note), content_type="application/json", headers=bearer(raw)
    )
    assert response.status_code == 201
    assert response.json()["author"]["username"] == "ann"
    created = response.json()["id"]
    response = client.patch(
        f"{API}{created}/",
        json.dumps({"body": "geändert"}),
        "application/json",
        headers=bearer(raw),
    )
    assert response.status_code == 200
    assert client.delete(f"{API}{created}/", headers=bearer(raw)).status_code == 204


def test_session_without_bearer_still_needs_csrf_on_the_json_api(people, p2):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["ann"])
    note = {"edition": "test-interview", "paragraph": "p2", "body": "x"}
    response = client.post(API, json.dumps(note), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["field"] == "csrf"
    assert not Annotation.objects.exists()


def test_use_is_recorded_at_most_once_a_minute(people):
    token, raw = tokens.api_token_create(user=people["ann"], name="x")
    assert token.last_used is None
    Client().get(API, headers=bearer(raw))
    token.refresh_from_db()
    first_use = token.last_used
    assert first_use is not None
    Client().get(API, headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used == first_use
