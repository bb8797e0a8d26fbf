"""Build the search index again from the editions and the live annotations.

The services keep the index current on every write; this is for a database filled another way
(a bulk load, a restore, a repair in the shell) and after a reader changed their display name.
It replaces the whole index in one transaction: searches see the old index until it is done.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from search.services import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index (paragraph texts and annotations) from scratch."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be indexed; save nothing."
        )

    def handle(self, *args, dry_run, **options):
        with transaction.atomic():
            counts = search_index_rebuild()
            if dry_run:
                transaction.set_rollback(True)
        paragraphs, annotations = counts["paragraphs"], counts["annotations"]
        verb = "Would index" if dry_run else "Indexed"
        self.stdout.write(
            f"{verb} {paragraphs} paragraph{'s' if paragraphs != 1 else ''} and "
            f"{annotations} annotation{'s' if annotations != 1 else ''}."
        )
