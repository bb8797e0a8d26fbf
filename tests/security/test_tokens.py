"""Personal API tokens, as issue 7 asks: scoped to their user, revocable, stored hashed,
compared in constant time. (tests/accounts/test_tokens.py covers the pages and the API use.)"""

import hashlib
import hmac

import pytest
from django.test import Client

from accounts import tokens
from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def whoami(raw: str) -> int:
    """The status of an API read with the token."""
    return Client().get("/api/annotations/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_only_the_sha256_digest_is_stored(site):
    raw, token = site["raw_token"], site["token"]
    assert token.hashed == hashlib.sha256(raw.encode()).hexdigest()
    assert all(raw not in str(value) for value in ApiToken.objects.values_list().get())


def test_the_digest_is_compared_in_constant_time(site, monkeypatch):
    compared = []
    original = hmac.compare_digest

    def compare_digest(a, b):
        compared.append((a, b))
        return original(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", compare_digest)
    assert tokens.api_token_user(site["raw_token"]) == site["ines"]
    assert compared == [(site["token"].hashed, site["token"].hashed)]


def test_a_token_with_the_right_prefix_and_the_wrong_rest_is_refused(site):
    raw = site["raw_token"]
    forged = raw[: tokens.PREFIX_LENGTH] + ("A" if raw[-1] != "A" else "B") * (len(raw) - 8)
    assert tokens.api_token_user(forged) is None
    assert whoami(forged) == 401


def test_a_token_acts_only_as_its_user_and_ends_when_revoked(site):
    raw = site["raw_token"]
    assert tokens.api_token_user(raw) == site["ines"]
    with pytest.raises(ApiToken.DoesNotExist):
        tokens.api_token_revoke(user=site["stu"], token_id=site["token"].pk)
    assert whoami(raw) == 200
    tokens.api_token_revoke(user=site["ines"], token_id=site["token"].pk)
    assert tokens.api_token_user(raw) is None
    assert whoami(raw) == 401
