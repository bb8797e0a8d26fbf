"""The reading page's filters (the tags and authors a reader may choose from), counted in parts
that readers share: what the public sees, what each group sees, and the reader's own rest. The
same answer as `selectors.annotation_facets`, which counts the reader's visible notes in one
query (`tests/annotations/test_facet_parts.py` compares them for random worlds).

A reader's visible notes (threads, not deleted, not hidden from them) fall into disjoint parts:
- `public`: public notes nobody hid, the same for every reader;
- `group:<pk>` for each group the reader belongs to: its course notes nobody hid;
- the rest, the reader's own: what their own visibility query finds among the notes that are
  hidden (which they see as author or moderator), private (their own) or of a group they are not
  in (their own). It is asked through `annotations_visible_to`, so it shows nothing more.

A shared part is kept under the versions of its audience on the edition's paragraphs
(`AudienceVersion`, moved by every change to a note of that audience), so a classmate's note
costs one count of the course's part for the whole course, and a stranger's private note costs
the public and the course nothing. The counts are summed and ranked; the tags and people shown
are then fetched fresh, so a new spelling of a name shows at once.

Two choices differ from the one query, in Python's order where it used the database's collation:
of a tag's spellings the least is shown (the same letters; the case may differ on PostgreSQL),
and ties at the `FACET_LIMIT`th place go by slug or username in Python's order.
"""

import hashlib

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Q
from taggit.models import Tag

from annotations.models import Annotation, Group, TaggedAnnotation
from annotations.selectors import FACET_LIMIT, annotations_visible_to

PART_SECONDS = 300

Counts = tuple[dict, dict]  # {tag pk: (slug, uses, spelling or None)}, {user pk: (username, n)}


def _threads(edition):
    return Annotation.objects.filter(edition=edition, root__isnull=True, deleted_at__isnull=True)


def _tag_counts(links) -> dict:
    """`(tag pk, slug, spelling, uses)` rows summed per tag. The spelling shown is the least of
    the notes' own (in Python's order, the same on every database), the tag's name if none."""
    tags: dict[int, tuple] = {}
    for tag_id, slug, name, uses in links:
        _slug, total, spelling = tags.get(tag_id, (slug, 0, None))
        if name and (spelling is None or name < spelling):
            spelling = name
        tags[tag_id] = (slug, total + uses, spelling)
    return tags


def _counted(notes) -> Counts:
    links = (
        TaggedAnnotation.objects.filter(content_object__in=notes.values("pk"))
        .values("tag_id", "tag__slug", "name")
        .annotate(uses=Count("id"))
        .order_by()
        .values_list("tag_id", "tag__slug", "name", "uses")
    )
    authors = (
        notes.filter(author__isnull=False)
        .values("author_id", "author__username")
        .annotate(notes=Count("id"))
        .order_by()
    )
    return (
        _tag_counts(links),
        {row["author_id"]: (row["author__username"], row["notes"]) for row in authors},
    )


def _shared_notes(edition, name: str):
    notes = _threads(edition).filter(hidden_at__isnull=True)
    if name == "public":
        return notes.filter(visibility=Annotation.Visibility.PUBLIC)
    group_pk = int(name.removeprefix("group:"))
    return notes.filter(visibility=Annotation.Visibility.GROUP, group_id=group_pk)


def _shared_part(edition, name: str, versions: tuple) -> Counts:
    key = f"facet-part:1:{edition.pk}:{name}:{hash_of(versions)}"
    counts = cache.get(key)
    if counts is None:
        counts = _counted(_shared_notes(edition, name))
        cache.set(key, counts, PART_SECONDS)
    return counts


