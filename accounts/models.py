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
