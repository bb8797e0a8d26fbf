"""Rate limits: failed log-ins per username and address and per address alone (the site's log-in,
the admin's and wrong current passwords on the password change page, counted together), sign-ups per
address, wrong passwords on the delete-account page, API tokens and annotations (JSON API and
W3C protocol together) per user. Each refusal is a 429 with Retry-After and a message, and
changes nothing; counts end with their window."""

import json
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.test import Client

from accounts.models import ApiToken
from annotations.models import Annotation
from config import ratelimit
from tests.factories import DEFAULT_PASSWORD
from tests.security.conftest import client_for

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
START = 1_800_000_000.0  # a whole multiple of every period below: a window starts here


@pytest.fixture
def clock(monkeypatch, rate_limits):
    """The rate limits' clock, standing 100 s into a window until moved."""
    now = {"t": START + 100}
    monkeypatch.setattr(ratelimit, "_now", lambda: now["t"])

    def move(seconds: float) -> None:
        now["t"] += seconds

    return move


def log_in(client, username="stu", password="wrong-password", address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def message_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_configured_rates(settings):
    assert settings.RATE_LIMITS == {
        "login-failure": (10, 900),
        "login-address": (50, 900),
        "signup": (30, 3600),
        "api-token-create": (10, 3600),
        "account-delete": (5, 900),
        "annotation-create": (120, 60),
    }


# Log-in


def test_the_eleventh_failed_log_in_is_429_and_checks_no_password(site, clock):
    client = Client()
    for _ in range(10):
        response = log_in(client)
        assert response.status_code == 200
        assert "Please enter a correct username and password." in message_of(response)
    checked = []
    user_login_failed.connect(
        lambda **kwargs: checked.append(kwargs), weak=False, dispatch_uid="password-checked"
    )
    try:
        refused = log_in(client, password=DEFAULT_PASSWORD)  # even the right password
    finally:
        user_login_failed.disconnect(dispatch_uid="password-checked")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "800"
    assert (
        "Too many failed log-ins for this username from your address. "
        "Try again in 14 minutes." in message_of(refused)
    )
    assert checked == []
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.get(username="stu").last_login is None


def test_the_limit_is_per_username_and_address(site, clock):
    for _ in range(10):
        log_in(Client())
    assert log_in(Client()).status_code == 429
    assert log_in(Client(), username="otto").status_code == 200
    assert log_in(Client(), address="10.0.0.2").status_code == 200
    assert log_in(Client(), username="STU").status_code == 429  # usernames as typed, any case


def test_a_successful_log_in_clears_the_failures(site, clock):
    for _ in range(9):
        log_in(Client())
    assert log_in(Client(), password=DEFAULT_PASSWORD).status_code == 302
    for _ in range(10):
        assert log_in(Client()).status_code == 200
    assert log_in(Client()).status_code == 429


def test_failures_end_with_their_window(site, clock):
    for _ in range(10):
        log_in(Client())
    assert log_in(Client()).status_code == 429
    clock(799)
    assert log_in(Client(), password=DEFAULT_PASSWORD).status_code == 429
    clock(1)
    assert log_in(Client(), password=DEFAULT_PASSWORD).status_code == 302


def test_counters_expire_from_the_cache(site, rate_limits, monkeypatch):
    """Without a frozen clock: the count is stored with the window's timeout, so the cache
    itself forgets it (here the whole clock jumps, as the cache sees it too)."""
    for _ in range(10):
        log_in(Client())
    assert log_in(Client()).status_code == 429
    later = time.time() + 15 * 60 + 2
    monkeypatch.setattr(time, "time", lambda: later)
    assert log_in(Client(), password=DEFAULT_PASSWORD).status_code == 302


ADMIN_LOGIN = "/admin/login/"


def staff_user(username="stefan"):
    user = get_user_model().objects.create_user(username, password=DEFAULT_PASSWORD)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def admin_log_in(client, username="stefan", password="wrong-password", address="10.0.0.1"):
    return client.post(
        ADMIN_LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_the_admin_login_is_behind_the_same_limit(site, clock):
    """30 wrong passwords for a staff account on /admin/login/ used to answer 200 each and let
    the 31st, right one in."""
    staff_user()
    client = Client()
    for _ in range(10):
        response = admin_log_in(client)
        assert response.status_code == 200
        assert "Please enter the correct username and password" in message_of(response)
    checked = []
    user_login_failed.connect(
        lambda **kwargs: checked.append(kwargs), weak=False, dispatch_uid="admin-checked"
    )
    try:
        refused = admin_log_in(client, password=DEFAULT_PASSWORD)
    finally:
        user_login_failed.disconnect(dispatch_uid="admin-checked")
    assert refused.status_code == 429 and refused["Retry-After"] == "800"
    assert (
        "Too many failed log-ins for this username from your address. "
        "Try again in 14 minutes." in message_of(refused)
    )
    assert checked == [] and "_auth_user_id" not in client.session
    assert get_user_model().objects.get(username="stefan").last_login is None


def test_the_admin_and_the_site_count_failed_log_ins_together(site, clock):
    staff_user()
    for _ in range(5):
        admin_log_in(Client())
    for _ in range(5):
        log_in(Client(), username="stefan")
    assert log_in(Client(), username="stefan", password=DEFAULT_PASSWORD).status_code == 429
    assert admin_log_in(Client(), password=DEFAULT_PASSWORD).status_code == 429
    assert admin_log_in(Client(), address="10.0.0.2", password=DEFAULT_PASSWORD).status_code == 302


def test_a_right_password_without_staff_rights_is_not_counted_as_a_guess(site, clock):
    """The admin refuses stu (not staff) with the right password; that is no failed log-in."""
    for _ in range(12):
        assert admin_log_in(Client(), username="stu", password=DEFAULT_PASSWORD).status_code == 200
    assert log_in(Client(), password=DEFAULT_PASSWORD).status_code == 302


def test_the_admin_login_counts_towards_the_address_limit(site, clock):
    staff_user()
    for number in range(50):
        admin_log_in(Client(), username=f"nobody{number}")
    refused = admin_log_in(Client(), password=DEFAULT_PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed log-ins from your address." in message_of(refused)


PASSWORD_CHANGE = "/accounts/password_change/"


def change_password(client, old="wrong-password", address="10.0.0.1"):
    return client.post(
        PASSWORD_CHANGE,
        {
            "old_password": old,
            "new_password1": "a-new-quiet-lantern-7",
            "new_password2": "a-new-quiet-lantern-7",
        },
        REMOTE_ADDR=address,
    )


def test_wrong_current_passwords_count_as_failed_log_ins(site, clock):
    """A session left open is no way around the log-in limit: the password change form checks
    the current password, and counts a wrong one."""
    stu = get_user_model().objects.get(username="stu")
    client = Client()
    client.force_login(stu)
    for _ in range(10):
        response = change_password(client)
        assert response.status_code == 200
        assert "Your old password was entered incorrectly" in message_of(response)
    refused = change_password(client, old=DEFAULT_PASSWORD)
    assert refused.status_code == 429 and refused["Retry-After"] == "800"
    assert "Too many failed log-ins for this username" in message_of(refused)
    stu.refresh_from_db()
    assert stu.check_password(DEFAULT_PASSWORD)
    assert log_in(Client(), password=DEFAULT_PASSWORD).status_code == 429


def test_the_address_comes_from_the_proxy_header_when_configured(site, clock, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for number in range(10):
        Client().post(
            LOGIN,
            {"username": "stu", "password": "x"},
            REMOTE_ADDR=f"127.0.0.{number}",
            HTTP_X_REAL_IP="203.0.113.9",
        )
    blocked = Client().post(
        LOGIN, {"username": "stu", "password": "x"}, HTTP_X_REAL_IP="203.0.113.9"
    )
    assert blocked.status_code == 429
    other = Client().post(LOGIN, {"username": "stu", "password": "x"}, HTTP_X_REAL_IP="203.0.113.8")
    assert other.status_code == 200


def test_failed_log_ins_across_51_usernames_from_one_address_are_refused(site, clock):
    """Password spraying: one guess each at many usernames stays under the per-username limit,
    so the address is counted too; the 51st is refused, even with a right password."""
    for number in range(50):
        assert log_in(Client(), username=f"reader{number}").status_code == 200
    checked = []
    user_login_failed.connect(
        lambda **kwargs: checked.append(kwargs), weak=False, dispatch_uid="password-checked"
    )
    try:
        refused = log_in(Client(), username="reader50")
        right = log_in(Client(), password=DEFAULT_PASSWORD)
    finally:
        user_login_failed.disconnect(dispatch_uid="password-checked")
    for response in (refused, right):
        assert response.status_code == 429
        assert response["Retry-After"] == "800"
        assert "Too many failed log-ins from your address. Try again in 14 minutes." in message_of(
            response
        )
    assert checked == []
    assert get_user_model().objects.get(username="stu").last_login is None
    # Another address logs in as ever, and the window's end frees this one.
    assert log_in(Client(), username="reader50", address="10.0.0.2").status_code == 200
    assert log_in(Client(), password=DEFAULT_PASSWORD, address="10.0.0.2").status_code == 302
    clock(800)
    assert log_in(Client(), password=DEFAULT_PASSWORD).status_code == 302


def test_a_successful_log_in_does_not_clear_the_address_count(site, clock):
    """Otherwise a sprayer with one account of their own could reset it between guesses."""
    for number in range(49):
        log_in(Client(), username=f"reader{number}")
    assert log_in(Client(), password=DEFAULT_PASSWORD).status_code == 302
    assert log_in(Client(), username="reader49").status_code == 200
    assert log_in(Client(), username="reader50").status_code == 429


def test_limits_are_off_when_disabled(site, clock, settings):
    settings.RATE_LIMITS_ENABLED = False
    for _ in range(12):
        assert log_in(Client()).status_code == 200


# Sign-up


def sign_up(client, number: int, address="10.0.0.1"):
    return client.post(
        "/accounts/signup/",
        {
            "username": f"neu{number}",
            "email": f"neu{number}@example.org",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
        },
        REMOTE_ADDR=address,
    )


def test_the_31st_sign_up_from_one_address_in_an_hour_is_429(db, clock):
    for number in range(30):
        assert sign_up(Client(), number).status_code == 302
    refused = sign_up(Client(), 30)
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(3600 - 100)
    assert "Too many sign-ups from your address. Try again in 59 minutes." in message_of(refused)
    assert 'value="neu30"' in refused.content.decode()  # the form as sent, but the passwords
    assert DEFAULT_PASSWORD not in refused.content.decode()
    assert not get_user_model().objects.filter(username="neu30").exists()
    assert sign_up(Client(), 31, address="10.0.0.2").status_code == 302


# Deleting the account


def delete_account(client, password="wrong-password"):
    return client.post("/accounts/delete/", {"password": password, "annotations": "delete"})


def test_the_sixth_wrong_password_on_the_delete_page_is_429_and_checks_none(site, clock):
    client = client_for(site["stu"])
    for _ in range(5):
        response = delete_account(client)
        assert response.status_code == 200
        assert "The password is not correct." in message_of(response)
    refused = delete_account(client, password=DEFAULT_PASSWORD)  # even the right one
    assert refused.status_code == 429
    assert refused["Retry-After"] == "800"
    assert "Too many wrong passwords. Try again in 14 minutes." in message_of(refused)
    assert get_user_model().objects.filter(username="stu").exists()
    # Per user: another reader deletes their account; the window's end frees this one.
    assert delete_account(client_for(site["otto"]), DEFAULT_PASSWORD).status_code == 302
    clock(800)
    assert delete_account(client, password=DEFAULT_PASSWORD).status_code == 302
    assert not get_user_model().objects.filter(username="stu").exists()


# API tokens


def test_the_eleventh_token_in_an_hour_is_429(site, clock):
    client = client_for(site["stu"])
    for number in range(10):
        assert client.post("/accounts/tokens/", {"name": f"T{number}"}).status_code == 200
    refused = client.post("/accounts/tokens/", {"name": "T10"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(3600 - 100)
    assert "You have made too many tokens lately. Try again in 59 minutes." in message_of(refused)
    assert "new-api-token-value" not in refused.content.decode()
    assert ApiToken.objects.filter(user=site["stu"]).count() == 10
    other = client_for(site["otto"]).post("/accounts/tokens/", {"name": "T"})
    assert other.status_code == 200


# Annotations through the API


def api_post(client, **headers):
    data = {"edition": "test-interview", "paragraph": "p2", "body": "Noch eine."}
    return client.post(
        "/api/annotations/", json.dumps(data), content_type="application/json", **headers
    )


def w3c_post(client):
    data = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Per Protokoll."},
        "target": {
            "source": "http://testserver/test-interview/",
            "selector": {"type": "FragmentSelector", "value": "p2"},
        },
    }
    return client.post(
        "/annotations/w3c/",
        json.dumps(data),
        content_type='application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    )


def test_the_121st_annotation_in_a_minute_is_429_across_api_and_protocol(site, clock):
    client = client_for(site["stu"])
    before = Annotation.objects.count()
    for _ in range(60):
        assert api_post(client).status_code == 201
        assert w3c_post(client).status_code == 201
    refused = api_post(client)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "20"
    assert refused.json() == {
        "error": {
            "field": "request",
            "message": "too many new annotations; try again in 20 seconds",
        }
    }
    protocol_refused = w3c_post(client)
    assert protocol_refused.status_code == 429
    assert protocol_refused.json()["error"]["field"] == "request"
    assert Annotation.objects.count() == before + 120
    # Reading goes on, other readers write on, and the next minute writes again.
    assert client.get("/api/annotations/?limit=1").status_code == 200
    assert api_post(client_for(site["otto"])).status_code == 201
    clock(20)
    assert api_post(client).status_code == 201


def test_a_bearer_token_counts_for_its_user(site, clock):
    raw = site["raw_token"]
    for _ in range(120):
        ratelimit.hit("annotation-create", str(site["ines"].pk))
    refused = api_post(Client(), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 429


# The module


def test_counts_are_stored_under_a_digest_not_the_identity(rate_limits, clock):
    ratelimit.hit("login-failure", "stu|10.0.0.1")
    keys = list(cache._cache)  # the local-memory cache of the tests
    assert len(keys) == 1
    assert "stu" not in keys[0] and "10.0.0.1" not in keys[0]


def test_retry_after_counts_nothing_and_reset_clears(rate_limits, clock):
    for _ in range(10):
        assert ratelimit.retry_after("login-failure", "a") is None
        ratelimit.hit("login-failure", "a")
    assert ratelimit.retry_after("login-failure", "a") == 800
    ratelimit.reset("login-failure", "a")
    assert ratelimit.retry_after("login-failure", "a") is None
