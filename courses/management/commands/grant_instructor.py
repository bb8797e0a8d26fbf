"""Give a user the instructor role (they may create courses), or take it away with --revoke.

Idempotent: granting twice changes nothing and says so. Only the direct grant is touched; a
superuser, or a member of an auth group holding the permission, remains an instructor, and the
command says that too. Courses the user already teaches are not affected.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from courses.services import instructor_role_set, is_instructor


class Command(BaseCommand):
    help = "Grant the instructor role (may create courses) to USERNAME, or --revoke it."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="Take the role away.")

    def handle(self, *args, username, revoke, **options):
        user_model = get_user_model()
        user = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        changed = instructor_role_set(user=user, granted=not revoke)
        if revoke:
            self.stdout.write(
                f"{username}: instructor role revoked."
                if changed
                else f"{username} had no direct instructor role; nothing changed."
            )
            user = user_model.objects.get(pk=user.pk)  # fresh permission cache
            if is_instructor(user):
                self.stdout.write(
                    f"{username} is still an instructor (superuser or through a group)."
                )
        else:
            self.stdout.write(
                f"{username} is now an instructor."
                if changed
                else f"{username} already had the instructor role; nothing changed."
            )
