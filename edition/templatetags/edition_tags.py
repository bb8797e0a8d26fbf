"""Presentation helpers for edition templates."""

import hashlib
import json

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def jsonld(value) -> str:
    """JSON for a <script type="application/ld+json"> block, safe against `</script>`."""
    return mark_safe(json.dumps(value, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308


@register.simple_tag
def reading_rows_key(turns, threads_query: str = "") -> str:
    """A digest of everything in the reading page's paragraph rows that is not the text itself
    (which the cache key names by its version): per paragraph, the threads counted for this
    reader, whether the assignment covers it, the find box's match and the heat map. Readers
    for whom all of these agree share one rendering of the rows."""
    parts: list = [threads_query]
    for view in turns:
        parts.extend(_row_parts(paragraph) for paragraph in view.paragraphs)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@register.simple_tag
def reading_row_key(paragraph, threads_query: str = "") -> str:
    """The same for one row: readers whose rows differ in one paragraph's count still share
    the rendering of the others."""
    parts = (threads_query, _row_parts(paragraph))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _row_parts(paragraph) -> tuple:
    heat = paragraph.heat
    return (
        paragraph.pk,
        paragraph.thread_count,
        paragraph.in_assignment,
        getattr(paragraph, "find_match", False),
        None if heat is None else (heat.level, heat.annotations, heat.students),
    )
