"""A paragraph's notes as the API lists them, each note's JSON made once per state and shared
by every reader who sees it so (the reading page's script lists a paragraph's notes as its
reader scrolls; a note changes one item, not the list).

The list is ordered and counted from the reader's visible notes' states (`note_states`), so the
total and the page are exactly what the query of `selectors.annotation_list` gives; only the
items whose key the cache does not hold are fetched and serialised. As for threads
(`thread_cache`): a key is made of what this reader sees of the note, and an item is kept only
when the note it was made from is in exactly that state.
"""

import hashlib

from django.core.cache import cache

from annotations.note_states import CREATED, PK, note_state, notes_for, paragraph_note_states
from annotations.serializers import annotation_as_json

ITEM_CACHE_SECONDS = 24 * 60 * 60


def _key(state: tuple, base_url: str) -> str:
    return "note-json:1:" + hashlib.sha256(repr((base_url, state)).encode()).hexdigest()


def paragraph_items(
    user, paragraph, *, offset: int, limit: int, base_url: str
) -> tuple[int, list[dict]] | None:
    """(How many notes the reader sees on the paragraph, the JSON of those from `offset`, at
    most `limit`), in the order of creation; None when a note changed between the two queries
    (the caller then lists through `selectors.annotation_list`, unshared)."""
    states = sorted(paragraph_note_states(user, paragraph.pk), key=lambda s: (s[CREATED], s[PK]))
    page = states[offset : offset + limit]
    keys = {state[PK]: _key(state, base_url) for state in page}
    items = cache.get_many(list(keys.values()))
    missing = [state for state in page if keys[state[PK]] not in items]
    if missing:
        notes = {note.pk: note for note in notes_for(missing, paragraph)}
        fresh = {}
        for state in missing:
            note = notes.get(state[PK])
            if note is None or note_state(note, user) != state:
                return None
            fresh[keys[state[PK]]] = annotation_as_json(note, user=user, base_url=base_url)
        cache.set_many(fresh, ITEM_CACHE_SECONDS)
        items.update(fresh)
    return len(states), [items[keys[state[PK]]] for state in page]
