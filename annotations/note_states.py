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
from annotations.anchoring import anchor_annotation
from annotations.models import Annotation
from annotations.selectors import annotations_visible_to
from annotations.tagging import tags_attach

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
PK, ROOT, CREATED, MODIFIED, PLACEHOLDER, KEEPS_PLACEHOLDER = 0, 1, 2, 3, 11, 12


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


def notes_for(states: list[tuple], paragraph) -> list[Annotation]:
    """The notes of these states, by creation, with their tags and what the states' query
    computed for the reader (`hidden_from_viewer`, `has_live_replies`): fetched by key, since
    that query decided what the reader sees; on `paragraph` of its edition."""
    by_pk = {state[PK]: state for state in states}
    notes = list(
        Annotation.objects.filter(pk__in=by_pk)
        .select_related("author__profile", "parent", "group")
        .order_by("created", "id")
    )
    for note in notes:
        state = by_pk[note.pk]
        note.hidden_from_viewer = state[PLACEHOLDER]
        note.has_live_replies = state[KEEPS_PLACEHOLDER]
        note.edition = paragraph.edition
        if note.paragraph_id == paragraph.pk:
            note.paragraph = paragraph
    tags_attach(notes)
    return notes


def threads_for(states: list[tuple], paragraph) -> list[Annotation]:
    """The threads of these states prepared as `selectors.annotations_by_paragraph` prepares
    them: each first note with its `thread_replies` in order and its `anchor`."""
    notes = notes_for(states, paragraph)
    threads = {note.pk: note for note in notes if note.root_id is None}
    for thread in threads.values():
        thread.thread_replies = []
        thread.anchor = anchor_annotation(thread, paragraph.text)
    for note in notes:
        if note.root_id in threads:
            threads[note.root_id].thread_replies.append(note)
    return list(threads.values())
