"""Reads of annotations. Visibility is applied in the query, never in Python afterwards."""

import hashlib

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from taggit.models import Tag

from annotations import compiled
from annotations.anchoring import anchor_annotation
from annotations.models import RESTORE_WINDOW, Annotation, Group
from annotations.tagging import tags_attach, visible_spelling
from edition.models import Paragraph


def _visible_pks(user) -> QuerySet | Q:
    """Which annotations the user may see, as something the database finds through indexes:
    the public ones, the user's own and those of the user's groups, each found by its own index
    and combined by UNION ALL (a single OR of the three made both databases scan every
    annotation of the edition). A filter on the result reads only the rows it names
    (`annotations.lookups.OneOf`)."""
    public = Q(visibility=Annotation.Visibility.PUBLIC)
    if not user.is_authenticated:
        return public
    own = Annotation.objects.filter(author_id=user.pk)
    grouped = Annotation.objects.filter(
        visibility=Annotation.Visibility.GROUP, group__in=user.annotation_groups.all()
    )
    return Q(
        pk__one_of=Annotation.objects.filter(public)
        .values("pk")
        .order_by()
        .union(own.values("pk").order_by(), grouped.values("pk").order_by(), all=True)
    )


def hidden_from(user, prefix: str = "") -> Q:
    """Whether an instructor hid the annotation (`prefix` names a related one, "parent__") from
    this reader: from anyone but its author and the instructors of the course owning its group."""
    hidden = Q(**{f"{prefix}hidden_at__isnull": False})
    if user.is_authenticated:
        # A course owns its group (`group.course`); its instructors moderate it. The role is
        # `courses.Membership.Role.INSTRUCTOR`, named here so that this app imports no course.
        moderated = Group.objects.filter(
            course__memberships__user_id=user.pk, course__memberships__role="instructor"
        )
        hidden &= ~Q(**{f"{prefix}author_id": user.pk}) & ~Q(**{f"{prefix}group__in": moderated})
    return hidden


def _seen(user) -> Q:
    """Whose audience the reader is in: the public, the author, the note's group."""
    seen = Q(visibility=Annotation.Visibility.PUBLIC)
    if user.is_authenticated:
        seen |= Q(author_id=user.pk) | Q(
            visibility=Annotation.Visibility.GROUP, group__in=user.annotation_groups.all()
        )
    return seen


def annotations_visible_to(user, *, paragraphs=None) -> QuerySet[Annotation]:
    """Public ones, the user's own, and those of the user's groups; deleted ones only as
    placeholders in a thread that still has live replies.

    One that an instructor hid is shown in full only to its author and to the instructors of
    the course owning its group. To everyone else it is like a deleted one: gone, or a
    placeholder if it has replies they see (`hidden_from_viewer`, which makes `is_deleted`
    true). One query: who may see and who moderates are subqueries.

    `paragraphs` (a list of pks, or a query of them) limits it to the threads on those
    paragraphs, found from the paragraphs rather than from everything the reader may see: the
    notes of the reader's audience on them (one index: paragraph, visibility, group), the
    replies of those and the reader's own; for one or a few paragraphs that reads a few dozen
    rows where the whole edition's audience is thousands. The same rows as filtering the
    unlimited query by paragraph: a reply's audience is within its thread's, except for a
    reply made private when its thread was narrowed (its author's own).
    """
    hidden_from_viewer = hidden_from(user)
    # Replies the reader sees: a reply may have a narrower audience than its thread (see
    # `services.annotation_update`), and one they cannot see must not keep a placeholder.
    seen = _seen(user)
    live_replies = Annotation.objects.filter(
        seen, ~hidden_from_viewer, parent=OuterRef("pk"), deleted_at__isnull=True
    )
    if paragraphs is None:
        visible = Annotation.objects.filter(_visible_pks(user))
    else:
        roots = Annotation.objects.filter(seen, paragraph_id__in=paragraphs).values("pk")
        parts = [roots, Annotation.objects.filter(seen, root_id__in=roots).values("pk")]
        if user.is_authenticated:
            # and the reader's own replies in threads narrowed past them since
            own = Annotation.objects.filter(author_id=user.pk, root__paragraph_id__in=paragraphs)
            parts.append(own.values("pk"))
        # Each part found by its own index, as in `_visible_pks`.
        union = parts[0].order_by().union(*(part.order_by() for part in parts[1:]), all=True)
        visible = Annotation.objects.filter(pk__one_of=union)
    return (
        visible.annotate(
            has_live_replies=Exists(live_replies),
            hidden_from_viewer=ExpressionWrapper(hidden_from_viewer, output_field=BooleanField()),
        )
        .filter(Q(deleted_at__isnull=True, hidden_from_viewer=False) | Q(has_live_replies=True))
        .select_related("author__profile", "paragraph", "edition", "parent", "group")
        .prefetch_related("tags")
    )


