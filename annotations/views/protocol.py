"""The W3C Web Annotation Protocol (w3.org/TR/annotation-protocol): a container over the same
annotations, visibility rules and write path as the page and the JSON API.

GET HEAD OPTIONS POST         /annotations/w3c/              the container
    ?edition=<slug>           only that edition's annotations
    ?iris=1 | ?iris=0         pages list IRIs | full annotations (what Prefer chose)
    ?page=N                   page N (from 0) of PAGE_SIZE annotations
GET HEAD OPTIONS PUT DELETE   /annotations/w3c/<uuid>/       one annotation

Authentication: `Authorization: Bearer <token>` (no CSRF), or the session (with CSRF on writes).
The container lists what the user may see on the page (deleted annotations, and those an
instructor hid from this reader, are gone from it); an annotation the user may not see is 404, a
deleted or hidden one 410 where the page still shows its placeholder. PUT needs `If-Match`;
DELETE checks it when sent. POST honours `Idempotency-Key` as the JSON API does: a retry with
the same key within 24 hours answers 201 with the annotation (Location, ETag) the first request
made, and makes no second one; the same key with another body is 422. Errors are
`{"error": {"field", "message"}}`, the field a JSON path into the request where that helps.
"""

import json
import math
import re
import uuid as uuid_module
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_header_parameters
from django.utils.text import compress_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from accounts.tokens import bearer_or_session, unauthorized
from annotations import selectors, services, w3c
from annotations.models import IDEMPOTENCY_KEY_TTL, Annotation, IdempotencyKey
from annotations.services import (
    AnnotationError,
    AnnotationPermissionError,
    IdempotencyKeyReused,
)
from annotations.views.api import BODY_TOO_LARGE, REQUEST_MAX_BYTES, creation_refused, error
from config.json_input import JsonInputError, json_parse
from edition.models import Edition

PAGE_SIZE = 100
JSON = "application/json"
LD_JSON = "application/ld+json"

PREFER_MINIMAL = "http://www.w3.org/ns/ldp#PreferMinimalContainer"
PREFER_IRIS = "http://www.w3.org/ns/oa#PreferContainedIRIs"
PREFER_DESCRIPTIONS = "http://www.w3.org/ns/oa#PreferContainedDescriptions"

CONTAINER_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]
PAGE_METHODS = ["GET", "HEAD", "OPTIONS"]
ANNOTATION_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]
CONTAINER_LINKS = (
    '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type", '
    '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
)
ANNOTATION_LINKS = (
    '<http://www.w3.org/ns/ldp#Resource>; rel="type", '
    '<http://www.w3.org/ns/oa#Annotation>; rel="type"'
)
ACCEPT_POST = f"{w3c.MEDIA_TYPE}, {JSON}"
# Any origin may read and write with a token; with "*" a browser sends no cookies, so another
# site can never act with a reader's session.
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "Allow, Content-Location, ETag, Link, Location, Preference-Applied, Accept-Post, Vary"
    ),
}
CORS_PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Headers": (
        "Accept, Authorization, Content-Type, Idempotency-Key, If-Match, If-None-Match, "
        "Prefer, Slug"
    ),
    "Access-Control-Max-Age": "600",
}


class ProtocolError(Exception):
    def __init__(self, status: int, field: str, message: str):
        self.status, self.field, self.message = status, field, message
        super().__init__(f"{status} {field}: {message}")


