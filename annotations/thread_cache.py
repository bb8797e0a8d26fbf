"""A paragraph's threads, rendered once per state of each thread and shared by every reader who
sees that thread the same way.

In a seminar a note on a paragraph changes one thread, and every classmate who scrolls there or
whose page the live channel tells asks for the paragraph's threads again. Rendering sixty
threads for each of them was most of the server's time. Here a request asks the database only
which notes the reader sees on the paragraph and in which state (`note_states`), makes each
thread's key from exactly that, the paragraph's text (which places the passages), whether the
reader is staff (history links) and the language, and renders only the threads whose key the
cache does not hold.

A kept thread never shows a reader what they may not see: its key is made of the reader's own
visible notes, and a thread is kept only when the notes it was rendered from are exactly those
(a note written between the two queries makes it rendered for this reader and not kept). Two
readers with one key see the same notes of that thread in the same states.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.translation import get_language

from annotations.note_states import PK, ROOT, note_state, paragraph_note_states
from annotations.selectors import annotations_by_paragraph

THREAD_CACHE_SECONDS = 24 * 60 * 60


def _key(paragraph, user, root_pk: int, states: list[tuple]) -> str:
    parts = (
        paragraph.pk,
        hashlib.sha256(paragraph.text.encode()).hexdigest(),
        bool(user.is_authenticated and user.is_staff),
        get_language(),
        root_pk,
        states,
    )
    return "thread-html:1:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _by_thread(states: list[tuple]) -> dict[int, list[tuple]]:
    threads: dict[int, list[tuple]] = {}
    for state in states:
        threads.setdefault(state[ROOT] or state[PK], []).append(state)
    return {root: sorted(notes) for root, notes in threads.items()}


def paragraph_threads_html(request, paragraph) -> str:
    """The `<li>` of every thread the reader sees on `paragraph`, in reading order."""
    user = request.user
    visible = _by_thread(paragraph_note_states(user, paragraph.pk))
    keys = {root: _key(paragraph, user, root, states) for root, states in visible.items()}
    kept = cache.get_many(list(keys.values()))
    entries = [kept[key] for key in keys.values() if key in kept]
    missing = [root for root, key in keys.items() if key not in kept]
    if missing:
        threads = annotations_by_paragraph(
            user, paragraph.edition, paragraph=paragraph, roots=missing
        ).get(paragraph.pk, [])
        fresh = {}
        for thread in threads:
            html = render_to_string("includes/annotation_thread.html", {"a": thread}, request)
            entry = (_reading_order(thread), html)
            entries.append(entry)
            states = sorted(note_state(note, user) for note in [thread, *thread.thread_replies])
            if states == visible.get(thread.pk):
                fresh[keys[thread.pk]] = entry
        cache.set_many(fresh, THREAD_CACHE_SECONDS)
    return "".join(html for _order, html in sorted(entries, key=lambda entry: entry[0]))


def _reading_order(thread) -> tuple:
    """Passages by where they are now, whole-paragraph notes first, then by creation (as
    `selectors.annotations_by_paragraph` orders them)."""
    anchor = thread.anchor
    start = anchor.start if anchor is not None and anchor.is_placed else -1
    return (start, thread.created.isoformat(), thread.pk)
