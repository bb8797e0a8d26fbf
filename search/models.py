"""The search index: one row per paragraph and per annotation, kept beside the models it copies.

The index lives in its own app so the edition and the annotations keep their models to
themselves; `search.services` writes it from their write paths. An entry copies only text
(what is searched and shown in snippets). Who may see an annotation is never copied: searches
join the annotation and apply `annotations_visible_to`, so a change of audience needs no
reindexing and cannot leave a stale permission behind.

PostgreSQL keeps the weighted `tsvector` in `vector` (GIN index made by the migration). SQLite
keeps stemmed copies of the fields in the FTS5 table `search_fts`, whose rowid is the entry's id
(`FtsRow`, made by the migration on SQLite only).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q

from annotations.models import Annotation
from edition.models import Edition, Paragraph


class SearchEntry(models.Model):
    """A paragraph's text, or an annotation with its passage, tags and author's name."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    # The paragraph the entry is about: its own text, or the passage an annotation (or the
    # thread a reply belongs to) is on. Used for the paragraph range and reading order.
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")
    annotation = models.OneToOneField(
        Annotation, on_delete=models.CASCADE, null=True, blank=True, related_name="search_entry"
    )
    quote = models.TextField(blank=True, help_text="The paragraph's text, or the quoted passage.")
    body = models.TextField(blank=True, help_text="The note (Markdown as written).")
    tags = models.TextField(blank=True, help_text="Tag names, one a line.")
    author = models.TextField(blank=True, help_text="Display name and username.")
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name_plural = "search entries"
        constraints = [
            models.UniqueConstraint(
                fields=["paragraph"],
                condition=Q(annotation__isnull=True),
                name="search_one_text_entry_per_paragraph",
            )
        ]

    def __str__(self) -> str:
        if self.annotation_id:
            return f"annotation {self.annotation_id}"
        return f"text {self.paragraph_id}"

    @property
    def is_text(self) -> bool:
        return self.annotation_id is None

    @property
    def tag_names(self) -> list[str]:
        return self.tags.splitlines()


class FtsRow(models.Model):
    """A row of the SQLite FTS5 table: the entry's fields as German stems (see search.text)."""

    entry = models.OneToOneField(
        SearchEntry,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="fts",
    )
    quote = models.TextField()
    body = models.TextField()
    tags = models.TextField()
    author = models.TextField()

    class Meta:
        managed = False
        db_table = "search_fts"

    def __str__(self) -> str:
        return f"fts {self.entry_id}"