def _protocol(methods: list[str], finish: Callable[[HttpRequest, HttpResponse], None]):
    """Authentication, the method check and errors as JSON; `finish` adds the headers every
    response of the resource carries, errors included."""

    def decorator(view):
        authenticated = bearer_or_session(view)

        @csrf_exempt  # checked inside `bearer_or_session` for session requests
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                response = error(405, "method", f"{request.method} is not allowed here")
            else:
                try:
                    response = authenticated(request, *args, **kwargs)
                except ProtocolError as exc:
                    response = error(exc.status, exc.field, exc.message)
                except AnnotationError as exc:
                    response = error(400, exc.field, exc.message)
                except AnnotationPermissionError as exc:
                    response = error(403, "user", str(exc))
            finish(request, response)
            for name, value in CORS_HEADERS.items():
                response[name] = value
            if request.method == "OPTIONS":
                response["Access-Control-Allow-Methods"] = response.get("Allow", "")
                for name, value in CORS_PREFLIGHT_HEADERS.items():
                    response[name] = value
            return response

        return wrapped

    return decorator


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# Content negotiation --------------------------------------------------------------------------


def _media_ranges(header: str):
    for part in re.findall(r'(?:[^,"]|"[^"]*")+', header):
        media_type, params = parse_header_parameters(part.strip())
        try:
            quality = float(params.pop("q", "1"))
        except ValueError:
            quality = 1.0
        yield media_type.lower(), params, quality


def negotiate(request: HttpRequest) -> str:
    """The Content-Type to answer with: JSON-LD with the annotation profile unless the client
    prefers plain JSON. A JSON-LD profile other than the annotation one cannot be served."""
    header = request.headers.get("Accept", "").strip()
    if not header:
        return w3c.MEDIA_TYPE
    offers: dict[str, float] = {}
    refused: set[str] = set()
    wildcard = 0.0
    for media_type, params, quality in _media_ranges(header):
        if media_type == LD_JSON:
            profiles = params.get("profile", "").split()
            if profiles and w3c.ANNO_CONTEXT not in profiles:
                continue
            offer = w3c.MEDIA_TYPE
        elif media_type == JSON:
            offer = JSON
        elif media_type in ("*/*", "application/*"):
            wildcard = max(wildcard, quality)
            continue
        else:
            continue
        if quality <= 0:
            refused.add(offer)
        else:
            offers[offer] = max(offers.get(offer, 0.0), quality)
    for offer in (w3c.MEDIA_TYPE, JSON):
        if wildcard > 0 and offer not in refused:
            offers.setdefault(offer, wildcard)
    if not offers:
        raise ProtocolError(
            406, "Accept", f"this server answers with {w3c.MEDIA_TYPE} or {JSON} only"
        )
    # Highest quality wins; on a tie, JSON-LD (listed first) does.
    return max(offers, key=lambda offer: (offers[offer], offer == w3c.MEDIA_TYPE))


def _prefer_includes(header: str) -> set[str] | None:
    """The IRIs in `Prefer: return=representation; include="…"`, or None without one."""
    for preference in header.split(","):
        token, *params = (part.strip() for part in preference.split(";"))
        if token.replace(" ", "").lower() != "return=representation":
            continue
        for param in params:
            name, _eq, value = param.partition("=")
            if name.strip().lower() == "include":
                return set(value.strip().strip('"').split())
        return set()
    return None


def _json_body(request: HttpRequest) -> object:
    length = request.headers.get("Content-Length", "")
    if (length.isdigit() and int(length) > REQUEST_MAX_BYTES) or len(
        request.body
    ) > REQUEST_MAX_BYTES:
        raise ProtocolError(413, "request", BODY_TOO_LARGE)
    content_type = request.content_type.lower()
    profiles = request.content_params.get("profile", "").split()
    if content_type not in (LD_JSON, JSON) or (
        content_type == LD_JSON and profiles and w3c.ANNO_CONTEXT not in profiles
    ):
        raise ProtocolError(415, "Content-Type", f"send {w3c.MEDIA_TYPE} (or {JSON})")
    try:
        return json_parse(request.body)
    except JsonInputError as exc:
        message = f"malformed JSON: {exc.message}" if exc.malformed else exc.message
        raise ProtocolError(400, exc.field, message) from exc


