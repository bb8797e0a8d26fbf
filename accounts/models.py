"""What a reader shows of themselves next to their annotations.

Authentication is Django's own `User`; the profile only adds a display name. Users made outside
`user_register` (`createsuperuser`, the admin) may have no profile, so read names through
`display_name_for`.
"""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("Shown with your annotations. Leave empty to use your username."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_username()


def display_name_for(user: AbstractBaseUser) -> str:
    """The name to show for a user: the profile's display name, else the username."""
    try:
        return user.profile.name
    except Profile.DoesNotExist:
        return user.get_username()


class ApiToken(models.Model):
    """A personal token a program sends as `Authorization: Bearer …` to act as its user.

    Only a SHA-256 digest is stored; the token itself is shown once, when it is made. `prefix`
    (its first characters) lets the owner tell tokens apart and narrows the lookup.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True, editable=False)
    hashed = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
