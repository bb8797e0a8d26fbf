"""Write an edition to standard output as JSON (everything), plain reading text, or TEI P5."""

from django.core.management.base import BaseCommand, CommandError

from edition.exporting import edition_as_json, edition_as_text
from edition.selectors import edition_for_export
from edition.tei import edition_as_tei


def _tei(edition) -> str:
    return edition_as_tei(edition).decode("utf-8")


RENDERERS = {"json": edition_as_json, "txt": edition_as_text, "tei": _tei}


class Command(BaseCommand):
    help = (
        "Export an edition: --format json (metadata, speakers, paragraphs, emendations), txt, "
        "or tei (TEI P5 XML)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=list(RENDERERS), default="json")

    def handle(self, *args, slug, format, **options):
        edition = edition_for_export(slug)
        if edition is None:
            raise CommandError(f"No edition with slug {slug!r}")
        self.stdout.write(RENDERERS[format](edition), ending="")
