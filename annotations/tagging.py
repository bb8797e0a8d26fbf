"""Writes of an annotation's tags in a fixed number of queries, whatever their number.

A tag is one row per slug (a name's slug ignores case and punctuation): its pages, filters and
counts gather every note that uses it. How a note spells it is the note's own
(`TaggedAnnotation.name`), so the spelling a reader sees always comes from a note they may see:
one reader's tag never takes the spelling of a tag that only another reader's private note
carries, nor a slug that tells such a tag exists.

taggit's `tags.set()` asks the database a few times per tag (a lookup each, a savepoint around
each new one, a read before each link). These functions keep taggit's models and write in bulk,
so taggit's manager reads what they wrote.
"""

import copy
import operator
from functools import reduce

from django.db.models import Min, Q, Value
from django.db.models.functions import Coalesce, NullIf
from taggit.models import Tag

from annotations.models import Annotation, TaggedAnnotation


def _slug(name: str) -> str:
    return Tag().slugify(name)


def _existing(names: list[str]) -> dict[str, Tag]:
    """One query: the tags these names stand for, by slug, or by name regardless of case for
    a tag whose slug is not its name's (one made before slugs were the key); the oldest wins."""
    matching = reduce(operator.or_, (Q(name__iexact=name) for name in names))
    found: dict[str, Tag] = {}
    tags = list(Tag.objects.filter(matching | Q(slug__in={_slug(n) for n in names})))
    for tag in sorted(tags, key=lambda tag: tag.pk):
        found.setdefault(tag.slug, tag)
        found.setdefault(f"name:{tag.name.upper()}", tag)
    return found


def _found(found: dict[str, Tag], name: str) -> Tag | None:
    return found.get(_slug(name)) or found.get(f"name:{name.upper()}")


def _spelled(tag: Tag, name: str) -> Tag:
    """The tag as a note spells it (a copy: the shared row keeps its name)."""
    spelled = copy.copy(tag)
    spelled.name = name
    return spelled


def tags_get_or_create(names: list[str]) -> list[Tag]:
    """The tags with these names, in this order, made where missing, each spelled as given
    (`name`; the first spelling of a slug wins): one query when all exist, three when some are
    new. A name another tag holds under a different slug (one made before slugs were the key)
    takes that tag."""
    if not names:
        return []
    found = _existing(names)
    missing: dict[str, str] = {}
    for name in names:
        if _found(found, name) is None:
            missing.setdefault(_slug(name), name)
    if missing:
        # A concurrent request may make the same tag: its row is kept, and read back below.
        Tag.objects.bulk_create(
            [Tag(name=name, slug=slug) for slug, name in missing.items()], ignore_conflicts=True
        )
        found |= _existing(list(missing.values()))
    tags: dict[int, Tag] = {}
    for name in names:
        tag = _found(found, name)
        if tag is None:
            tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
        if tag is None:
            tag = Tag(name=name)
            tag.save()  # taggit finds a free slug
        if tag.pk not in tags:
            tags[tag.pk] = _spelled(tag, name)
    return list(tags.values())


def annotation_tags_set(annotation: Annotation, tags: list[Tag], *, current: list[Tag]) -> None:
    """Link the annotation to exactly these tags, spelled as their `name` (`current` are those
    it has): one query to unlink, one to link, each only if needed, and one per tag whose
    spelling alone changed. Afterwards `annotation.tags.all()` answers from memory, as after
    `prefetch_related("tags")`."""
    wanted = {tag.pk: tag for tag in tags}
    had = {tag.pk: tag for tag in current}
    if had.keys() - wanted.keys():
        TaggedAnnotation.objects.filter(
            content_object=annotation, tag_id__in=had.keys() - wanted.keys()
        ).delete()
    if wanted.keys() - had.keys():
        TaggedAnnotation.objects.bulk_create(
            [
                TaggedAnnotation(content_object=annotation, tag=tag, name=tag.name)
                for tag in tags
                if tag.pk not in had
            ]
        )
    for pk in wanted.keys() & had.keys():
        if wanted[pk].name != had[pk].name:
            TaggedAnnotation.objects.filter(content_object=annotation, tag_id=pk).update(
                name=wanted[pk].name
            )
    kept = [wanted[tag.pk] for tag in current if tag.pk in wanted]
    _tags_remember(annotation, kept + [tag for tag in tags if tag.pk not in had])


def _tags_remember(annotation: Annotation, tags: list[Tag]) -> None:
    """Leave the tags where taggit's manager looks first, as `prefetch_related` does (without
    building taggit's own queryset for the annotation, which costs more than the query)."""
    # The annotation's tags as a query too, so that `.get()`, `.names()` or `.filter()` on it
    # (which ask the database again) see what is stored now.
    queryset = TaggedAnnotation.tags_for(Annotation, annotation)
    queryset._result_cache, queryset._prefetch_done = list(tags), True
    annotation.__dict__.setdefault("_prefetched_objects_cache", {})["tags"] = queryset


def tags_attach(annotations) -> None:
    """What `prefetch_related("tags")` does, in one query: afterwards `annotation.tags.all()`
    answers from memory, each tag spelled as the note spells it. Taggit's prefetch builds a
    queryset per annotation, which made a paragraph's sixty threads cost tens of milliseconds
    more."""
    by_pk = {annotation.pk: [] for annotation in annotations}
    if by_pk:
        links = (
            TaggedAnnotation.objects.filter(content_object_id__in=list(by_pk))
            .select_related("tag")
            .order_by("pk")
        )
        for link in links:
            link.tag.name = link.name or link.tag.name  # each link has its own tag object
            by_pk[link.content_object_id].append(link.tag)
    for annotation in annotations:
        _tags_remember(annotation, by_pk[annotation.pk])


def visible_spelling(items: str = "annotations_taggedannotation_items") -> Coalesce:
    """For a query of tags filtered to the links a reader may see (`items` is that relation):
    a spelling one of those notes gives the tag, so a list of tags never shows a spelling that
    only notes the reader may not see use."""
    return Coalesce(Min(NullIf(f"{items}__name", Value(""))), "name")
