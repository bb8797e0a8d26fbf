"""Write an edition to standard output as JSON (everything) or plain reading text."""

from django.core.management.base import BaseCommand, CommandError

from edition.exporting import edition_as_json, edition_as_text
from edition.selectors import edition_for_export


class Command(BaseCommand):
    help = "Export an edition: --format json (metadata, speakers, paragraphs, emendations) or txt."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["json", "txt"], default="json")

    def handle(self, *args, slug, format, **options):
        edition = edition_for_export(slug)
        if edition is None:
            raise CommandError(f"No edition with slug {slug!r}")
        render = edition_as_json if format == "json" else edition_as_text
        self.stdout.write(render(edition), ending="")
