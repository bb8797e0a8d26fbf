"""The reading page's filters: the tags and authors its reader may choose from."""

import hashlib

from django.core.cache import cache

from annotations.reader_cache import audience
from annotations.selectors import annotation_facets
from edition import selectors

FACETS_CACHE_SECONDS = 300


def reader_facets(user, stamp: selectors.EditionStamp, edition, filters: dict) -> dict:
    """The filters' tags and authors for this reader, counted over all their visible notes:
    kept in the cache until a note of the edition changes (the stamp) or the reader's audience
    does (their groups, their role in each course: an instructor sees what instructors hid)."""
    parts = (audience(user), stamp.pk, stamp.annotations_changed_at, sorted(filters.items()))
    key = "facets:1:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    facets = cache.get(key)
    if facets is None:
        facets = annotation_facets(user, edition, tag=filters["tag"], author=filters["author"])
        cache.set(key, facets, FACETS_CACHE_SECONDS)
    return facets
