"""Responses kept per reader until something they show changes.

A reader who scrolls back, reloads, or opens a second tab asks again for pages and pieces that
depend only on what they may see of the annotations. `per_reader` keeps such a GET response in
the cache under a key made of everything it depends on:

- the reader (their pk, staff or not) and their audience: the groups they belong to and their
  role in each group's course (who may see which notes, and which hidden notes they moderate);
- the stamp of what it shows (`stamp_for`): for edition pieces, the edition's import and the
  last change to its annotations (`Edition.annotations_changed_at`, set after every annotation
  write commits, also when an author renames themselves), so any change makes a new key on
  every server at once;
- the interface language, the host and the full path with its query string.

Kept `READER_CACHE_SECONDS` at most (five minutes; 0 turns this off), for what no stamp covers
(a course renamed, say). Nothing is cached
for a request with a pending message or without a CSRF cookie where the page carries a token.
"""

import hashlib
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db.models import Value
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from annotations.compiled import READER, run, stand_in_reader
from annotations.models import AudienceVersion, Group
from edition.selectors import paragraph_versions

KEPT_HEADERS = ("Content-Type", "Link", "Content-Language", "Cache-Control")


@dataclass(frozen=True)
class KeptResponse:
    body: bytes
    headers: tuple[tuple[str, str], ...]


AUDIENCE_SHAPE = ("reading-audience",)


def audience_query(reader):
    """The reader's groups as member (role "") and as course members (their role): two index
    lookups in one query (an OR of the two joins read every group's members)."""
    member_of = reader.annotation_groups.annotate(role=Value("")).values_list("pk", "role")
    roles = Group.objects.filter(course__memberships__user_id=reader.pk).values_list(
        "pk", "course__memberships__role"
    )
    return member_of.order_by().union(roles.order_by(), all=True)


def audience(user) -> tuple:
    """Who the reader is for visibility: one query for their groups and course roles, its SQL
    built once (`annotations.compiled`)."""
    if not user.is_authenticated:
        return ()
    kept = getattr(user, "_reading_audience", None)  # asked by several pieces of one request
    if kept is not None:
        return kept
    rows = run(AUDIENCE_SHAPE, lambda: audience_query(stand_in_reader()), {READER: user.pk})
    rows = [(row["pk"], row["role"]) for row in rows]
    user._reading_audience = (user.pk, user.is_staff, tuple(sorted(rows, key=repr)))
    return user._reading_audience


def audience_names(user) -> list[str]:
    """The reader's audiences as `AudienceVersion` names them: the public, each of their groups
    (as member or instructor), and themselves (their own notes)."""
    who = audience(user)
    if not who:
        return ["public"]
    pk, _staff, rows = who
    return ["public", *sorted({f"group:{group}" for group, _role in rows}), f"user:{pk}"]


def audience_versions(user, paragraph_ids: list[int]) -> dict[int, tuple]:
    """For each paragraph, the versions of the reader's audiences on it (`AudienceVersion`):
    they change when a note the reader saw or sees there changes, and only then (a
    paragraph without any is left out). One indexed query."""
    rows = AudienceVersion.objects.filter(
        audience__in=audience_names(user), paragraph_id__in=paragraph_ids
    ).values_list("paragraph_id", "audience", "version")
    versions: dict[int, list] = {}
    for paragraph_id, name, version in rows:
        versions.setdefault(paragraph_id, []).append((name, version))
    return {paragraph_id: tuple(sorted(pairs)) for paragraph_id, pairs in versions.items()}


def member_groups(user) -> set[int]:
    """The groups the reader belongs to (`user.annotation_groups`), from `audience`."""
    who = audience(user)
    return {group for group, role in who[2] if role == ""} if who else set()


def audience_versions_on_edition(user, edition_pk: int) -> dict[str, tuple]:
    """For each of the reader's audiences, its versions on the edition's paragraphs
    (`AudienceVersion`), in one query: they change when a note of that audience changes."""
    rows = (
        AudienceVersion.objects.filter(
            audience__in=audience_names(user), paragraph__edition_id=edition_pk
        )
        .values_list("audience", "paragraph_id", "version")
        .order_by("audience", "paragraph_id")
    )
    versions: dict[str, list] = {}
    for name, paragraph_id, version in rows:
        versions.setdefault(name, []).append((paragraph_id, version))
    return {name: tuple(pairs) for name, pairs in versions.items()}


def reader_paragraph_stamp(user, slug: str, public_id: str) -> str | None:
    """A paragraph's import with the versions of the reader's audiences on it: what a reader's
    kept piece of the paragraph depends on (a note of another course leaves it kept)."""
    found = paragraph_versions(slug, public_id)
    if found is None:
        return None
    ((pk, _public_id, _version),) = found.versions
    return f"{found.edition_pk}:{found.imported_at}:{pk}:{audience_versions(user, [pk]).get(pk)}"


def _key(request: HttpRequest, stamp: str, *, with_csrf: bool) -> str:
    parts = [
        audience(request.user),
        stamp,
        get_language(),
        request.get_host(),
        request.get_full_path(),
    ]
    if with_csrf:
        parts.append(request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""))
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    return f"reader:1:{digest}"


def _cacheable(request: HttpRequest, *, with_csrf: bool) -> bool:
    if not settings.READER_CACHE_SECONDS:
        return False
    if request.method not in ("GET", "HEAD") or CookieStorage.cookie_name in request.COOKIES:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False  # a token's user is known to the view only, not to this key

    if with_csrf and settings.CSRF_COOKIE_NAME not in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.get("_messages"))


def per_reader(stamp_for, *, with_csrf: bool = False):
    """Keep the view's 200 answers per reader and stamp. `stamp_for(request, *args, **kwargs)`
    names the version of what the view shows, or None to run the view uncached (an unknown
    edition, say: the view gives its own 404). `with_csrf`: the page carries a CSRF token,
    valid for the browser's CSRF cookie only, so the cookie is part of the key."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _cacheable(request, with_csrf=with_csrf):
                return view(request, *args, **kwargs)
            stamp = stamp_for(request, *args, **kwargs)
            if stamp is None:
                return view(request, *args, **kwargs)
            key = _key(request, stamp, with_csrf=with_csrf)
            kept = cache.get(key)
            if kept is not None:
                response = HttpResponse(kept.body)
                for name, value in kept.headers:
                    response[name] = value
                return response
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                headers = tuple(
                    (name, response[name]) for name in KEPT_HEADERS if response.has_header(name)
                )
                cache.set(
                    key, KeptResponse(response.content, headers), settings.READER_CACHE_SECONDS
                )
            return response

        return wrapped

    return decorator
