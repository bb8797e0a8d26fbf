"""Reads of the search index: the results page and the reading view's find box.

Visibility is part of the query: an annotation's entry is a candidate only if the annotation is
among `annotations_visible_to(user)` (as a subquery), so counts, ranks and pages never include
what the reader may not see. Deleted annotations are never found, even where a thread keeps
their placeholder.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from annotations.models import Annotation
from annotations.selectors import annotations_visible_to
from edition.models import Edition, Paragraph
from search.backends import backend
from search.models import SearchEntry
from search.query import ParsedQuery


class Kind:
    ALL = "all"
    TEXT = "text"
    ANNOTATIONS = "annotations"


@dataclass(frozen=True)
class SearchFilters:
    """What the search form narrows results to. The paragraph range is by position (reading
    order) in one edition, either end open; `until` is exclusive."""

    kind: str = Kind.ALL
    edition_slug: str = ""
    first_position: int | None = None
    last_position: int | None = None
    tag: str = ""
    author: str = ""
    group_id: int | None = None
    motivation: str = ""
    since: datetime | None = None
    until: datetime | None = None

    @property
    def only_annotations(self) -> bool:
        """Filters that only annotations have, so the text drops out of the results."""
        return self.kind == Kind.ANNOTATIONS or any(
            (self.tag, self.author, self.group_id, self.motivation, self.since, self.until)
        )


def _findable_annotations(user) -> QuerySet[Annotation]:
    """What the user may see of annotations, less the placeholders: deleted ones, and those an
    instructor hid from this reader."""
    return annotations_visible_to(user).filter(deleted_at__isnull=True, hidden_from_viewer=False)


def _searchable_entries(user) -> QuerySet[SearchEntry]:
    """The text (the index holds published paragraphs only) and the annotations the user may
    see: the selector's rules as one subquery, which both databases run once and look the
    matching rows up in (an EXISTS per matching row made PostgreSQL search the reader's
    visible notes once for each of thousands of matches)."""
    visible = _findable_annotations(user).order_by().values("pk")
    return SearchEntry.objects.filter(Q(annotation__isnull=True) | Q(annotation_id__in=visible))


def _filtered(entries: QuerySet[SearchEntry], filters: SearchFilters) -> QuerySet[SearchEntry]:
    if filters.kind == Kind.TEXT:
        entries = entries.filter(annotation__isnull=True)
    elif filters.only_annotations:
        entries = entries.filter(annotation__isnull=False)
    if filters.edition_slug:
        entries = entries.filter(edition__slug=filters.edition_slug)
    if filters.first_position is not None:
        entries = entries.filter(paragraph__position__gte=filters.first_position)
    if filters.last_position is not None:
        entries = entries.filter(paragraph__position__lte=filters.last_position)
    if filters.tag:
        entries = entries.filter(
            Q(annotation__tags__slug=filters.tag) | Q(annotation__tags__name__iexact=filters.tag)
        )
    if filters.author:
        entries = entries.filter(annotation__author__username=filters.author)
    if filters.group_id is not None:
        entries = entries.filter(
            annotation__visibility=Annotation.Visibility.GROUP,
            annotation__group_id=filters.group_id,
        )
    if filters.motivation:
        entries = entries.filter(annotation__motivation=filters.motivation)
    if filters.since is not None:
        entries = entries.filter(annotation__created__gte=filters.since)
    if filters.until is not None:
        entries = entries.filter(annotation__created__lt=filters.until)
    return entries


def _matching(user, query: ParsedQuery, filters: SearchFilters | None) -> QuerySet[SearchEntry]:
    entries = _filtered(_searchable_entries(user), filters or SearchFilters())
    return backend().matching(entries, query)


def search_count(
    user, query: ParsedQuery, filters: SearchFilters | None = None, *, limit: int
) -> int:
    """How many results there are, counting no further than `limit`: past that the exact
    number would cost a pass over every match, and no reader pages that far."""
    return _matching(user, query, filters).order_by().values("pk")[:limit].count()


def search_entries(user, query: ParsedQuery, filters: SearchFilters | None = None) -> QuerySet[int]:
    """The ids of the paragraphs and annotations the user may see that match, best first.

    Only ids: ranking needs every match, and joining what a result shows (author, paragraph,
    snippets) for every match would cost more than fetching a page of them by id afterwards
    with `search_results`."""
    return _matching(user, query, filters).order_by("-rank", "pk").values_list("pk", flat=True)


def search_results(entry_ids: Iterable[int], query: ParsedQuery) -> list[SearchEntry]:
    """The entries with these ids (a page of `search_entries`) in the same order, each joined
    with what its result shows and given `quote_html` and `body_html`: escaped text around the
    matches, every matching word in <mark>. One query."""
    ids = list(entry_ids)
    if not ids:
        return []
    engine = backend()
    rows = engine.with_snippets(SearchEntry.objects.filter(pk__in=ids), query).select_related(
        "edition", "paragraph", "annotation__author__profile", "annotation__group"
    )
    by_pk = {row.pk: row for row in rows}
    entries = [by_pk[pk] for pk in ids if pk in by_pk]
    engine.add_snippets(entries, query)
    return entries


def paragraphs_matching(edition: Edition, query: ParsedQuery) -> list[str]:
    """Public IDs of the edition's published paragraphs whose text matches, in reading order."""
    entries = SearchEntry.objects.filter(
        edition=edition, annotation__isnull=True, paragraph__status=Paragraph.Status.PUBLISHED
    )
    return list(
        backend()
        .matching(entries, query)
        .order_by("paragraph__position")
        .values_list("paragraph__public_id", flat=True)
    )