def _represent(
    request: HttpRequest, data: dict, *, media_type: str, status: int = 200
) -> HttpResponse:
    """The JSON response with its ETag; 304 for a matching If-None-Match; no body for HEAD.

    Compressed here, not by GZipMiddleware, which would weaken the ETag (`W/`) and so make
    every If-Match from a browser fail: a gzipped representation has a strong ETag of its own,
    the plain one's with `-gzip` (as Apache's mod_deflate marks it), and both name the same
    state of the annotation (`_etag_matches`)."""
    gzipped = _accepts_gzip(request)
    etag = w3c.etag_of(data)
    if gzipped:
        etag = etag[:-1] + GZIP_SUFFIX + '"'
    if request.method in ("GET", "HEAD") and _etag_matches(
        request.headers.get("If-None-Match", ""), etag, weak=True
    ):
        response = HttpResponse(status=304)
        response["ETag"] = etag
        patch_vary_headers(response, ACCEPT_ENCODING)
        return response
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    if gzipped:
        content = compress_string(content)
    response = HttpResponse(content, status=status, content_type=media_type)
    response["ETag"] = etag
    patch_vary_headers(response, ACCEPT_ENCODING)
    if gzipped:
        response["Content-Encoding"] = "gzip"
    if request.method == "HEAD":
        response.content = b""
        response["Content-Length"] = str(len(content))
    return response


GZIP_SUFFIX = "-gzip"
ACCEPT_ENCODING = ["Accept-Encoding"]
ACCEPTS_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q=0(?:\.0*)?\s*(?:,|$))")


def _accepts_gzip(request: HttpRequest) -> bool:
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


def _etag_matches(header: str, etag: str, *, weak: bool) -> bool:
    """RFC 9110 §8.8.3.2: If-None-Match compares weakly (a `W/` tag matches its strong twin),
    If-Match strongly (a weak tag matches nothing). A tag of the gzipped representation names
    the same state as the plain one's."""
    wanted = _opaque(etag)
    for tag in (part.strip() for part in header.split(",")):
        if tag == "*":
            return True
        if tag.startswith("W/"):
            if not weak:
                continue
            tag = tag[2:]
        if tag and _opaque(tag) == wanted:
            return True
    return False


def _opaque(tag: str) -> str:
    return tag.strip('"').removesuffix(GZIP_SUFFIX)


# The container --------------------------------------------------------------------------------


def _container_headers(request: HttpRequest, response: HttpResponse) -> None:
    if "page" in request.GET:
        response["Allow"] = ", ".join(PAGE_METHODS)
    else:
        # A 201 keeps the Allow of the annotation it carries.
        response.setdefault("Allow", ", ".join(CONTAINER_METHODS))
        response["Link"] = CONTAINER_LINKS
        response["Accept-Post"] = ACCEPT_POST
    patch_vary_headers(response, ["Accept", "Prefer", "Authorization"])


@_protocol(CONTAINER_METHODS, _container_headers)
def annotation_container(request: HttpRequest) -> HttpResponse:
    if request.method == "OPTIONS":
        return HttpResponse(status=200)
    if request.method == "POST" and "page" in request.GET:
        raise ProtocolError(405, "method", "POST to the container, not to a page")
    media_type = negotiate(request)
    if request.method == "POST":
        return _create(request, media_type)
    edition = None
    if request.GET.get("edition"):
        edition = Edition.objects.filter(slug=request.GET["edition"]).first()
        if edition is None:
            raise ProtocolError(404, "edition", f"no edition {request.GET['edition']!r}")
    iris = request.GET.get("iris")
    if iris not in (None, "0", "1"):
        raise ProtocolError(400, "iris", "must be 0 (descriptions) or 1 (IRIs)")
    listing = _Listing(request, edition)
    if "page" in request.GET:
        try:
            page = int(request.GET["page"])
        except ValueError:
            page = -1
        if page < 0:
            raise ProtocolError(400, "page", "must be a page number from 0")
        if page > listing.last:
            raise ProtocolError(404, "page", f"the last page is {listing.last}")
        return _represent(request, listing.page(page, iris=iris == "1"), media_type=media_type)
    applied = False
    minimal, contained_iris = False, iris == "1"
    if iris is None:
        includes = _prefer_includes(request.headers.get("Prefer", "")) or set()
        minimal = PREFER_MINIMAL in includes
        # Both at once cannot be honoured; descriptions, the default, are served then.
        conflict = {PREFER_IRIS, PREFER_DESCRIPTIONS} <= includes
        contained_iris = PREFER_IRIS in includes and not conflict
        applied = minimal or (not conflict and bool({PREFER_IRIS, PREFER_DESCRIPTIONS} & includes))
    data = listing.collection(iris=contained_iris, minimal=minimal)
    response = _represent(request, data, media_type=media_type)
    response["Content-Location"] = data["id"]
    if applied:
        response["Preference-Applied"] = "return=representation"
    return response


