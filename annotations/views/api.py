"""The JSON API the reading page's script uses (session authentication, CSRF-protected) and
programs use with a personal token (`Authorization: Bearer …`, no CSRF).

GET    /api/annotations/?edition=&paragraph=&tag=&author=&scope=&offset=&limit=
POST   /api/annotations/
GET    /api/annotations/<uuid>/
PATCH  /api/annotations/<uuid>/
DELETE /api/annotations/<uuid>/
POST   /api/annotations/<uuid>/restore/  undo a delete (the author, within 30 days)
POST   /api/annotations/preview/       Markdown → sanitised HTML, as it will be stored

No data lost:
- POST with an `Idempotency-Key` header (any string up to 255 characters, new for each new
  annotation): a retry with the same key within 24 hours answers 201 with the annotation the
  first request made, and makes no second one; the same key with a different body is 422.
- An annotation carries its `version`, also sent as the ETag (quoted). PATCH and DELETE with
  `If-Match: "<version>"` are refused with 412 if it changed since; nothing is written, and the
  answer carries the newer state as `current`. Without If-Match the last write wins.
"""

import uuid as uuid_module

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_http_methods

from accounts.tokens import bearer_or_session
from annotations import selectors, services
from annotations.item_cache import paragraph_items
from annotations.models import Group
from annotations.reader_cache import per_reader, reader_paragraph_stamp
from annotations.rendering import render_markdown
from annotations.serializers import annotation_as_json
from annotations.services import (
    AnnotationConflict,
    AnnotationError,
    AnnotationPermissionError,
    IdempotencyKeyReused,
    TextSelector,
)
from annotations.tagging import tags_attach
from config import ratelimit
from config.json_input import JsonInputError, json_parse
from edition.models import Edition, Paragraph
from edition.selectors import edition_stamp, editions_stamp, stamp_text

REQUEST_MAX_BYTES = 64 * 1024
PAGE_MAX = 200
BODY_TOO_LARGE = (
    f"body larger than the limit of {REQUEST_MAX_BYTES} bytes ({REQUEST_MAX_BYTES // 1024} KiB)"
)


class BodyTooLarge(Exception):
    """A body over `REQUEST_MAX_BYTES`: 413 (not 400, nothing in it is wrong but its size), as
    the W3C protocol answers it."""


def error(status: int, field: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"field": field, "message": message}}, status=status)


def creation_refused(request: HttpRequest) -> JsonResponse | None:
    """429 once the user has made too many annotations through the API and the protocol
    (`settings.RATE_LIMITS["annotation-create"]`), else None; counts this attempt."""
    wait = ratelimit.hit("annotation-create", str(request.user.pk))
    if wait is None:
        return None
    return ratelimit.too_many_requests_json(
        "request", f"too many new annotations; try again in {wait} seconds", wait
    )


def _json_body(request: HttpRequest) -> dict:
    if len(request.body) > REQUEST_MAX_BYTES:
        raise BodyTooLarge
    try:
        data = json_parse(request.body or b"{}")
    except JsonInputError as exc:
        message = f"malformed JSON: {exc.message}" if exc.malformed else exc.message
        raise AnnotationError(exc.field, message) from exc
    if not isinstance(data, dict):
        raise AnnotationError("request", "the JSON body must be an object")
    return data


def _selector(data) -> TextSelector | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise AnnotationError("selector", "must be an object with exact, start and end")
    try:
        start, end, exact = data["start"], data["end"], data["exact"]
    except KeyError as exc:
        raise AnnotationError(f"selector.{exc.args[0]}", "missing") from exc
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
        raise AnnotationError("selector", "start and end must be integers")
    if not isinstance(exact, str):
        raise AnnotationError("selector.exact", "must be text")
    return TextSelector(start, end, exact, str(data.get("prefix", "")), str(data.get("suffix", "")))


def _group(request, slug) -> Group | None:
    if not slug:
        return None
    group = Group.objects.filter(slug=slug, members=request.user).select_related("course").first()
    if group is None:
        raise AnnotationError("group", f"you are not a member of a group {slug!r}")
    group.member_checked_for = request.user.pk  # found among the user's groups: no second look
    return group


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _respond(request, annotation, status=200) -> JsonResponse:
    """The annotation a service returned (the user's own, with what its JSON names) as it is:
    reading it again would cost queries and tell nothing new."""
    response = JsonResponse(
        annotation_as_json(annotation, user=request.user, base_url=_base_url(request)),
        status=status,
    )
    response["ETag"] = f'"{services.annotation_version(annotation)}"'
    return response


