"""What a reader sees of a paragraph's notes, as the state of each note and nothing else: the
keys under which renderings of those notes are shared between readers (`thread_cache` for the
reading page's threads, `item_cache` for the API's lists).

A state is everything a rendering of the note shows or decides on that can change without its
`modified` time: deletion, hiding, its audience (a thread narrowed takes its replies along), its
author and their names, whether it is a placeholder for this reader or keeps one, and whether
the reader wrote it. One compiled query (`annotations.compiled`) of `annotations_visible_to`
limited to the paragraph: it reads only what the reader may see.
"""

from datetime import UTC

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime

from annotations import compiled
from annotations.selectors import annotations_visible_to

# The query's columns, named as `values()` names them, in the order of a state.
COLUMNS = (
    "pk",
    "root_id",
    "created",
    "modified",
    "deleted_at",
    "hidden_at",
    "visibility",
    "group_id",
    "author_id",
    "author__username",
    "author__profile__display_name",
    "hidden_from_viewer",
    "has_live_replies",
)
PK, ROOT, CREATED = 0, 1, 2


def _query(user, paragraph_id: int) -> QuerySet:
    return (
        annotations_visible_to(user, paragraphs=[paragraph_id])
        .select_related(None)
        .prefetch_related(None)
        .order_by()
        .values(*COLUMNS)
    )


def _instant(value) -> str | None:
    """A datetime as the database or a model gives it, the same way (SQLite answers text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _state(values: tuple, viewer_pk) -> tuple:
    pk, root, created, modified, deleted, hidden, *audience, placeholder, kept = values
    author = audience[2]
    return (
        pk,
        root,
        _instant(created),
        _instant(modified),
        _instant(deleted),
        _instant(hidden),
        *audience,
        bool(placeholder),
        bool(kept),
        author is not None and author == viewer_pk,
    )


def paragraph_note_states(user, paragraph_id: int) -> list[tuple]:
    """The state of each note the reader sees on the paragraph, in no particular order."""
    signed_in = user.is_authenticated
    (paragraph,) = compiled.stand_ins(1)
    values = {paragraph: paragraph_id}
    if signed_in:
        values[compiled.READER] = user.pk
    reader = compiled.stand_in_reader() if signed_in else user
    rows = compiled.run(("note_states", signed_in), lambda: _query(reader, paragraph), values)
    return [_state(tuple(row[name] for name in COLUMNS), user.pk) for row in rows]


def note_state(note, user) -> tuple:
    """The state of a note fetched through `annotations_visible_to` for `user`: equal to its
    entry in `paragraph_note_states` when nothing changed in between."""
    author = note.author
    profile = getattr(author, "profile", None) if author is not None else None
    values = (
        note.pk,
        note.root_id,
        note.created,
        note.modified,
        note.deleted_at,
        note.hidden_at,
        note.visibility,
        note.group_id,
        note.author_id,
        author.username if author is not None else None,
        profile.display_name if profile is not None else None,
        note.hidden_from_viewer,
        note.has_live_replies,
    )
    return _state(values, user.pk)
