"""Presentation helpers for edition templates."""

import json

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def jsonld(value) -> str:
    """JSON for a <script type="application/ld+json"> block, safe against `</script>`."""
    return mark_safe(json.dumps(value, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308
