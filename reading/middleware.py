"""The edition page every reader without a session gets, answered before the session, CSRF,
authentication and message middleware run: the same place in the stack as Django's own
`FetchFromCacheMiddleware`, and for the same reason. A kept page costs one indexed query (the
edition's stamp, so a change made through any server shows at once) and a cache read.

Only a page already kept is answered here; anything else (a first view after a change, a reader
with a session, a query string, another URL) goes down the stack to the view, which renders and
keeps the page (`reading.views.pages.edition_detail`).
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import get_language_from_request

from edition import selectors
from reading import page_cache

EDITION_PAGE = "reading:edition-detail"


class SharedEditionPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        stamp = self._shared_page_stamp(request)
        if stamp is not None:
            # The language LocaleMiddleware will choose further down: cookie, then header.
            language = get_language_from_request(request)
            page = page_cache.page_get(page_cache.page_key(request, stamp, language))
            if page is not None:
                response = page_cache.page_response(request, page)
                response.headers.setdefault("Content-Language", language)
                return response
            # Handed to the view, which would otherwise ask for it again.
            request.edition_stamp = stamp
        return self.get_response(request)

    def _shared_page_stamp(self, request: HttpRequest) -> selectors.EditionStamp | None:
        """The stamp of the edition whose shared page is asked for, if one is."""
        if not page_cache.is_shared(request):
            return None
        slug = _edition_page_slug(request.path_info, settings.ROOT_URLCONF)
        return None if slug is None else selectors.edition_stamp(slug)


@functools.lru_cache(maxsize=1024)
def _edition_page_slug(path: str, urlconf: str) -> str | None:
    """The edition whose page `path` is, if it is one. Kept per path: resolving walks every
    URL pattern, which cost the kept page a quarter of its time."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    return match.kwargs["slug"] if match.view_name == EDITION_PAGE else None
