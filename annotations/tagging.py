"""Writes of an annotation's tags in a fixed number of queries, whatever their number.

taggit's `tags.set()` asks the database a few times per tag (a lookup each, a savepoint around
each new one, a read before each link). These functions keep taggit's models and rules (a name
matches an existing tag regardless of case under `TAGGIT_CASE_INSENSITIVE`, the oldest if several
do; a new tag's slug is unique) and write in bulk, so taggit's manager reads what they wrote.
"""

import operator
from functools import reduce

from django.conf import settings
from django.db.models import Q
from taggit.models import Tag

from annotations.models import Annotation, TaggedAnnotation


def _key(name: str) -> str:
    return name.upper() if settings.TAGGIT_CASE_INSENSITIVE else name


def _existing(names: list[str]) -> dict[str, Tag]:
    """One query: the tags matching the names as taggit matches them, by `_key`."""
    lookup = "name__iexact" if settings.TAGGIT_CASE_INSENSITIVE else "name"
    matching = reduce(operator.or_, (Q(**{lookup: name}) for name in names))
    found: dict[str, Tag] = {}
    for tag in Tag.objects.filter(matching).order_by("pk"):
        found.setdefault(_key(tag.name), tag)
    return found


def tags_get_or_create(names: list[str]) -> list[Tag]:
    """The tags with these names, in this order, made where missing: one query when all exist,
    three when some are new. A new name whose slug another tag has, or one the database and
    Python fold differently, takes taggit's own slower path."""
    if not names:
        return []
    found = _existing(names)
    missing = [name for name in names if _key(name) not in found]
    if missing:
        # A concurrent request may make the same tag: its row is kept, and read back below.
        Tag.objects.bulk_create(
            [Tag(name=name, slug=Tag().slugify(name)) for name in missing], ignore_conflicts=True
        )
        found |= _existing(missing)
    tags: dict[int, Tag] = {}
    for name in names:
        tag = found.get(_key(name))
        if tag is None:
            tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
        if tag is None:
            tag = Tag(name=name)
            tag.save()  # taggit finds a free slug
        tags.setdefault(tag.pk, tag)
    return list(tags.values())


def annotation_tags_set(annotation: Annotation, tags: list[Tag], *, current: list[Tag]) -> None:
    """Link the annotation to exactly these tags (`current` are those it has): one query to
    unlink, one to link, each only if needed. Afterwards `annotation.tags.all()` answers from
    memory, as after `prefetch_related("tags")`."""
    wanted = {tag.pk for tag in tags}
    had = {tag.pk for tag in current}
    if had - wanted:
        TaggedAnnotation.objects.filter(content_object=annotation, tag_id__in=had - wanted).delete()
    if wanted - had:
        TaggedAnnotation.objects.bulk_create(
            [
                TaggedAnnotation(content_object=annotation, tag=tag)
                for tag in tags
                if tag.pk not in had
            ]
        )
    kept = [tag for tag in current if tag.pk in wanted]
    _tags_remember(annotation, kept + [tag for tag in tags if tag.pk not in had])


def _tags_remember(annotation: Annotation, tags: list[Tag]) -> None:
    """Leave the tags where taggit's manager looks first, as `prefetch_related` does (without
    building taggit's own queryset for the annotation, which costs more than the query)."""
    # The annotation's tags as a query too, so that `.get()`, `.names()` or `.filter()` on it
    # (which ask the database again) see what is stored now.
    queryset = Tag.objects.filter(annotations_taggedannotation_items__content_object=annotation)
    queryset._result_cache, queryset._prefetch_done = list(tags), True
    annotation.__dict__.setdefault("_prefetched_objects_cache", {})["tags"] = queryset


def tags_attach(annotations) -> None:
    """What `prefetch_related("tags")` does, in one query: afterwards `annotation.tags.all()`
    answers from memory. Taggit's prefetch builds a queryset per annotation, which made a
    paragraph's sixty threads cost tens of milliseconds more."""
    by_pk = {annotation.pk: [] for annotation in annotations}
    if by_pk:
        links = (
            TaggedAnnotation.objects.filter(content_object_id__in=list(by_pk))
            .select_related("tag")
            .order_by("pk")
        )
        for link in links:
            by_pk[link.content_object_id].append(link.tag)
    for annotation in annotations:
        _tags_remember(annotation, by_pk[annotation.pk])
