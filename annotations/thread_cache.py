"""A paragraph's threads, rendered once per state of each thread and shared by every reader who
sees that thread the same way.

In a seminar a note on a paragraph changes one thread, and every classmate who scrolls there or
whose page the live channel tells asks for the paragraph's threads again. Rendering sixty
threads for each of them was most of the server's time. Here a request asks the database only
which notes the reader sees on the paragraph and in which state (`note_states`), makes each
thread's key from exactly that (whether the reader wrote a note only where it shows: an edited
note's history link), the paragraph's text (which places the passages), whether the
reader is staff (history links) and the language, and renders only the threads whose key the
cache does not hold.

A kept thread never shows a reader what they may not see: its key is made of the reader's own
visible notes, and the notes are fetched by key and rendered only when each is still in exactly
the state the reader's visibility query found (a note changed or gone between the two queries
makes this request answer through the reader's own query, unshared). Two readers with one key
see the same notes of that thread in the same states.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.translation import get_language

from annotations.note_states import (
    CREATED,
    MODIFIED,
    PK,
    ROOT,
    note_state,
    paragraph_note_states,
    threads_for,
)

THREAD_CACHE_SECONDS = 24 * 60 * 60


def _shown(state: tuple) -> tuple:
    """A note's state as its rendering in a thread depends on it: whether the reader wrote it
    matters only for a note that was edited (its history link is for its author)."""
    *rest, by_reader = state
    return (*rest, by_reader and state[MODIFIED] != state[CREATED])


def _key(paragraph, user, root_pk: int, states: list[tuple]) -> str:
    parts = (
        paragraph.pk,
        hashlib.sha256(paragraph.text.encode()).hexdigest(),
        bool(user.is_authenticated and user.is_staff),
        get_language(),
        root_pk,
        [_shown(state) for state in states],
    )
    return "thread-html:1:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _by_thread(states: list[tuple]) -> dict[int, list[tuple]]:
    threads: dict[int, list[tuple]] = {}
    for state in states:
        threads.setdefault(state[ROOT] or state[PK], []).append(state)
    return {root: sorted(notes) for root, notes in threads.items()}


def paragraph_threads_html(request, paragraph) -> str | None:
    """The `<li>` of every thread the reader sees on `paragraph`, in reading order; None when a
    thread changed between the two queries (the caller then renders them all for this reader
    through `selectors.annotations_by_paragraph`, as it would unshared)."""
    user = request.user
    visible = _by_thread(paragraph_note_states(user, paragraph.pk))
    keys = {root: _key(paragraph, user, root, states) for root, states in visible.items()}
    kept = cache.get_many(list(keys.values()))
    entries = [kept[key] for key in keys.values() if key in kept]
    missing = [root for root, key in keys.items() if key not in kept]
    if missing:
        threads = threads_for([state for root in missing for state in visible[root]], paragraph)
        fresh = {}
        for thread in threads:
            states = sorted(note_state(note, user) for note in [thread, *thread.thread_replies])
            if states != visible[thread.pk]:
                return None
            html = render_to_string("includes/annotation_thread.html", {"a": thread}, request)
            fresh[keys[thread.pk]] = (_reading_order(thread), html)
        # (a missing root that is not a thread now is a reply left alone by a narrowed thread)
        cache.set_many(fresh, THREAD_CACHE_SECONDS)
        entries += fresh.values()
    return "".join(html for _order, html in sorted(entries, key=lambda entry: entry[0]))


def _reading_order(thread) -> tuple:
    """Passages by where they are now, whole-paragraph notes first, then by creation (as
    `selectors.annotations_by_paragraph` orders them)."""
    anchor = thread.anchor
    start = anchor.start if anchor is not None and anchor.is_placed else -1
    return (start, thread.created.isoformat(), thread.pk)