class _Listing:
    """What the container holds for this user: the annotations the page would show them."""

    def __init__(self, request: HttpRequest, edition: Edition | None):
        self.edition = edition
        self.base_url = _base_url(request)
        # Placeholders (deleted, or hidden from this reader by an instructor) keep a thread
        # readable on the page; the container holds none, as the protocol asks of deleted ones.
        self.annotations = selectors.annotation_list(request.user, edition=edition).filter(
            deleted_at__isnull=True, hidden_from_viewer=False
        )
        self.total = self.annotations.count()
        self.last = max(0, math.ceil(self.total / PAGE_SIZE) - 1)

    def collection_id(self, *, iris: bool) -> str:
        params = [("edition", self.edition.slug)] if self.edition else []
        params.append(("iris", "1" if iris else "0"))
        container = self.base_url + reverse("annotations:w3c-container")
        return f"{container}?{urlencode(params)}"

    def page_id(self, page: int, *, iris: bool) -> str:
        return f"{self.collection_id(iris=iris)}&page={page}"

    def collection(self, *, iris: bool, minimal: bool) -> dict:
        label = "Annotations on " + (self.edition.full_title if self.edition else "the editions")
        data = {
            "@context": w3c.contexts(base_url=self.base_url, more=(w3c.LDP_CONTEXT,)),
            "id": self.collection_id(iris=iris),
            "type": ["BasicContainer", "AnnotationCollection"],
            "label": label,
            "total": self.total,
        }
        if minimal:
            data["first"] = self.page_id(0, iris=iris)
        else:
            data["first"] = self.page(0, iris=iris, embedded=True)
        data["last"] = self.page_id(self.last, iris=iris)
        return data

    def page(self, page: int, *, iris: bool, embedded: bool = False) -> dict:
        start = page * PAGE_SIZE
        rows = self.annotations[start : start + PAGE_SIZE]
        if iris:
            items = [
                w3c.annotation_iri(uuid, base_url=self.base_url)
                for uuid in rows.values_list("uuid", flat=True)
            ]
        else:
            items = [
                w3c.annotation_as_w3c(annotation, base_url=self.base_url, context=False)
                for annotation in rows
            ]
        collection_id = self.collection_id(iris=iris)
        data: dict = {} if embedded else {"@context": w3c.contexts(base_url=self.base_url)}
        data |= {
            "id": self.page_id(page, iris=iris),
            "type": "AnnotationPage",
            "partOf": collection_id if embedded else {"id": collection_id, "total": self.total},
            "startIndex": start,
        }
        if page > 0:
            data["prev"] = self.page_id(page - 1, iris=iris)
        if page < self.last:
            data["next"] = self.page_id(page + 1, iris=iris)
        data["items"] = items
        return data


