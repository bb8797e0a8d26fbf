"""The live channel: what an open reading page polls to learn, without a reload, that a note it
may show was written, edited, deleted or hidden.

The answer is a function of what the reader may see and of nothing else: for each paragraph with
a note they see, the number of its threads and a digest of its visible notes
(`annotations.selectors.paragraph_states`). A note they may not see never enters it, so neither
the answer, nor its ETag, nor a 304 can tell that such a note exists or changed. The page
compares the digests with the last ones and fetches the threads of the paragraphs that differ.

Cheap enough to ask every two seconds: the paragraphs' versions are read fresh (one query, so a
change made through any server shows at once) and each paragraph's state is kept per reader's
audience and paragraph version; a note on one paragraph costs every reader one small grouped
query for that paragraph, and nothing for the others.
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from annotations.reader_cache import audience
from annotations.selectors import paragraph_states
from edition.selectors import ParagraphVersions, paragraph_versions

CACHE_SECONDS = 10 * 60


@dataclass(frozen=True)
class LiveState:
    body: bytes
    etag: str  # strong, quoted
    threads: dict[str, int]  # by paragraph public ID, those with a thread the reader sees


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def live_state(user, slug: str, *, public_id: str | None = None) -> LiveState | None:
    """The reader's state of the edition `slug` (or of its paragraph `public_id`); None when
    there is no such edition or paragraph."""
    found = paragraph_versions(slug, public_id)
    if found is None:
        return None
    who = audience(user)
    whole_key = "live:2:" + _digest(who, slug, found)
    state = cache.get(whole_key)
    if state is None:
        state = _render(user, slug, found, who)
        cache.set(whole_key, state, CACHE_SECONDS)
    return state


def _render(user, slug: str, found: ParagraphVersions, who) -> LiveState:
    keys = {pk: "live-p:1:" + _digest(who, pk, version) for pk, _pid, version in found.versions}
    kept = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in kept]
    if missing:
        computed = paragraph_states(user, found.edition_pk, missing)
        fresh = {keys[pk]: computed.get(pk, (0, "")) for pk in missing}
        cache.set_many(fresh, CACHE_SECONDS)
        kept.update(fresh)
    paragraphs = {}
    for pk, public_id, _version in found.versions:
        threads, digest = kept[keys[pk]]
        if digest:
            paragraphs[public_id] = {"threads": threads, "state": digest}
    document = {"edition": slug, "paragraphs": paragraphs, "poll": settings.LIVE_POLL_MS}
    body = json.dumps(document, separators=(",", ":")).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    return LiveState(body, etag, {pid: state["threads"] for pid, state in paragraphs.items()})
