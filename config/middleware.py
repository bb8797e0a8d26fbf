"""The two protections Django 5.2 leaves to the project: a Content-Security-Policy header and a
cap on request bodies that holds before any view reads one.

The policy is one fixed string (`settings.CONTENT_SECURITY_POLICY`): the app has no inline script
or style, so it needs no nonces or hashes, and a middleware of a few lines does what a library
would. Django 6.0 brings its own; this one goes then.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


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