def _conflict(request, exc: AnnotationConflict) -> JsonResponse:
    """412: the edit was based on an older version; the newer state comes with the refusal."""
    fresh = selectors.annotation_get(request.user, exc.current.uuid)
    current = annotation_as_json(fresh, user=request.user, base_url=_base_url(request))
    response = JsonResponse(
        {"error": {"field": "If-Match", "message": str(exc)}, "current": current}, status=412
    )
    response["ETag"] = f'"{services.annotation_version(fresh)}"'
    return response


def _if_match(request, annotation) -> str | None:
    """The version an edit is based on, from If-Match (quoted like the ETag, or bare); None
    without the header or with `*`. Of several, the current one if listed: the service checks
    it again under lock."""
    tags = [tag.strip() for tag in request.headers.get("If-Match", "").split(",") if tag.strip()]
    if not tags or "*" in tags:
        return None
    versions = [tag.removeprefix('"').removesuffix('"') for tag in tags]
    current = services.annotation_version(annotation)
    return current if current in versions else versions[0]


def _list_stamp(request: HttpRequest) -> str | None:
    """What a list shows changes with its paragraph's annotations, or its edition's (or any
    edition's)."""
    slug, public_id = request.GET.get("edition"), request.GET.get("paragraph")
    if slug and public_id:
        return reader_paragraph_stamp(request.user, slug, public_id)
    return stamp_text(edition_stamp(slug)) if slug else editions_stamp()


@bearer_or_session
@require_http_methods(["GET", "HEAD", "POST"])
@per_reader(_list_stamp)
def annotation_collection(request: HttpRequest) -> JsonResponse:
    try:
        if request.method == "POST":
            return _create(request)
        return _list(request)
    except AnnotationError as exc:
        return error(400, exc.field, exc.message)
    except AnnotationPermissionError as exc:
        return error(403, "user", str(exc))
    except IdempotencyKeyReused as exc:
        return error(422, "Idempotency-Key", str(exc))
    except BodyTooLarge:
        return error(413, "request", BODY_TOO_LARGE)


def _list(request) -> JsonResponse:
    params = request.GET
    try:
        offset = int(params.get("offset", 0))
        limit = int(params.get("limit", 50))
    except ValueError as exc:
        raise AnnotationError("offset", "offset and limit must be integers") from exc
    if offset < 0:
        raise AnnotationError("offset", "must be 0 or more")
    if limit < 1:
        raise AnnotationError("limit", f"must be from 1 to {PAGE_MAX}")
    limit = min(PAGE_MAX, limit)  # more than a page's worth gets a full page
    scope = params.get("scope") or None
    if scope not in (None, "mine", "groups", "public"):
        raise AnnotationError("scope", "must be mine, groups or public")
    edition = None
    if params.get("edition"):
        edition = Edition.objects.filter(slug=params["edition"]).first()
        if edition is None:
            return error(404, "edition", f"no edition {params['edition']!r}")
    base = _base_url(request)
    paragraph = None
    if edition is not None and params.get("paragraph"):
        paragraph = edition.paragraphs.filter(public_id=params["paragraph"]).first()
        if paragraph is not None:
            paragraph.edition = edition
    if paragraph is not None and not (params.get("tag") or params.get("author") or scope):
        listed = paragraph_items(request.user, paragraph, offset=offset, limit=limit, base_url=base)
        if listed is not None:
            total, items = listed
            return JsonResponse({"total": total, "offset": offset, "limit": limit, "items": items})
    annotations = selectors.annotation_list(
        request.user,
        edition=edition,
        paragraph_id=params.get("paragraph"),
        tag=params.get("tag"),
        author=params.get("author"),
        scope=scope,
    )
    total = annotations.count()
    # An offset past the end asks the database nothing (a huge one would overflow its integer).
    page = (
        list(annotations.prefetch_related(None)[offset : offset + limit]) if offset < total else []
    )
    tags_attach(page)
    items = [annotation_as_json(a, user=request.user, base_url=base) for a in page]
    return JsonResponse({"total": total, "offset": offset, "limit": limit, "items": items})