def _own_part(user, edition, member_groups: set[int]) -> Counts:
    if not user.is_authenticated:
        return {}, {}
    # Of the rest, a reader sees only their own notes and the hidden ones of groups whose course
    # they teach: those are the candidates, each found by its index; the reader's own
    # visibility query has the last word.
    moderated = Group.objects.filter(
        course__memberships__user_id=user.pk, course__memberships__role="instructor"
    )
    own = Annotation.objects.filter(author_id=user.pk, edition=edition).values("pk")
    hidden = Annotation.objects.filter(
        group__in=moderated, edition=edition, hidden_at__isnull=False
    )
    hidden = hidden.values("pk")
    candidates = own.order_by().union(hidden.order_by(), all=True)
    visible = annotations_visible_to(user).filter(
        pk__one_of=candidates,
        edition=edition,
        root__isnull=True,
        deleted_at__isnull=True,
        hidden_from_viewer=False,
    )
    rest = (
        Q(hidden_at__isnull=False)
        | Q(visibility=Annotation.Visibility.PRIVATE)
        | (Q(visibility=Annotation.Visibility.GROUP) & ~Q(group_id__in=member_groups))
    )
    # Few rows: counted here, so that the visibility query is built once, not per count.
    rows = list(visible.filter(rest).values_list("pk", "author_id", "author__username"))
    authors: dict[int, tuple] = {}
    for _pk, author_id, username in rows:
        if author_id is not None:
            authors[author_id] = (username, authors.get(author_id, (username, 0))[1] + 1)
    links = TaggedAnnotation.objects.filter(content_object_id__in=[row[0] for row in rows])
    tags = _tag_counts((*link, 1) for link in links.values_list("tag_id", "tag__slug", "name"))
    return tags, authors


def hash_of(versions: tuple) -> str:
    return hashlib.sha256(repr(versions).encode()).hexdigest()[:24]


def facets_from_parts(
    user,
    edition,
    *,
    member_groups: set[int],
    versions: dict[str, tuple],
    tag: str | None = None,
    author: str | None = None,
) -> dict[str, list]:
    """`annotation_facets`'s answer from the parts. `member_groups`: the groups the reader
    belongs to (`user.annotation_groups`); `versions`: for `public` and each of those groups,
    its audience's versions on the edition's paragraphs."""
    names = ["public", *(f"group:{pk}" for pk in sorted(member_groups))]
    parts = [_shared_part(edition, name, versions.get(name, ())) for name in names]
    parts.append(_own_part(user, edition, member_groups))
    tags = _tag_counts(
        (pk, slug, spelling, uses)
        for part_tags, _authors in parts
        for pk, (slug, uses, spelling) in part_tags.items()
    )
    authors: dict[int, tuple] = {}
    for _tags, part_authors in parts:
        for pk, (username, count) in part_authors.items():
            authors[pk] = (username, authors.get(pk, (username, 0))[1] + count)
    return {
        "tags": sorted(_tags_shown(tags, tag), key=lambda t: t.spelling.casefold()),
        "authors": sorted(_authors_shown(authors, author), key=lambda u: u.username),
    }


def _chosen(ranked: list, counts: dict, value: str | None) -> list[int]:
    """The first `FACET_LIMIT` pks of the ranking, and the chosen one where it is counted."""
    shown = ranked[:FACET_LIMIT]
    if value:
        shown += [pk for pk in ranked[FACET_LIMIT:] if counts[pk][0] == value]
    return shown


def _tags_shown(tags: dict[int, tuple], chosen: str | None) -> list[Tag]:
    ranked = sorted(tags, key=lambda pk: (-tags[pk][1], tags[pk][0]))
    shown = list(Tag.objects.filter(pk__in=_chosen(ranked, tags, chosen)))
    for found in shown:
        _slug, found.uses, spelling = tags[found.pk]
        found.spelling = spelling or found.name
    return list(shown)


def _authors_shown(authors: dict[int, tuple], chosen: str | None) -> list:
    ranked = sorted(authors, key=lambda pk: (-authors[pk][1], authors[pk][0]))
    people = get_user_model().objects.filter(pk__in=_chosen(ranked, authors, chosen))
    shown = list(people.select_related("profile"))
    for found in shown:
        found.notes = authors[found.pk][1]
    return list(shown)