def annotation_get(user, uuid) -> Annotation | None:
    """One annotation if the user may see it; None otherwise (so the API answers 404)."""
    return annotations_visible_to(user).filter(uuid=uuid).first()


def annotation_list(
    user,
    *,
    edition=None,
    paragraph_id: str | None = None,
    tag: str | None = None,
    author: str | None = None,
    scope: str | None = None,
    visible: QuerySet[Annotation] | None = None,
) -> QuerySet[Annotation]:
    """Filters as the page and the API offer them; scope is mine | groups | public. `visible`
    is `annotations_visible_to(user)` when the caller has built it already (building it is a
    good part of a request's time).

    A filter on who wrote a note or what it is (tag, author, scope) never matches a
    placeholder: it keeps its thread readable, but must not tell whose it was or what it said.
    Edition and paragraph only say where; there placeholders stay, with their threads."""
    on = None
    if visible is None:
        if edition is not None and paragraph_id:
            # Its key, not a subquery: a planner then reads the paragraph's notes by index.
            paragraphs = Paragraph.objects.filter(edition=edition, public_id=paragraph_id)
            on = list(paragraphs.values_list("pk", flat=True))
        visible = annotations_visible_to(user, paragraphs=on)
    annotations = visible
    if tag or author or scope:
        annotations = annotations.filter(deleted_at__isnull=True, hidden_from_viewer=False)
    if edition is not None:
        annotations = annotations.filter(edition=edition)
    if paragraph_id and on is None:  # (limited to the paragraph, they are on it already)
        annotations = annotations.filter(
            Q(paragraph__public_id=paragraph_id) | Q(root__paragraph__public_id=paragraph_id)
        )
    if tag:
        annotations = annotations.filter(tags__slug=tag)
    if author:
        annotations = annotations.filter(author__username=author)
    if scope == "mine":
        annotations = annotations.filter(author_id=user.pk)
    elif scope == "groups":
        annotations = annotations.filter(visibility=Annotation.Visibility.GROUP)
    elif scope == "public":
        annotations = annotations.filter(visibility=Annotation.Visibility.PUBLIC)
    return annotations.order_by("created", "id")


def _threads(user, edition, *, paragraph=None, tag=None, author=None, scope=None, visible=None):
    """The first annotations of the threads the reader sees, as filtered."""
    threads = annotation_list(
        user, edition=edition, tag=tag, author=author, scope=scope, visible=visible
    ).filter(root__isnull=True)
    if paragraph is not None:
        threads = threads.filter(paragraph_id=paragraph.pk)
    return threads


def thread_counts(
    user, edition, *, tag: str | None = None, author: str | None = None, scope: str | None = None
) -> dict[int, int]:
    """How many threads the reader sees on each paragraph (by pk), as filtered: the margin
    counts of the reading page, in one grouped query whatever the number of annotations."""
    rows = (
        _threads(user, edition, tag=tag, author=author, scope=scope)
        .order_by()
        .values("paragraph_id")
        .annotate(threads=Count("pk"))
        .values_list("paragraph_id", "threads")
    )
    return dict(rows)


def annotations_by_paragraph(
    user,
    edition,
    *,
    paragraph=None,
    tag: str | None = None,
    author: str | None = None,
    scope: str | None = None,
) -> dict[int, list[Annotation]]:
    """Threads of an edition (or of one `paragraph` of it) for reading, grouped by paragraph pk
    in reading order.

    Filters choose threads (their first annotation); a chosen thread keeps all its visible
    replies, as `thread_replies`. Each thread gets `anchor`, where its passage is in the
    paragraph's current text. Four queries: threads, replies, and the tags of each.
    """
    on = None if paragraph is None else [paragraph.pk]
    visible = annotations_visible_to(user, paragraphs=on).prefetch_related(None)
    threads = list(
        _threads(
            user, edition, paragraph=paragraph, tag=tag, author=author, scope=scope, visible=visible
        )
    )
    by_pk = {thread.pk: thread for thread in threads}
    grouped: dict[int, list[Annotation]] = {}
    for thread in threads:
        thread.thread_replies = []
        thread.anchor = anchor_annotation(thread, thread.paragraph.text)
        grouped.setdefault(thread.paragraph_id, []).append(thread)
    replies = []
    if by_pk:
        replies = list(visible.filter(root__in=list(by_pk)).order_by("created", "id"))
        for reply in replies:
            by_pk[reply.root_id].thread_replies.append(reply)
    tags_attach(threads + replies)
    for paragraph_threads in grouped.values():
        paragraph_threads.sort(key=_reading_order)
    return grouped


