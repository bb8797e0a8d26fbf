"""Writes for accounts: registration and profile changes."""

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import Profile
from search.services import search_index_author


@sensitive_variables("password")
def user_register(
    *, username: str, email: str, password: str, display_name: str = ""
) -> AbstractBaseUser:
    """Create a user and their profile together, so no reader is ever left without one.

    The e-mail address is required (the model allows blank) because it is the only way back into
    an account: the password reset.
    """
    user_model = get_user_model()
    if not email:
        raise ValidationError({"email": _("An e-mail address is required.")})
    user = user_model(username=username, email=user_model.objects.normalize_email(email))
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from error
    user.set_password(password)
    with transaction.atomic():
        user.full_clean()
        user.save()
        profile = Profile(user=user, display_name=display_name)
        profile.full_clean()
        profile.save()
    return user


def profile_update(*, user: AbstractBaseUser, display_name: str) -> Profile:
    """Set the display name; creates the profile for users who were made without one."""
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            profile = Profile(user=user)
        profile.display_name = display_name
        profile.full_clean()
        profile.save()
        # Annotations are found by their author's name; keep the search index in step.
        search_index_author(user)
    return profile
