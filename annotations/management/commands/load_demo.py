"""Load the demo readers, their seminar group and their annotations (fixtures/demo/).

Needs the edition imported first. Loaded once, as a unit: when the demo users already exist the
command says so and changes nothing, so demo annotations that readers edited or deleted stay as
they are (see annotations/demo.py). Any error leaves the database as it was.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotations.demo import DEMO_FILE, DemoDataError, demo_load, load_demo_file


class Command(BaseCommand):
    help = (
        "Load demo users, a group and annotations from PATH (default: "
        f"{DEMO_FILE}); skipped when the demo users exist. Run import_edition first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report, then roll back."
        )

    def handle(self, *args, path, dry_run, **options):
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
