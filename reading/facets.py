"""The reading page's filters: the tags and authors its reader may choose from."""

import hashlib

from django.core.cache import cache

from annotations.facet_parts import facets_from_parts
from annotations.reader_cache import audience, audience_versions_on_edition, member_groups

FACETS_CACHE_SECONDS = 300


def reader_facets(user, edition, filters: dict) -> dict:
    """The filters' tags and authors for this reader, counted over all their visible notes, from
    parts shared with the readers who see them alike (`annotations.facet_parts`). The whole is
    kept for the reader until a note of one of their audiences changes (its versions) or the
    audience does (their groups, their role in each course: an instructor sees what
    instructors hid)."""
    versions = audience_versions_on_edition(user, edition.pk)
    parts = (audience(user), edition.pk, sorted(versions.items()), sorted(filters.items()))
    key = "facets:2:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    facets = cache.get(key)
    if facets is None:
        facets = facets_from_parts(
            user,
            edition,
            member_groups=member_groups(user),
            versions=versions,
            tag=filters["tag"],
            author=filters["author"],
        )
        cache.set(key, facets, FACETS_CACHE_SECONDS)
    return facets
