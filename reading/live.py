"""The live channel: what an open reading page polls to learn, without a reload, that a note it
may show was written, edited, deleted or hidden.

The answer is a function of what the reader may see and of nothing else: for each paragraph with
a note they see, the number of its threads and a digest of its visible notes
(`annotations.selectors.paragraph_states`). A note they may not see never enters it, so neither
the answer, nor its ETag, nor a 304 can tell that such a note exists or changed. The page
compares the digests with the last ones and fetches the threads of the paragraphs that differ.

Cheap enough to ask every two seconds: the versions of the reader's audiences on each paragraph
are read fresh (`AudienceVersion`, one query, so a change made through any server shows at
once) and each paragraph's state is kept per reader's audience and those versions; a note on one
paragraph costs the readers who see it one small query for that paragraph (compiled,
`annotations.compiled`), and nothing for the others, nor for readers of other courses.
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from annotations.reader_cache import audience, audience_versions
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
    versions = audience_versions(user, [pk for pk, _pid, _version in found.versions])
    paragraphs = [(pk, pid, versions.get(pk, ())) for pk, pid, _version in found.versions]
    whole_key = "live:3:" + _digest(who, slug, found.edition_pk, paragraphs)
    state = cache.get(whole_key)
    if state is None:
        state = _render(user, found, slug, who, paragraphs)
        cache.set(whole_key, state, CACHE_SECONDS)
    return state


def _render(user, found: ParagraphVersions, slug: str, who, paragraphs: list) -> LiveState:
    keys = {pk: "live-p:2:" + _digest(who, pk, seen) for pk, _pid, seen in paragraphs}
    kept = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in kept]
    if missing:
        computed = paragraph_states(user, found.edition_pk, missing)
        fresh = {keys[pk]: computed.get(pk, (0, "")) for pk in missing}
        cache.set_many(fresh, CACHE_SECONDS)
        kept.update(fresh)
    shown = {}
    for pk, public_id, _seen in paragraphs:
        threads, digest = kept[keys[pk]]
        if digest:
            shown[public_id] = {"threads": threads, "state": digest}
    document = {"edition": slug, "paragraphs": shown, "poll": settings.LIVE_POLL_MS}
    body = json.dumps(document, separators=(",", ":")).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    return LiveState(body, etag, {pid: state["threads"] for pid, state in shown.items()})
