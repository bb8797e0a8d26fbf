"""A note as the margin shows it, rendered once per state and kept in the cache.

A paragraph's threads are fetched as the reader scrolls, and sixty notes rendered through the
template cost more than everything else in the request. `annotation_item` renders
`includes/annotation_item.html` once for each state of a note and reuses it: the key is a digest
of everything that template reads (the note's fields and tags, its author's name, what this
viewer may see of it, the language), so a changed note simply gets a new key.
"""

import hashlib

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from accounts.models import display_name_for

register = template.Library()

ITEM_CACHE_SECONDS = 24 * 60 * 60


def _state(annotation, user) -> tuple:
    """Everything `includes/annotation_item.html` shows or decides on."""
    author = annotation.author
    return (
        annotation.pk,
        annotation.modified.isoformat(),
        annotation.created.isoformat(),
        bool(getattr(annotation, "hidden_from_viewer", False)),
        annotation.is_deleted,
        annotation.hidden_at.isoformat() if annotation.hidden_at else None,
        annotation.hidden_reason,
        annotation.motivation,
        annotation.visibility,
        annotation.colour,
        annotation.quote_exact,
        annotation.body_html,
        display_name_for(author) if author is not None else None,
        [(tag.slug, tag.name) for tag in annotation.tags.all()],
        # The history link is for its author and staff.
        bool(user.is_authenticated and (annotation.author_id == user.pk or user.is_staff)),
        get_language(),
    )


@register.simple_tag(takes_context=True)
def annotation_item(context, annotation) -> str:
    user = context["user"]
    key = "annotation-item:1:" + hashlib.sha256(repr(_state(annotation, user)).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "includes/annotation_item.html",
            {"annotation": annotation, "user": user},
            request=context.get("request"),
        )
        cache.set(key, html, ITEM_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (a template's own output, escaped there)
