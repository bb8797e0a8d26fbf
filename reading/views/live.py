"""The live channel's URL: polled by the open reading and paragraph pages (`reading.live`)."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from reading.live import live_state


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110's weak comparison, as If-None-Match asks: compression may have weakened the
    ETag a browser sends back (`W/"…"`)."""
    opaque = etag.removeprefix("W/")
    return any(
        tag.strip() == "*" or tag.strip().removeprefix("W/") == opaque
        for tag in if_none_match.split(",")
    )


@require_safe
def edition_live(request: HttpRequest, slug: str) -> HttpResponse:
    """JSON: `{"edition", "paragraphs": {"p7": {"threads": 3, "state": "…"}}, "poll": ms}`,
    with a strong ETag; 304 when it is what the reader has (If-None-Match). `?paragraph=p7`
    limits it to one paragraph (the paragraph's page)."""
    public_id = request.GET.get("paragraph") or None
    state = live_state(request.user, slug, public_id=public_id)
    if state is None:
        raise Http404("No such edition or paragraph")
    if _matches(request.headers.get("If-None-Match", ""), state.etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(state.body, content_type="application/json")
    response["ETag"] = state.etag
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Cookie",))
    return response
