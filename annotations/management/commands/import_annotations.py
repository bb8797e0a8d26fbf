"""Import a file of annotations (W3C Web Annotation JSON-LD or a Hypothesis export) as one
reader's, as the import page does (`annotations.importing`).

All-or-nothing unless --partial: with a problem, nothing is saved and the report lists every
item that could not be placed, with its line and the reason. --dry-run runs the whole import
and rolls it back. Imported notes are private unless --visibility says otherwise.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations import importing


class Command(BaseCommand):
    help = (
        "Import USERNAME's annotations from FILE (W3C JSON-LD or a Hypothesis export); "
        "all-or-nothing unless --partial."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The reader who becomes the author.")
        parser.add_argument("file", type=Path, help="The JSON file to import.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Run the import and report, then roll back."
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Import what can be placed and report the rest (default: all or nothing).",
        )
        parser.add_argument(
            "--visibility",
            choices=importing.VISIBILITY_CHOICES,
            default=importing.PRIVATE,
            help="Who sees the imported notes: private (default), public, or as the file says.",
        )

    def handle(self, *args, username, file, dry_run, partial, visibility, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}; nothing imported.")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            report = importing.annotations_import(
                user=user, content=content, partial=partial, dry_run=dry_run, visibility=visibility
            )
        except importing.ImportFileError as error:
            raise CommandError(f"{file}: {error.message}; nothing imported.") from error
        for problem in report.problems:
            line = f", line {problem.line}" if problem.line else ""
            self.stdout.write(f"item {problem.number}{line}: {problem.field}: {problem.reason}")
        for taken in report.imported:
            remark = f" ({taken.remark})" if taken.remark else ""
            self.stdout.write(
                f"item {taken.number}: {taken.motivation} on {taken.paragraph}{remark}"
            )
        summary = (
            f"{file} ({report.format}): {len(report.imported)} of {report.total} annotations "
            f"{'imported' if report.saved else 'could be imported'} for {username}, "
            f"{len(report.problems)} not"
        )
        if dry_run:
            self.stdout.write(f"{summary}. Dry run: nothing saved.")
        elif not report.saved:
            raise CommandError(f"{summary}; nothing saved (use --partial to import the rest).")
        else:
            self.stdout.write(self.style.SUCCESS(f"{summary}."))
