"""Load the demo: readers, a course with two assignments, their notes and replies (fixtures/demo/).

For trying the app on your own machine only: the demo accounts share a password printed in the
file and at the end of the run, so the command refuses to run with DEBUG off (the production
settings) unless given --force; scripts/run.sh sets DEBUG=1. A --dry-run creates nothing and
runs anyway, so the file can be checked anywhere.

Needs the edition imported first. Loaded once, as a unit: when the demo users already exist the
command says so and changes nothing, so demo annotations that readers edited or deleted stay as
they are (see courses/demo.py). Any error leaves the database as it was.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.demo import DEMO_FILE, DemoDataError, demo_load, load_demo_file


class Command(BaseCommand):
    help = (
        "Load demo users, a course with assignments, and annotations from PATH (default: "
        f"{DEMO_FILE}); skipped when the demo users exist. Run import_edition first. "
        "Refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report, then roll back."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off. The demo password is public: never on a database "
            "that others can reach.",
        )

    def handle(self, *args, path, dry_run, force, **options):
        if not (settings.DEBUG or force or dry_run):
            raise CommandError(
                "Demo data not loaded: DEBUG is off. The demo accounts share a public password, "
                "so they are for the local run only (scripts/run.sh sets DEBUG=1). Use --force to "
                "load them anyway, never into a database that others can reach."
            )
        path = path or Path(settings.BASE_DIR) / DEMO_FILE
        try:
            with transaction.atomic():
                report = demo_load(demo=load_demo_file(path))
                self.stdout.write(report.summary())
                if dry_run:
                    transaction.set_rollback(True)
                    self.stdout.write("Dry run: nothing saved.")
        except DemoDataError as error:
            raise CommandError(f"Demo data not loaded, nothing saved. {error}") from error
        if not dry_run:
            self.stdout.write(report.logins_text())
