"""The protections Django 5.2 leaves to the project: a Content-Security-Policy header, a cap on
request bodies that holds before any view reads one, and the NUL character refused in the
address and headers before anything looks it up.

The policy is one fixed string (`settings.CONTENT_SECURITY_POLICY`): the app has no inline script
or style, so it needs no nonces or hashes, and a middleware of a few lines does what a library
would. Django 6.0 brings its own; this one goes then.
"""

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

# Where the answer is JSON ({"error": {"field", "message"}}) whatever the request sent.
JSON_API_URL_NAMES = (
    "annotations:api-collection",
    "annotations:api-tags",
    "annotations:w3c-container",
)


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every response (pages, JSON, static files served by WhiteNoise) that
    does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # With DEBUG on, Django's error pages style and script themselves inline.
        debug_page = settings.DEBUG and response.status_code in (404, 500)
        if settings.CONTENT_SECURITY_POLICY and not debug_page:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class RequestBodyLimitMiddleware:
    """413 for a body announced larger than the limit, before any view reads it.

    Django checks `DATA_UPLOAD_MAX_MEMORY_SIZE` only when a view reads the body, and never for
    the file parts of a multipart body, which it streams to disk however large they are. So a
    body is bounded here: `DATA_UPLOAD_MAX_MEMORY_SIZE` for forms and JSON, the larger
    `UPLOAD_MAX_BYTES` for multipart uploads (the import page then says itself what is wrong
    with a file a little over its own limit). A body sent without Content-Length is not read
    by Django at all. A JSON body (the JSON API, the W3C protocol) is answered in their JSON
    error shape, anything else in plain text.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        content_type = request.META.get("CONTENT_TYPE", "")
        multipart = content_type.startswith("multipart/")
        limit = settings.UPLOAD_MAX_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = request.META.get("CONTENT_LENGTH", "")
        if limit is not None and length.isdigit() and int(length) > limit:
            media_type = content_type.split(";")[0].strip().lower()
            if media_type == "application/json" or media_type.endswith("+json"):
                message = f"body larger than the limit of {limit} bytes ({limit / 2**20:g} MiB)"
                return JsonResponse({"error": {"field": "request", "message": message}}, status=413)
            return HttpResponse(
                f"Request body too large: at most {limit} bytes are accepted.\n",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


@cache
def _json_api_paths() -> tuple[str, ...]:
    return tuple(reverse(name) for name in JSON_API_URL_NAMES)


def answers_json(request: HttpRequest) -> bool:
    """Whether a refusal should be in the JSON APIs' error shape: a JSON body was sent, or the
    path is the JSON API's or the W3C protocol's."""
    media_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        return True
    return request.path_info.startswith(_json_api_paths())


def bad_request(request: HttpRequest, field: str, message: str, *, status: int = 400):
    """A refusal before any view: JSON for the APIs, a short plain-text page otherwise."""
    if answers_json(request):
        return JsonResponse({"error": {"field": field, "message": message}}, status=status)
    return HttpResponse(
        f"Bad request: {message}.\n", status=status, content_type="text/plain; charset=utf-8"
    )


class NulCharacterMiddleware:
    """400 for the NUL character in the path, a query parameter or a header, in one place.

    PostgreSQL cannot hold NUL in text, so a lookup with it (a tag's slug, a join code, an
    edition's, a session key from a cookie) fails in the database, long after the view trusted
    the value. Bodies are checked where they are parsed: form fields by Django's own validator,
    JSON by `config.json_input`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        if refusal is not None:
            field, where = refusal
            return bad_request(request, field, f"the NUL character (%00) is not allowed in {where}")
        return self.get_response(request)

    @staticmethod
    def _refusal(request: HttpRequest) -> tuple[str, str] | None:
        """The field and where the NUL character is, or None."""
        if "\x00" in request.path_info:
            return "path", "the address"
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in query or "%00" in query:
            for name, values in request.GET.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    shown = name.replace("\x00", "%00")
                    return shown, f"the query parameter {shown!r}"
        for key, value in request.META.items():
            if (key.startswith("HTTP_") or key == "CONTENT_TYPE") and "\x00" in str(value):
                header = key.removeprefix("HTTP_").replace("_", "-").title()
                return header, f"the {header} header"
        return None
