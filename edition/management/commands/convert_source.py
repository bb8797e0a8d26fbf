"""Convert the raw PDF text layer of the interview into the edition source file (YAML).

The output is written once, reviewed against the raw text and then maintained by hand (it is the
truth the database is imported from), so an existing file is only overwritten with --force.
--check compares the committed file with a fresh conversion, e.g. in CI before publication.
Works without the database: it reads two files and writes one.
"""

import difflib
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from edition.conversion import ConversionError, convert, render_yaml, summary

SOURCE = Path("fixtures/source/erz-2023-interview-meyer.ssoar.txt")
CORRECTIONS = Path("fixtures/source/erz-2023.corrections.yaml")
OUTPUT = Path("fixtures/editions/erz-2023.yaml")


class Command(BaseCommand):
    requires_system_checks = []  # reads and writes files only; no models involved
    help = (
        "Convert the raw interview text and its corrections list into the edition source YAML. "
        "Refuses to overwrite an existing output without --force; --check only compares."
    )

    def add_arguments(self, parser):
        base = Path(settings.BASE_DIR)
        parser.add_argument(
            "--source", type=Path, default=base / SOURCE, help="Raw text layer (UTF-8)."
        )
        parser.add_argument(
            "--corrections",
            type=Path,
            default=base / CORRECTIONS,
            help="Corrections YAML: metadata, speakers, labels and the explicit fixes.",
        )
        parser.add_argument(
            "--output", type=Path, default=base / OUTPUT, help="Edition source YAML to write."
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail with a diff if the output differs from a fresh conversion.",
        )
        mode.add_argument(
            "--force", action="store_true", help="Overwrite the output even if it exists."
        )

    def handle(self, *args, source, corrections, output, check, force, **options):
        raw_text = _read(source)
        try:
            mapping = yaml.safe_load(_read(corrections))
        except yaml.YAMLError as error:
            raise CommandError(f"{corrections}: malformed YAML: {error}") from error
        try:
            document = convert(raw_text, mapping)
        except ConversionError as error:
            raise CommandError(f"{source} with {corrections}: {error}") from error
        rendered = render_yaml(document)
        self.stdout.write(f"Converted {source.name}: {summary(document)}")
        existing = _read(output) if output.exists() else None
        if check:
            self._check(output, existing, rendered)
        elif existing == rendered:
            self.stdout.write(f"{output} is up to date; nothing written.")
        elif existing is not None and not force:
            raise CommandError(
                f"{output} exists and differs from the conversion; it may hold hand corrections. "
                "Use --check to see the difference, --force to overwrite it."
            )
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(rendered, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Wrote {output}"))

    def _check(self, output: Path, existing: str | None, rendered: str) -> None:
        if existing is None:
            raise CommandError(f"{output} does not exist; run without --check to write it.")
        if existing != rendered:
            diff = difflib.unified_diff(
                existing.splitlines(keepends=True),
                rendered.splitlines(keepends=True),
                fromfile=str(output),
                tofile="fresh conversion",
            )
            self.stdout.write("".join(diff), ending="")
            raise CommandError(f"{output} differs from a fresh conversion (diff above).")
        self.stdout.write(self.style.SUCCESS(f"{output} matches a fresh conversion."))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise CommandError(f"{path}: no such file") from error
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot read as UTF-8 text ({error})") from error
