"""Tag suggestions for the annotation editor's autocomplete.

GET /api/tags/?q=<prefix>   {"items": [{"name", "slug", "count"}, ...]}: tags of annotations the
                            reader may see, most used first, at most SUGGESTIONS_MAX
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from annotations import selectors
from annotations.models import TAG_MAX_LENGTH
from annotations.views.api import error

SUGGESTIONS_MAX = 20


@require_GET
def tag_suggestions(request: HttpRequest) -> JsonResponse:
    prefix = request.GET.get("q", "")
    if len(prefix) > TAG_MAX_LENGTH:
        return error(400, "q", f"at most {TAG_MAX_LENGTH} characters (a tag is no longer)")
    tags = selectors.tag_suggestions(request.user, prefix, limit=SUGGESTIONS_MAX)
    items = [{"name": tag.name, "slug": tag.slug, "count": tag.annotation_count} for tag in tags]
    return JsonResponse({"items": items})
