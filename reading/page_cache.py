"""The edition page as a reader without a session gets it: rendered once per change, kept in the
cache (Redis when `CACHE_URL` names one, so all app servers share it) with its gzipped bytes,
and answered with an ETag so that a browser revalidates for a 304.

The key holds everything the page depends on: the edition's import and the last change of its
annotations (`Edition.annotations_changed_at`, set after every annotation write commits), the
interface language, and the host the absolute URLs are built with. A change therefore makes a
new key at once on every server; old entries simply expire. Readers with a session (or a
pending message) and requests with a query string get the page rendered for them.
"""

import gzip
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from edition.selectors import EditionStamp

CACHE_SECONDS = 24 * 60 * 60
KEPT_HEADERS = ("Content-Type", "Link", "Content-Language")
VARY = ("Cookie", "Accept-Language", "Accept-Encoding")


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    gzipped: bytes
    etag: str
    headers: tuple[tuple[str, str], ...]


def is_shared(request: HttpRequest) -> bool:
    """Whether the request gets the page every anonymous reader gets."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        # Any parameter may show in the page (the language form's `next`, say).
        and not request.GET
    )


def page_key(request: HttpRequest, stamp: EditionStamp, language: str) -> str:
    """The cache key of the edition's shared page as of `stamp`, in `language`."""
    parts = (stamp.slug, language, request.scheme, request.get_host())
    parts += (str(stamp.pk), str(stamp.imported_at), str(stamp.annotations_changed_at))
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"edition-page:1:{digest}"


# The last few pages also in this process's memory: a key names one rendering forever (any change
# makes a new key), so a copy here can never be stale, and a hit skips unpickling the page.
LOCAL_PAGES = 8
_local: OrderedDict[str, "CachedPage"] = OrderedDict()
_local_lock = threading.Lock()


def _remember(key: str, page: "CachedPage") -> None:
    with _local_lock:
        _local[key] = page
        _local.move_to_end(key)
        while len(_local) > LOCAL_PAGES:
            _local.popitem(last=False)


def page_get(key: str) -> CachedPage | None:
    page = _local.get(key)
    if page is None:
        page = cache.get(key)
        if page is not None:
            _remember(key, page)
    return page


def page_store(key: str, response: HttpResponse) -> CachedPage:
    body = response.content
    page = CachedPage(
        body=body,
        # mtime 0: the same bytes on every server, so their ETags agree.
        gzipped=gzip.compress(body, compresslevel=6, mtime=0),
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        headers=tuple((name, response[name]) for name in KEPT_HEADERS if response.has_header(name)),
    )
    cache.set(key, page, CACHE_SECONDS)
    _remember(key, page)
    return page


def page_response(request: HttpRequest, page: CachedPage) -> HttpResponse:
    """The page, or 304 when the browser holds it already; gzipped when the browser takes it."""
    if page.etag in _etags(request.headers.get("If-None-Match", "")):
        response = HttpResponse(status=304)
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(page.gzipped)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(page.body)
    for name, value in page.headers:
        response[name] = value
    if response.status_code == 200:
        # Set here: the page may be answered above CommonMiddleware, which would set it.
        response["Content-Length"] = str(len(response.content))
    response["ETag"] = page.etag
    # Stored, but asked about each time: a new note must show at once.
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, VARY)
    return response


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