def _reading_order(thread: Annotation) -> tuple:
    """Passages by where they are now, whole-paragraph notes first, then by creation."""
    anchor = thread.anchor
    start = anchor.start if anchor is not None and anchor.is_placed else -1
    return (start, thread.created, thread.pk)


FACET_LIMIT = 40


def annotation_facets(
    user, edition, *, tag: str | None = None, author: str | None = None
) -> dict[str, list]:
    """The tags and authors a reader can filter the edition's threads by (visible ones only):
    the `FACET_LIMIT` most used of each, in alphabetical order, and the chosen `tag` and
    `author` even when they are rarer. A list of a thousand names helps nobody; any tag or
    author can still be asked for in the URL, and search finds every one.

    In one query, the reference: the reading page counts the same in parts its readers share
    (`annotations.facet_parts`, compared with this in its tests)."""
    visible = annotations_visible_to(user).filter(
        edition=edition, root__isnull=True, deleted_at__isnull=True, hidden_from_viewer=False
    )
    tags = (
        Tag.objects.filter(annotations_taggedannotation_items__content_object__in=visible)
        .annotate(uses=Count("annotations_taggedannotation_items"), spelling=visible_spelling())
        .order_by("-uses", "slug")
    )
    authors = (
        get_user_model()
        .objects.filter(annotations__in=visible)
        .annotate(notes=Count("annotations"))
        .select_related("profile")
        .order_by("-notes", "username")
    )
    return {
        "tags": sorted(_most_used(tags, slug=tag), key=lambda t: t.spelling.casefold()),
        "authors": sorted(_most_used(authors, username=author), key=lambda u: u.username),
    }


def _most_used(ranked: QuerySet, **chosen) -> list:
    """The first `FACET_LIMIT` of a ranked list, and the chosen one (a union: one query)."""
    ((field, value),) = chosen.items()
    top = ranked[:FACET_LIMIT]
    if not value:
        return list(top)
    return list(ranked.filter(Q(pk__in=top.values("pk")) | Q(**{field: value})))


def thread_for_reading(user, root: Annotation) -> Annotation | None:
    """One thread prepared like those of `annotations_by_paragraph`."""
    thread = annotations_visible_to(user).filter(pk=root.pk).first()
    if thread is None:
        return None
    thread.anchor = anchor_annotation(thread, thread.paragraph.text)
    thread.thread_replies = list(
        annotations_visible_to(user).filter(root=thread).order_by("created", "id")
    )
    return thread


# Tag pages, "My annotations" and tag suggestions. Deleted annotations, and those hidden from
# the viewer, are left out of all of them: a placeholder keeps a thread readable but carries
# nothing worth finding by tag.

LIST_JOINS = ("paragraph__edition", "root__paragraph__edition")


def annotations_tagged(user, tag_slug: str) -> QuerySet[Annotation]:
    """The tag page: what the user may see with this tag, newest first. Each item links to its
    passage, so paragraph and edition (the thread's, for a reply) are joined, not fetched per
    item."""
    return (
        annotation_list(user, tag=tag_slug)
        .filter(deleted_at__isnull=True, hidden_from_viewer=False)
        .select_related(*LIST_JOINS)
        .order_by("-created", "-id")
    )


def annotations_of_reader(user, *, tag: str | None = None) -> QuerySet[Annotation]:
    """A reader's own annotations and replies across editions, as they would meet them reading:
    by edition, paragraph position (the reading order; the number can skip), passage start,
    then creation. A reply sorts with its thread's passage; whole-paragraph notes come first."""
    return (
        annotation_list(user, tag=tag, scope="mine")
        .filter(deleted_at__isnull=True, hidden_from_viewer=False)
        .select_related(*LIST_JOINS)
        .order_by(
            "edition__slug",
            Coalesce("paragraph__position", "root__paragraph__position"),
            Coalesce("position_start", "root__position_start").asc(nulls_first=True),
            "created",
            "id",
        )
    )


def tags_visible_to(user, *, prefix: str = "") -> QuerySet[Tag]:
    """Tags of live annotations the user may see, each with `annotation_count` and `spelling`
    (as one of those notes spells it); with `prefix`, the tags such a note spells so. Counted
    and matched in SQL over the visible rows only, so a private note neither reveals its tag,
    nor its spelling, nor adds to a count."""
    visible = (
        annotations_visible_to(user)
        .filter(deleted_at__isnull=True, hidden_from_viewer=False)
        .values("pk")
    )
    links = Q(annotations_taggedannotation_items__content_object__in=visible)
    if prefix:
        # One filter, so the same join: a visible note's spelling (the tag's name if it has none).
        links &= Q(annotations_taggedannotation_items__name__istartswith=prefix) | Q(
            annotations_taggedannotation_items__name="", name__istartswith=prefix
        )
    return Tag.objects.filter(links).annotate(
        annotation_count=Count("annotations_taggedannotation_items__content_object", distinct=True),
        spelling=visible_spelling(),
    )


