"""Registration and profile writes: one transaction, Django's validators, the name fallback."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from accounts.models import Profile, display_name_for
from accounts.services import profile_update, user_register

pytestmark = pytest.mark.django_db

User = get_user_model()


def register(**changes):
    values = {
        "username": "ada",
        "email": "ada@example.org",
        "password": "quiet-archive-lantern-42",
        "display_name": "Ada L.",
    }
    values.update(changes)
    return user_register(**values)


def test_user_register_creates_user_and_profile_with_hashed_password():
    user = register()

    user.refresh_from_db()
    assert user.username == "ada"
    assert user.email == "ada@example.org"
    assert user.check_password("quiet-archive-lantern-42")
    assert user.password != "quiet-archive-lantern-42"
    assert user.profile.display_name == "Ada L."


def test_user_register_normalises_the_email_domain():
    user = register(email="Ada@EXAMPLE.org")

    assert user.email == "Ada@example.org"


def test_user_register_without_email_saves_nothing():
    with pytest.raises(ValidationError) as error:
        register(email="")

    assert "email" in error.value.message_dict
    assert not User.objects.exists()


def test_user_register_rejects_common_password_and_saves_nothing():
    with pytest.raises(ValidationError) as error:
        register(password="password123")

    assert "password" in error.value.message_dict
    assert not User.objects.exists()


def test_user_register_rejects_taken_username_and_keeps_the_first_user():
    register()

    with pytest.raises(ValidationError) as error:
        register(email="other@example.org")

    assert "username" in error.value.message_dict
    assert User.objects.count() == 1


def test_user_register_rolls_back_the_user_when_the_profile_is_invalid():
    with pytest.raises(ValidationError):
        register(display_name="x" * 81)

    assert not User.objects.exists()
    assert not Profile.objects.exists()


def test_profile_update_changes_the_display_name(make_user):
    user = make_user(display_name="Old name")

    profile = profile_update(user=user, display_name="New name")

    assert profile.display_name == "New name"
    assert Profile.objects.get(user=user).display_name == "New name"


def test_profile_update_creates_the_profile_for_a_user_made_without_one():
    user = User.objects.create_user("admin", "admin@example.org", "quiet-archive-lantern-42")

    profile_update(user=user, display_name="The Admin")

    assert Profile.objects.get(user=user).display_name == "The Admin"


def test_profile_update_rejects_a_display_name_over_80_characters(make_user):
    user = make_user(display_name="Kept")

    with pytest.raises(ValidationError):
        profile_update(user=user, display_name="x" * 81)

    assert Profile.objects.get(user=user).display_name == "Kept"


def test_display_name_falls_back_to_the_username(make_user):
    named = make_user(username="named", display_name="Named Reader")
    unnamed = make_user(username="unnamed", display_name="")
    no_profile = User.objects.create_user("bare", "bare@example.org", "quiet-archive-lantern-42")

    assert display_name_for(named) == "Named Reader"
    assert display_name_for(unnamed) == "unnamed"
    assert display_name_for(no_profile) == "bare"
