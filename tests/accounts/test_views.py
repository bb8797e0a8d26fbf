"""The account pages: sign-up, log-in/out, password reset and change, profile, the header."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import resolve, reverse

from accounts import views
from accounts.models import Profile
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"

SIGNUP = {
    "username": "ada",
    "email": "ada@example.org",
    "display_name": "Ada L.",
    "password1": "quiet-archive-lantern-42",
    "password2": "quiet-archive-lantern-42",
}


class FormParser(HTMLParser):
    """Inputs and labels by id, and the text of every element that has an id."""

    def __init__(self):
        super().__init__()
        self.inputs: dict[str, dict] = {}
        self.labels: set[str] = set()
        self.texts: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and "id" in attrs:
            self.inputs[attrs["id"]] = attrs
        if tag == "label" and "for" in attrs:
            self.labels.add(attrs["for"])
        if tag not in {"input", "meta", "link", "br", "img"}:
            self._open.append(attrs.get("id"))
            if attrs.get("id"):
                self.texts[attrs["id"]] = ""

    def handle_endtag(self, tag):
        if self._open and tag not in {"input", "meta", "link", "br", "img"}:
            self._open.pop()

    def handle_data(self, data):
        for element_id in self._open:
            if element_id:
                self.texts[element_id] += data


def parse(response) -> FormParser:
    parser = FormParser()
    parser.feed(response.content.decode())
    return parser


def field_error(response, name: str) -> str:
    """The error text shown next to a field, checked to be tied to its input."""
    page = parse(response)
    field_id = f"id_{name}"
    error_id = f"{field_id}_error"
    assert error_id in page.texts, f"no error shown for {name}"
    assert page.inputs[field_id]["aria-invalid"] == "true"
    assert error_id in page.inputs[field_id]["aria-describedby"].split()
    return page.texts[error_id]


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# Routing


def test_account_urls_are_not_shadowed_by_the_edition_catch_all():
    assert resolve("/accounts/login/").func.view_class is views.LoginView
    assert resolve("/accounts/signup/").func is views.signup
    assert reverse("accounts:password-reset") == "/accounts/password_reset/"


# Sign-up


def test_signup_page_labels_every_field(client):
    response = client.get(reverse("accounts:signup"))

    assert response.status_code == 200
    page = parse(response)
    for name in ["username", "email", "display_name", "password1", "password2"]:
        assert f"id_{name}" in page.inputs
        assert f"id_{name}" in page.labels


def test_signup_creates_user_and_profile_and_logs_in(client):
    response = client.post(reverse("accounts:signup"), SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(username="ada")
    assert user.email == "ada@example.org"
    assert user.profile.display_name == "Ada L."
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_follows_a_safe_next(client):
    response = client.post(f"{reverse('accounts:signup')}?next=/test-interview/p2/", SIGNUP)

    assert response["Location"] == "/test-interview/p2/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_signup_does_not_follow_an_unsafe_next(client, next_url):
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_logged_in(client)


def test_signup_page_does_not_carry_an_unsafe_next(client):
    response = client.get(reverse("accounts:signup"), {"next": "https://evil.example/"})

    assert "evil.example" not in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "Taken"}, "username", "already exists"),
        ({"password2": "quiet-archive-lantern-43"}, "password2", "didn’t match"),
        ({"password1": "password123", "password2": "password123"}, "password2", "too common"),
        ({"email": ""}, "email", "required"),
        ({"email": "not-an-address"}, "email", "valid email"),
    ],
    ids=["taken-username", "password-mismatch", "common-password", "missing-email", "bad-email"],
)
def test_signup_with_bad_input_shows_the_error_at_the_field_and_saves_nothing(
    client, make_user, changes, field, message
):
    make_user(username="taken")
    users_before, profiles_before = User.objects.count(), Profile.objects.count()

    response = client.post(reverse("accounts:signup"), {**SIGNUP, **changes})

    assert response.status_code == 200
    assert message in field_error(response, field)
    assert (User.objects.count(), Profile.objects.count()) == (users_before, profiles_before)
    assert not is_logged_in(client)


def test_signup_keeps_next_after_an_error(client):
    response = client.post(
        f"{reverse('accounts:signup')}?next=/test-interview/", {**SIGNUP, "email": ""}
    )

    assert 'name="next" value="/test-interview/"' in response.content.decode()


def test_signup_when_logged_in_redirects_instead_of_making_a_second_account(client, user):
    client.force_login(user)

    response = client.post(reverse("accounts:signup"), {**SIGNUP, "username": "second"})

    assert response.status_code == 302
    assert not User.objects.filter(username="second").exists()


# Log-in and log-out


def test_login_with_the_right_password_logs_in_and_follows_next(client, user):
    response = client.post(
        reverse("accounts:login"),
        {"username": "reader", "password": DEFAULT_PASSWORD, "next": "/test-interview/"},
    )

    assert response["Location"] == "/test-interview/"
    assert is_logged_in(client)


def test_login_with_a_wrong_password_shows_an_error(client, user):
    response = client.post(reverse("accounts:login"), {"username": "reader", "password": "nope"})

    assert response.status_code == 200
    assert "correct username and password" in parse(response).texts["main"]
    assert not is_logged_in(client)


def test_login_does_not_follow_an_unsafe_next(client, user):
    response = client.post(
        reverse("accounts:login"),
        {"username": "reader", "password": DEFAULT_PASSWORD, "next": "https://evil.example/"},
    )

    assert response["Location"] == "/"


def test_logout_by_get_is_refused(client, user):
    client.force_login(user)

    response = client.get(reverse("accounts:logout"))

    assert response.status_code == 405
    assert is_logged_in(client)


def test_logout_by_post_logs_out_and_goes_home(client, user):
    client.force_login(user)

    response = client.post(reverse("accounts:logout"))

    assert response["Location"] == "/"
    assert not is_logged_in(client)


# Password reset and change


def test_password_reset_mails_a_link_that_sets_a_new_password(client, user):
    response = client.post(reverse("accounts:password-reset"), {"email": "reader@example.org"})

    assert response["Location"] == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reader@example.org"]
    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url,
        {"new_password1": "fresh-margin-note-77", "new_password2": "fresh-margin-note-77"},
    )

    assert done["Location"] == reverse("accounts:password-reset-complete")
    client.logout()
    assert client.login(username="reader", password="fresh-margin-note-77")
    assert not client.login(username="reader", password=DEFAULT_PASSWORD)


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, user):
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})

    assert response["Location"] == reverse("accounts:password-reset-done")
    assert mail.outbox == []


def test_password_reset_link_with_a_bad_token_is_refused(client, user):
    response = client.get("/accounts/reset/MQ/bad-token/")

    assert response.status_code == 200
    assert not response.context["validlink"]
    assert "invalid" in parse(response).texts["main"]


def test_password_change_requires_the_old_password_and_sets_the_new(client, user):
    client.force_login(user)
    url = reverse("accounts:password-change")

    wrong = client.post(
        url,
        {
            "old_password": "nope",
            "new_password1": "fresh-margin-note-77",
            "new_password2": "fresh-margin-note-77",
        },
    )
    assert "incorrectly" in field_error(wrong, "old_password")

    right = client.post(
        url,
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "fresh-margin-note-77",
            "new_password2": "fresh-margin-note-77",
        },
    )
    assert right["Location"] == reverse("accounts:password-change-done")
    user.refresh_from_db()
    assert user.check_password("fresh-margin-note-77")


# Profile


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_profile_shows_username_and_email(client, make_user):
    client.force_login(make_user(username="ada", display_name="Ada L."))

    response = client.get(reverse("accounts:profile"))

    text = parse(response).texts["main"]
    assert "ada" in text
    assert "ada@example.org" in text
    assert parse(response).inputs["id_display_name"]["value"] == "Ada L."


def test_profile_updates_the_display_name(client, user):
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {"display_name": "Reader One"}, follow=True)

    assert Profile.objects.get(user=user).display_name == "Reader One"
    assert "Your display name has been saved." in response.content.decode()


def test_profile_rejects_a_too_long_display_name(client, make_user):
    user = make_user(display_name="Kept")
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {"display_name": "x" * 81})

    assert "at most 80 characters" in field_error(response, "display_name")
    assert Profile.objects.get(user=user).display_name == "Kept"


def test_display_name_with_markup_is_stored_as_typed_and_shown_escaped(client, user):
    client.force_login(user)

    client.post(reverse("accounts:profile"), {"display_name": XSS})
    assert Profile.objects.get(user=user).display_name == XSS

    for url in [reverse("accounts:profile"), reverse("edition:edition-list")]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        header = html.split("</header>")[0]
        assert XSS_ESCAPED in header


# The header on every page


def test_header_offers_login_and_signup_returning_to_the_current_page(client, edition):
    html = client.get("/test-interview/p2/").content.decode()

    assert 'href="/accounts/login/?next=/test-interview/p2/"' in html
    assert 'href="/accounts/signup/?next=/test-interview/p2/"' in html
    assert "Log out" not in html


def test_header_on_the_login_page_keeps_the_original_next(client):
    html = client.get("/accounts/login/?next=/test-interview/").content.decode()

    assert 'href="/accounts/signup/?next=/test-interview/"' in html
    assert "next=/accounts/login/" not in html


def test_header_shows_the_display_name_and_a_logout_form_with_csrf(client, make_user):
    client.force_login(make_user(username="ada", display_name="Ada L."))

    html = client.get("/").content.decode()
    header = html.split("</header>")[0]

    assert '<a class="site-account-name" href="/accounts/profile/">Ada L.</a>' in header
    assert re.search(r'<form method="post" action="/accounts/logout/">', header)
    assert 'name="csrfmiddlewaretoken"' in header
    assert "Log in" not in header


def test_header_falls_back_to_the_username_without_a_display_name(client, make_user):
    client.force_login(make_user(username="ada", display_name=""))

    header = client.get("/").content.decode().split("</header>")[0]

    assert '<a class="site-account-name" href="/accounts/profile/">ada</a>' in header
