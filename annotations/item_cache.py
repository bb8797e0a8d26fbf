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

from annotations.note_states import CREATED, PK, note_state, paragraph_note_states
from annotations.selectors import annotations_visible_to
from annotations.serializers import annotation_as_json
from annotations.tagging import tags_attach

ITEM_CACHE_SECONDS = 24 * 60 * 60


def _key(state: tuple, base_url: str) -> str:
    return "note-json:1:" + hashlib.sha256(repr((base_url, state)).encode()).hexdigest()


def paragraph_items(
    user, paragraph_id: int, *, offset: int, limit: int, base_url: str
) -> tuple[int, list[dict]]:
    """(How many notes the reader sees on the paragraph, the JSON of those from `offset`, at
    most `limit`), in the order of creation."""
    states = sorted(paragraph_note_states(user, paragraph_id), key=lambda s: (s[CREATED], s[PK]))
    page = states[offset : offset + limit]
    keys = {state[PK]: _key(state, base_url) for state in page}
    kept = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in kept]
    made = {}
    if missing:
        notes = list(
            annotations_visible_to(user, paragraphs=[paragraph_id])
            .prefetch_related(None)
            .filter(pk__in=missing)
        )
        tags_attach(notes)
        expected = {state[PK]: state for state in page}
        fresh = {}
        for note in notes:
            made[note.pk] = annotation_as_json(note, user=user, base_url=base_url)
            if note_state(note, user) == expected[note.pk]:
                fresh[keys[note.pk]] = made[note.pk]
        cache.set_many(fresh, ITEM_CACHE_SECONDS)
    items = []
    for state in page:
        key = keys[state[PK]]
        item = kept[key] if key in kept else made.get(state[PK])
        if item is not None:  # (gone between the two queries: left out, as it is now)
            items.append(item)
    return len(states), items
