"""Forms only validate input; the writes happen in `accounts.services`."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile
from accounts.services import ANNOTATIONS_ANONYMISE, ANNOTATIONS_DELETE
from config import ratelimit

DISPLAY_NAME_MAX_LENGTH = Profile._meta.get_field("display_name").max_length


class SignupForm(UserCreationForm):
    """Django's user creation form (case-insensitive unique username, password validators) plus
    a required e-mail address and an optional display name. Never saved directly."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("Only used to reset your password."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=DISPLAY_NAME_MAX_LENGTH,
        required=False,
        help_text=_("Shown with your annotations. Leave empty to use your username."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    field_order = ["username", "email", "display_name", "password1", "password2"]

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=DISPLAY_NAME_MAX_LENGTH,
        required=False,
        help_text=_("Shown with your annotations. Leave empty to use your username."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Zotero sync on my laptop”."),
    )


def login_identity(request, username: str) -> str:
    """What failed log-ins are counted against: the username (as typed, case-folded) and the
    address, so guessing one reader's password from one place is slowed without locking the
    reader out everywhere."""
    return f"{(username or '').strip().casefold()}|{ratelimit.client_ip(request)}"


class RateLimitedLogin:
    """For an `AuthenticationForm`: refuses before any password is checked while this username
    has too many recent failures from this address, or this address too many failures whatever
    the username (password spraying); `retry_after` then holds the seconds to wait. A wrong
    password counts against both; a right one clears the username's count (not the address's,
    or one account of one's own would reset it). Every log-in form uses it: the site's and the
    admin's."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "too_many_attempts": _(
            "Too many failed log-ins for this username from your address. "
            "Try again in %(minutes)d minutes."
        ),
        "too_many_from_address": _(
            "Too many failed log-ins from your address. Try again in %(minutes)d minutes."
        ),
    }

    retry_after: int | None = None

    def clean(self):
        address = ratelimit.client_ip(self.request)
        identity = login_identity(self.request, self.cleaned_data.get("username"))
        checks = (
            ("login-address", address, "too_many_from_address"),
            ("login-failure", identity, "too_many_attempts"),
        )
        for scope, scope_identity, code in checks:
            self.retry_after = ratelimit.retry_after(scope, scope_identity)
            if self.retry_after:
                raise ValidationError(
                    self.error_messages[code],
                    code=code,
                    params={"minutes": ratelimit.minutes(self.retry_after)},
                )
        try:
            cleaned = super().clean()
        except ValidationError:
            # A wrong password (or no such active user); not a right one the form refuses
            # for another reason (the admin's "staff only").
            if self.user_cache is None:
                ratelimit.hit("login-failure", identity)
                ratelimit.hit("login-address", address)
            raise
        if self.user_cache is not None:
            ratelimit.reset("login-failure", identity)
        return cleaned


class LoginForm(RateLimitedLogin, AuthenticationForm):
    """Django's login form behind the log-in limits."""


class AdminLoginForm(RateLimitedLogin, AdminAuthenticationForm):
    """The admin's login form behind the same limits, counted together with the site's."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        **{
            code: message
            for code, message in RateLimitedLogin.error_messages.items()
            if code.startswith("too_many")
        },
    }


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, with a wrong current password counted as a failed log-in of this user
    from this address (the same limits: a session left open is no way around them)."""

    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "too_many_attempts": RateLimitedLogin.error_messages["too_many_attempts"],
    }

    retry_after: int | None = None

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        identity = login_identity(self.request, self.user.get_username())
        self.retry_after = ratelimit.retry_after("login-failure", identity)
        if self.retry_after:
            raise ValidationError(
                self.error_messages["too_many_attempts"],
                code="too_many_attempts",
                params={"minutes": ratelimit.minutes(self.retry_after)},
            )
        try:
            return super().clean_old_password()
        except ValidationError:
            ratelimit.hit("login-failure", identity)
            ratelimit.hit("login-address", ratelimit.client_ip(self.request))
            raise


class AccountDeleteForm(forms.Form):
    """Deleting the account: what becomes of the annotations, confirmed with the password."""

    annotations = forms.ChoiceField(
        label=_("Your annotations and replies"),
        widget=forms.RadioSelect,
        choices=[
            (
                ANNOTATIONS_ANONYMISE,
                _(
                    "Keep the ones you shared, without your name (shown as by a “former "
                    "user”); delete your private ones"
                ),
            ),
            (
                ANNOTATIONS_DELETE,
                _("Delete them all (where others replied, “Deleted annotation” stays)"),
            ),
        ],
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
