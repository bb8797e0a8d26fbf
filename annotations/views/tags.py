"""Tag suggestions for the annotation editor's autocomplete.

GET /api/tags/?q=<prefix>&group=<slug>
    {"items": [{"name", "slug", "count", "vocabulary"}, ...]}: with `group`, and only for a member
    of it, the tags its course defined come first (`"vocabulary": true`, all that match; none
    other when the course made them binding); then the tags of annotations the reader may see,
    most used first, up to SUGGESTIONS_MAX in all. A `group` the reader is not in is ignored.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from annotations import vocabulary
from annotations.models import TAG_MAX_LENGTH
from annotations.views.api import error

SUGGESTIONS_MAX = 20


@require_safe
def tag_suggestions(request: HttpRequest) -> JsonResponse:
    prefix = request.GET.get("q", "")
    if len(prefix) > TAG_MAX_LENGTH:
        return error(400, "q", f"at most {TAG_MAX_LENGTH} characters (a tag is no longer)")
    suggestions = vocabulary.tag_suggestions(
        request.user,
        prefix,
        vocabulary=vocabulary.vocabulary_for_member(request.user, request.GET.get("group", "")),
        limit=SUGGESTIONS_MAX,
    )
    items = [
        {"name": tag.name, "slug": tag.slug, "count": tag.count, "vocabulary": tag.vocabulary}
        for tag in suggestions
    ]
    return JsonResponse({"items": items})