def _slug(request: HttpRequest, idempotency_key: str | None) -> uuid_module.UUID | None:
    """The suggested ID if it is a UUID no annotation ever had (deleted ones keep theirs);
    anything else is ignored, as the protocol allows. A retry (same `Idempotency-Key`) may
    name the annotation its first request made, so that it reads as the same request."""
    value = request.headers.get("Slug", "").strip().strip('"').strip()
    try:
        suggested = uuid_module.UUID(value)
    except ValueError:
        return None
    taken = Annotation.objects.filter(uuid=suggested)
    if idempotency_key:
        made_by_key = IdempotencyKey.objects.filter(
            user=request.user,
            key=idempotency_key,
            created__gte=timezone.now() - IDEMPOTENCY_KEY_TTL,
        ).values("annotation_id")
        taken = taken.exclude(pk__in=made_by_key)
    if taken.exists():
        return None
    return suggested


def _slug_taken_meanwhile(exc: Exception, suggested: uuid_module.UUID | None) -> bool:
    """Whether a request racing this one took the suggested ID after `_slug` found it free:
    the service saw it taken, or the database's unique ID refused the second insert."""
    if suggested is None:
        return False
    if isinstance(exc, AnnotationError):
        return exc.field == "id"
    return Annotation.objects.filter(uuid=suggested).exists()