def tag_get_visible(user, slug: str) -> Tag | None:
    """The tag if the user may see an annotation carrying it. None otherwise, the same answer as
    for a tag that does not exist, so pages cannot tell that private or group notes use it."""
    return tags_visible_to(user).filter(slug=slug).first()


def tag_suggestions(user, prefix: str = "", *, limit: int = 20) -> QuerySet[Tag]:
    """The editor's autocomplete: the vocabulary the user's audience already uses, most used
    first, so readers converge on shared tags. An empty prefix gives the most used."""
    tags = tags_visible_to(user, prefix=prefix.lstrip())
    return tags.order_by("-annotation_count", "slug", "pk")[:limit]


def can_see_history(user, annotation: Annotation) -> bool:
    """The author and staff (moderators); course instructors join them with courses."""
    return user.is_authenticated and (annotation.author_id == user.pk or user.is_staff)


def annotation_of_author(user, uuid) -> Annotation | None:
    """One of the user's own annotations, deleted or not (restoring needs the deleted ones that
    `annotations_visible_to` leaves out)."""
    if not user.is_authenticated:
        return None
    return Annotation.objects.filter(author_id=user.pk, uuid=uuid).first()


def annotations_restorable_by(user) -> QuerySet[Annotation]:
    """The "Recently deleted" page: the user's deleted annotations and replies that can still be
    restored, most recently deleted first, each ready to link to its passage."""
    return (
        Annotation.objects.filter(
            author_id=user.pk,
            deleted_at__gte=timezone.now() - RESTORE_WINDOW,
        )
        .annotate(
            restorable_until=ExpressionWrapper(
                F("deleted_at") + RESTORE_WINDOW, output_field=DateTimeField()
            )
        )
        .select_related(*LIST_JOINS)
        .prefetch_related("tags")
        .order_by("-deleted_at", "-id")
    )


# Up to this many paragraphs, their notes are found from the paragraphs; beyond, from all
# that the reader may see (`annotations_visible_to`): the paragraphs' indexes would read most
# of the edition by then.
FEW_PARAGRAPHS = 12


def _few(paragraph_ids: list[int]) -> list[int] | None:
    return paragraph_ids if len(paragraph_ids) <= FEW_PARAGRAPHS else None


def _states_query(user, edition, paragraph_ids: list[int]) -> QuerySet:
    return (
        annotations_visible_to(user, paragraphs=_few(paragraph_ids))
        .prefetch_related(None)
        .select_related(None)
        .filter(edition=edition)
        .annotate(on_paragraph=Coalesce("paragraph_id", "root__paragraph_id"))
        .filter(on_paragraph__in=paragraph_ids)
        .order_by()
        .values("on_paragraph")
        .annotate(
            threads=Count("pk", filter=Q(root__isnull=True)),
            items=Count("pk"),
            ids=Sum("pk"),
            modified=Max("modified"),
            deleted=Count("deleted_at"),
            last_deleted=Max("deleted_at"),
            hidden=Count("hidden_at"),
            last_hidden=Max("hidden_at"),
            placeholders=Count("pk", filter=Q(hidden_from_viewer=True)),
        )
    )


def paragraph_states(user, edition, paragraph_ids: list[int]) -> dict[int, tuple[int, str]]:
    """What the reader sees of the annotations on each of `paragraph_ids`, as (the number of
    threads, a digest that changes whenever anything the reader sees there is created, edited,
    deleted, hidden, shown again or restored): the live channel's state. Paragraphs without a
    visible note are left out. One grouped query; it reads only what the reader may see, so a
    digest can never tell of a note they may not. Asked every few seconds by every open page,
    so its SQL is compiled once per shape (`compiled`)."""
    if not paragraph_ids:
        return {}
    signed_in = user.is_authenticated
    ids = compiled.stand_ins(len(paragraph_ids))
    reader = compiled.stand_in_reader() if signed_in else user
    values = {
        compiled.EDITION: getattr(edition, "pk", edition),
        **dict(zip(ids, paragraph_ids, strict=True)),
    }
    if signed_in:
        values[compiled.READER] = user.pk
    rows = compiled.run(
        ("paragraph_states", signed_in, len(ids)),
        lambda: _states_query(reader, compiled.EDITION, ids),
        values,
    )
    states = {}
    for row in rows:
        paragraph_id = row.pop("on_paragraph")
        digest = hashlib.sha256(repr(sorted(row.items())).encode()).hexdigest()[:16]
        states[paragraph_id] = (row["threads"], digest)
    return states
