"""Erase for good the annotations deleted more than 30 days ago (`RESTORE_WINDOW`), which their
authors can no longer restore, and the idempotency keys past their 24 hours.

DESTRUCTIVE: an erased annotation's text, tags and edit history are gone (keep backups, see
`manage.py backup`). One that others replied to stays as an empty placeholder, deleted, so the
thread keeps its replies; it is erased by a later run once no reply is left. Safe to run again
(hourly or daily from cron or a systemd timer, see the README); --dry-run reports what would go
and changes nothing.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from annotations import services
from annotations.models import RESTORE_WINDOW


class Command(BaseCommand):
    help = (
        f"Erase annotations deleted more than {RESTORE_WINDOW.days} days ago (placeholders stay "
        "where others replied) and expired idempotency keys."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be erased, then roll back."
        )

    def handle(self, *args, dry_run, **options):
        with transaction.atomic():
            erased = services.annotations_purge_deleted()
            keys = services.idempotency_keys_purge_expired()
            if dry_run:
                transaction.set_rollback(True)
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{erased.deleted} annotations deleted more than {RESTORE_WINDOW.days} days ago "
            f"{verb} erased, {erased.placeholders} {verb} kept as empty placeholders for replies, "
            f"{keys} expired idempotency keys {verb} removed."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing changed.")