def _create(request: HttpRequest, media_type: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return unauthorized("log in or send an API token to annotate")
    if refused := creation_refused(request):
        return refused
    parsed = w3c.w3c_parse(_json_body(request))
    base_url = _base_url(request)
    given = w3c.annotation_input(parsed, user=request.user, base_url=base_url)
    idempotency_key = request.headers.get("Idempotency-Key")

    def create(uuid: uuid_module.UUID | None) -> Annotation:
        return services.annotation_create(
            user=request.user,
            paragraph=given.paragraph,
            parent=given.parent,
            selector=given.selector,
            motivation=given.motivation,
            body=given.body,
            tags=given.tags,
            visibility=given.visibility or Annotation.Visibility.PRIVATE,
            group=given.group,
            colour=given.colour or Annotation.Colour.YELLOW,
            uuid=uuid,
            idempotency_key=idempotency_key,
            kept_from_client=given.kept,
        )

    try:
        suggested = _slug(request, idempotency_key)
        try:
            annotation = create(suggested)
        except (AnnotationError, IntegrityError) as exc:
            if not _slug_taken_meanwhile(exc, suggested):
                raise
            # The Slug is ignored, as for an ID already taken; nothing of the first try stays.
            annotation = create(None)
    except AnnotationError as exc:
        raise w3c.service_error(exc, parsed) from exc
    except IdempotencyKeyReused as exc:
        raise ProtocolError(422, "Idempotency-Key", str(exc)) from exc
    if annotation.is_deleted:  # a retry, since whose first request the annotation was deleted
        raise ProtocolError(410, "Idempotency-Key", "the annotation this key made was deleted")
    response = _annotation_response(
        request, selectors.annotation_get(request.user, annotation.uuid), media_type, status=201
    )
    response["Location"] = w3c.annotation_iri(annotation.uuid, base_url=base_url)
    return response


# One annotation -------------------------------------------------------------------------------


def _annotation_headers(request: HttpRequest, response: HttpResponse) -> None:
    response.setdefault("Allow", ", ".join(ANNOTATION_METHODS))
    response["Link"] = ANNOTATION_LINKS
    patch_vary_headers(response, ["Accept", "Authorization"])


def _annotation_response(
    request: HttpRequest, annotation: Annotation, media_type: str, *, status: int = 200
) -> HttpResponse:
    data = w3c.annotation_as_w3c(annotation, base_url=_base_url(request))
    response = _represent(request, data, media_type=media_type, status=status)
    # Allow says what this user can do with it.
    readable = [method for method in ANNOTATION_METHODS if method not in ("PUT", "DELETE")]
    mine = request.user.is_authenticated and annotation.author_id == request.user.pk
    response["Allow"] = ", ".join(ANNOTATION_METHODS if mine else readable)
    return response


def _current(request: HttpRequest, uuid) -> Annotation:
    annotation = selectors.annotation_get(request.user, uuid)
    if annotation is None:
        raise ProtocolError(404, "id", "no such annotation")
    if annotation.is_deleted:
        raise ProtocolError(410, "id", "the annotation was deleted")
    return annotation


@_protocol(ANNOTATION_METHODS, _annotation_headers)
def annotation_resource(request: HttpRequest, uuid) -> HttpResponse:
    if request.method == "OPTIONS":
        # A CORS preflight carries no credentials: answer alike for every annotation.
        return HttpResponse(status=200)
    if request.method in ("PUT", "DELETE") and not request.user.is_authenticated:
        return unauthorized("log in or send an API token to change annotations")
    media_type = negotiate(request) if request.method != "DELETE" else JSON
    if request.method == "PUT":
        return _replace(request, uuid, media_type)
    annotation = _current(request, uuid)
    if request.method == "DELETE":
        return _delete(request, annotation)
    return _annotation_response(request, annotation, media_type)


def _check_author(request: HttpRequest, annotation: Annotation) -> None:
    if annotation.author_id != request.user.pk:
        raise ProtocolError(403, "user", "only the author changes an annotation")


def _check_if_match(request: HttpRequest, annotation: Annotation, *, required: bool) -> None:
    header = request.headers.get("If-Match", "")
    if not header:
        if required:
            raise ProtocolError(
                428, "If-Match", "send the annotation's ETag as If-Match to replace it"
            )
        return
    current = w3c.etag_of(w3c.annotation_as_w3c(annotation, base_url=_base_url(request)))
    if not _etag_matches(header, current, weak=False):
        raise ProtocolError(
            412, "If-Match", "the annotation changed since you read it; fetch it again"
        )


def _replace(request: HttpRequest, uuid, media_type: str) -> HttpResponse:
    """PUT: the new body, tags and motivation replace the old; extension properties left out
    keep their value; the target cannot change."""
    data = _json_body(request)
    with transaction.atomic():
        # Locked, so no other change slips in between the ETag check and the update.
        list(Annotation.objects.select_for_update().filter(uuid=uuid).values_list("pk"))
        annotation = _current(request, uuid)
        _check_author(request, annotation)
        _check_if_match(request, annotation, required=True)
        parsed = w3c.w3c_parse(data)
        base_url = _base_url(request)
        expected_id = w3c.annotation_iri(annotation.uuid, base_url=base_url)
        if parsed.id is not None and parsed.id != expected_id:
            raise AnnotationError("id", f"must be {expected_id} (or left out)")
        given = w3c.annotation_input(parsed, user=request.user, base_url=base_url)
        if not w3c.same_target(annotation, given):
            raise AnnotationError(parsed.target.path, "the target of an annotation cannot change")
        kept = annotation.kept_from_client or {}
        if parsed.canonical and parsed.canonical != kept.get("canonical", parsed.canonical):
            raise AnnotationError("canonical", f"must stay {kept['canonical']} (or be left out)")
        try:
            services.annotation_update(
                user=request.user,
                annotation=annotation,
                body=given.body,
                tags=given.tags,
                motivation=given.motivation,
                visibility=given.visibility,
                group=given.group,
                colour=given.colour,
            )
        except AnnotationError as exc:
            raise w3c.service_error(exc, parsed) from exc
    return _annotation_response(request, _current(request, uuid), media_type)


def _delete(request: HttpRequest, annotation: Annotation) -> HttpResponse:
    _check_author(request, annotation)
    _check_if_match(request, annotation, required=False)
    services.annotation_delete(user=request.user, annotation=annotation)
    return HttpResponse(status=204)


@require_safe
def annotation_context(request: HttpRequest) -> HttpResponse:
    """The JSON-LD context of the `edition:` terms, for any origin to read and keep a day."""
    data = w3c.context_document(base_url=_base_url(request))
    response = HttpResponse(json.dumps(data, indent=2), content_type=LD_JSON)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=86400"
    return response
