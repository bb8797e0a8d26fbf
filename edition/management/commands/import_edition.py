"""Load edition source files (fixtures/editions/*.yaml) into the database.

Idempotent: running it twice changes nothing. A corrected paragraph keeps its ID and its old text
as history; a paragraph is never deleted, only withdrawn. Any error leaves the database as it was.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from edition.services import edition_import
from edition.source import EditionSourceError, load_source_file


class Command(BaseCommand):
    help = "Import the edition source file(s); with no PATH, those shipped in fixtures/editions/."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report, then roll back."
        )

    def handle(self, *args, paths, dry_run, **options):
        paths = paths or sorted(Path(settings.EDITION_SOURCE_DIR).glob("*.yaml"))
        if not paths:
            raise CommandError(f"No edition source files in {settings.EDITION_SOURCE_DIR}")
        try:
            sources = [load_source_file(path) for path in paths]
            with transaction.atomic():
                for source in sources:
                    report = edition_import(source=source)
                    self.stdout.write(report.summary())
                if dry_run:
                    transaction.set_rollback(True)
                    self.stdout.write("Dry run: nothing saved.")
        except EditionSourceError as error:
            raise CommandError(f"Import failed, nothing saved. {error}") from error
