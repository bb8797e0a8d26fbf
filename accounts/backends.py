"""Signing in and finding the signed-in user, with their profile in the same query: nearly every
page and write shows or records the reader's display name (`display_name_for`)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ProfileModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = (
            get_user_model()._default_manager.select_related("profile").filter(pk=user_id).first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