def _create(request) -> JsonResponse:
    if not request.user.is_authenticated:
        return error(401, "user", "log in to annotate")
    if refused := creation_refused(request):
        return refused
    data = _json_body(request)
    for name in ("edition", "paragraph", "reply_to", "group", "visibility", "colour", "motivation"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise AnnotationError(name, "must be a string")
    parent = paragraph = None
    if data.get("reply_to"):
        parent = selectors.annotation_get(request.user, _uuid(data["reply_to"], "reply_to"))
        if parent is None:
            return error(404, "reply_to", "no such annotation")
    else:
        paragraph = (
            Paragraph.objects.filter(
                edition__slug=data.get("edition"), public_id=data.get("paragraph")
            )
            .select_related("edition")
            .first()
        )
        if paragraph is None:
            return error(
                404,
                "paragraph",
                f"no paragraph {data.get('paragraph')!r} in edition {data.get('edition')!r}",
            )
    motivation = data.get("motivation") or ("replying" if parent else "commenting")
    annotation = services.annotation_create(
        user=request.user,
        paragraph=paragraph,
        parent=parent,
        selector=_selector(data.get("selector")),
        motivation=motivation,
        body=data.get("body", ""),
        tags=data.get("tags", []),
        visibility=data.get("visibility", "private"),
        group=_group(request, data.get("group")),
        colour=data.get("colour", "yellow"),
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    return _respond(request, annotation, status=201)


def _uuid(value, field: str):
    try:
        return uuid_module.UUID(str(value))
    except ValueError as exc:
        raise AnnotationError(field, "is not an annotation ID") from exc


@bearer_or_session
@require_http_methods(["GET", "HEAD", "PATCH", "DELETE"])
def annotation_item(request: HttpRequest, uuid) -> JsonResponse:
    annotation = selectors.annotation_get(request.user, uuid)
    if annotation is None:
        return error(404, "id", "no such annotation")
    try:
        if request.method == "PATCH":
            data = _json_body(request)
            unknown = set(data) - {"body", "tags", "motivation", "visibility", "group", "colour"}
            if unknown:
                raise AnnotationError(sorted(unknown)[0], "cannot be changed")
            annotation = services.annotation_update(
                user=request.user,
                annotation=annotation,
                body=data.get("body"),
                tags=data.get("tags"),
                motivation=data.get("motivation"),
                visibility=data.get("visibility"),
                group=_group(request, data.get("group")),
                colour=data.get("colour"),
                version=_if_match(request, annotation),
            )
        elif request.method == "DELETE":
            services.annotation_delete(
                user=request.user, annotation=annotation, version=_if_match(request, annotation)
            )
            return JsonResponse({}, status=204)
    except AnnotationError as exc:
        return error(400, exc.field, exc.message)
    except AnnotationPermissionError as exc:
        return error(403, "user", str(exc))
    except AnnotationConflict as exc:
        return _conflict(request, exc)
    except BodyTooLarge:
        return error(413, "request", BODY_TOO_LARGE)
    return _respond(request, annotation)


@bearer_or_session
@require_http_methods(["POST"])
def annotation_restore(request: HttpRequest, uuid) -> JsonResponse:
    """The author brings back an annotation they deleted (within 30 days); 200 with it."""
    if not request.user.is_authenticated:
        return error(401, "user", "log in to restore annotations")
    annotation = selectors.annotation_of_author(request.user, uuid)
    if annotation is None:
        return error(404, "id", "no such annotation of yours")
    try:
        annotation = services.annotation_restore(user=request.user, annotation=annotation)
    except AnnotationError as exc:
        return error(400, exc.field, exc.message)
    return _respond(request, annotation)


@require_http_methods(["POST"])
def markdown_preview(request: HttpRequest) -> JsonResponse:
    try:
        data = _json_body(request)
    except AnnotationError as exc:
        return error(400, exc.field, exc.message)
    except BodyTooLarge:
        return error(413, "request", BODY_TOO_LARGE)
    body = data.get("body", "")
    if not isinstance(body, str):
        return error(400, "body", "must be text")
    return JsonResponse({"html": render_markdown(body)})
