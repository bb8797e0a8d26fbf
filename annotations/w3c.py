"""Annotations as W3C Web Annotation JSON-LD, and W3C JSON-LD back into the services' inputs.

Out (`annotation_as_w3c`): the note is a TextualBody with its Markdown source (`format`
text/markdown; no `language`, which is not recorded); each tag is a TextualBody with purpose
`tagging`. A passage is targeted as the edition's URL with a FragmentSelector naming the paragraph
("p12", the `id` of the paragraph on the edition page), refined by a TextQuoteSelector and a
TextPositionSelector counted in characters of that paragraph's text; a note on a whole paragraph
has the FragmentSelector alone. A reply's target is the IRI of the annotation it answers.

Extensions, outside the W3C model (clients ignore what they do not know):
    "edition:visibility"   private | group | public
    "edition:group"        the group's slug (only with group visibility)
    "edition:colour"       the highlight colour
The site's own JSON-LD context (`/annotations/context.jsonld`, `context_document`) defines
them; `@context` lists it after the Web Annotation context, which stays first.

Kept as the client sent it (`Annotation.kept_from_client`): `canonical` and `via` (with the
client's own `id`, an IRI elsewhere), and its selectors, sent back after this site's
FragmentSelector.

The creator's `id` is `urn:uuid:<uuid5 of the user's primary key>`: stable when a username or
display name changes and whatever host name the site is reached by, and it carries neither an
e-mail address nor a username. `name` is the display name.

In (`w3c_parse`, then `annotation_input`): targets as other tools write them
(`w3c_targets`, placed by `locating`). What the edition cannot store faithfully (other body
types, a passage it cannot find, or finds in two places alike) is refused with an
`AnnotationError` whose field is the JSON path of the problem
("target.selector.refinedBy[0].exact"), never dropped or guessed. What the server sets (`id`,
`created`, `modified`, `creator`) and properties it does not know are ignored, as the model asks;
so is a body's `language`, which is not recorded.
"""

import hashlib
import json
import re
import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.contrib.auth.base_user import AbstractBaseUser
from django.urls import Resolver404, resolve, reverse

from accounts.models import display_name_for
from annotations import locating, selectors
from annotations.locating import url_parts
from annotations.models import TAGS_MAX, Annotation, Group
from annotations.services import AnnotationError, TextSelector
from annotations.w3c_targets import RFC3986, W3CTarget, target_parse
from edition.models import Edition, Paragraph

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
LDP_CONTEXT = "http://www.w3.org/ns/ldp.jsonld"
MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
GENERATOR_NAME = "Digital edition (annotations)"
IRI_MAX = 2000
VIA_MAX = 10
MARKDOWN = "text/markdown"
BODY_FORMATS = {MARKDOWN, "text/plain"}
NOTE_PURPOSES = {None, "commenting", "describing", "questioning", "replying"}

VISIBILITY = "edition:visibility"
GROUP = "edition:group"
COLOUR = "edition:colour"

# Fixed forever: creator IRIs are derived from it.
CREATOR_NAMESPACE = uuid_module.UUID("6f1c0d52-5b7e-4d7a-9a43-2c8e0f3b9d15")


def context_iri(*, base_url: str) -> str:
    """This site's JSON-LD context, which defines the `edition:` terms."""
    return base_url + reverse("annotations:w3c-context")


def contexts(*, base_url: str, more: tuple[str, ...] = ()) -> list[str]:
    """`@context`: the Web Annotation context first, as strict clients look for it."""
    return [ANNO_CONTEXT, *more, context_iri(base_url=base_url)]


def context_document(*, base_url: str) -> dict:
    """The terms outside the W3C model, in a namespace of this site (`…/context.jsonld#`)."""
    namespace = context_iri(base_url=base_url) + "#"
    return {
        "@context": {
            "edition": namespace,
            VISIBILITY: {"@id": f"{namespace}visibility"},
            GROUP: {"@id": f"{namespace}group"},
            COLOUR: {"@id": f"{namespace}colour"},
            # In a reader's own data export (`accounts.services`): when deleted, why hidden.
            "edition:deleted": {
                "@id": f"{namespace}deleted",
                "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
            },
            "edition:hidden": {"@id": f"{namespace}hidden"},
        }
    }


def annotation_iri(annotation_uuid, *, base_url: str) -> str:
    return base_url + reverse("annotations:w3c-annotation", kwargs={"uuid": annotation_uuid})


def creator_iri(user: AbstractBaseUser) -> str:
    return f"urn:uuid:{uuid_module.uuid5(CREATOR_NAMESPACE, f'user:{user.pk}')}"


def timestamp(moment: datetime) -> str:
    """xsd:dateTime in UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def annotation_as_w3c(annotation: Annotation, *, base_url: str, context: bool = True) -> dict:
    """The annotation as JSON-LD; without `@context` when embedded in a page that has one."""
    data: dict = {"@context": contexts(base_url=base_url)} if context else {}
    data |= {
        "id": annotation_iri(annotation.uuid, base_url=base_url),
        "type": "Annotation",
        "motivation": annotation.motivation,
        "created": timestamp(annotation.created),
        "modified": timestamp(annotation.modified),
    }
    kept = annotation.kept_from_client or {}
    for key in ("canonical", "via"):
        if kept.get(key):
            data[key] = kept[key]
    creator = None
    if annotation.author is not None:
        creator = {
            "id": creator_iri(annotation.author),
            "type": "Person",
            "name": display_name_for(annotation.author),
        }
        data["creator"] = creator
    data["generator"] = {"id": base_url + "/", "type": "Software", "name": GENERATOR_NAME}
    if annotation.group_id:
        # Who it is written for: the group's members (schema.org's Audience).
        data["audience"] = {"type": "Audience", "name": annotation.group.name}
    bodies = []
    if annotation.body:
        note = {"type": "TextualBody", "value": annotation.body, "format": MARKDOWN}
        if creator is not None:
            note["creator"] = creator
        bodies.append(note)
    bodies += [
        {"type": "TextualBody", "purpose": "tagging", "value": name}
        for name in sorted((tag.name for tag in annotation.tags.all()), key=str.casefold)
    ]
    if bodies:
        data["body"] = bodies
    data["target"] = _target_as_w3c(annotation, base_url=base_url)
    data[VISIBILITY] = annotation.visibility
    if annotation.group_id:
        data[GROUP] = annotation.group.slug
    data[COLOUR] = annotation.colour
    return data


def _target_as_w3c(annotation: Annotation, *, base_url: str) -> dict | str:
    if annotation.parent_id:
        return annotation_iri(annotation.parent.uuid, base_url=base_url)
    selector: dict = {
        "type": "FragmentSelector",
        "conformsTo": RFC3986,
        "value": annotation.paragraph.public_id,
    }
    if annotation.has_selector:
        selector["refinedBy"] = [
            {
                "type": "TextQuoteSelector",
                "exact": annotation.quote_exact,
                "prefix": annotation.quote_prefix,
                "suffix": annotation.quote_suffix,
            },
            {
                "type": "TextPositionSelector",
                "start": annotation.position_start,
                "end": annotation.position_end,
            },
        ]
    theirs = (annotation.kept_from_client or {}).get("selector", [])
    return {
        "source": base_url + annotation.edition.get_absolute_url(),
        "selector": [selector, *theirs] if theirs else selector,
    }


def etag_of(data: dict) -> str:
    """A strong entity tag of a representation's content (not of its formatting)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


# Incoming annotations ------------------------------------------------------------------------


@dataclass(frozen=True)
class W3CAnnotation:
    target: W3CTarget
    id: str | None = None
    motivation: str | None = None
    note: str | None = None
    tags: list[str] = field(default_factory=list)
    visibility: str | None = None
    group: str | None = None
    colour: str | None = None
    canonical: str = ""
    via: tuple[str, ...] = ()


def w3c_parse(data: object) -> W3CAnnotation:
    """Check the structure of an incoming annotation; nothing is looked up yet."""
    if not isinstance(data, dict):
        raise AnnotationError("request", "the JSON body must be an object")
    _check_context(data.get("@context"))
    _check_type(data.get("type"))
    canonical = data.get("canonical", "")
    if not isinstance(canonical, str) or ("canonical" in data and not _is_iri(canonical)):
        raise AnnotationError("canonical", "must be one IRI")
    via = [value for _path, value in _items(data.get("via", []), "via")]
    for path, value in _items(data.get("via", []), "via"):
        if not isinstance(value, str) or not _is_iri(value):
            raise AnnotationError(path, "must be an IRI")
    if len(via) > VIA_MAX:
        raise AnnotationError("via", f"at most {VIA_MAX} IRIs")
    if "body" in data and "bodyValue" in data:
        raise AnnotationError("bodyValue", "send either body or bodyValue, not both")
    note, tags = _bodies(data)
    motivation = data.get("motivation")
    if motivation is not None and motivation not in Annotation.Motivation.values:
        raise AnnotationError(
            "motivation", f"must be one of {', '.join(Annotation.Motivation.values)}"
        )
    if "id" in data and not isinstance(data["id"], str):
        raise AnnotationError("id", "must be an IRI")
    extensions = {}
    for key in (VISIBILITY, GROUP, COLOUR):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise AnnotationError(key, "must be a string")
        extensions[key] = value
    return W3CAnnotation(
        target=target_parse(data.get("target")),
        id=data.get("id"),
        motivation=motivation,
        note=note,
        tags=tags,
        visibility=extensions[VISIBILITY],
        group=extensions[GROUP],
        colour=extensions[COLOUR],
        canonical=canonical,
        via=tuple(via),
    )


def _is_iri(value: str) -> bool:
    """An absolute IRI (a scheme, then something), of a length a database keeps."""
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:\S+", value)) and len(value) <= IRI_MAX


def _check_context(context) -> None:
    contexts = context if isinstance(context, list) else [context]
    if ANNO_CONTEXT not in contexts:
        raise AnnotationError("@context", f"must be (or include) {ANNO_CONTEXT}")


def _check_type(kind) -> None:
    kinds = kind if isinstance(kind, list) else [kind]
    if "Annotation" not in kinds:
        raise AnnotationError("type", 'must be "Annotation"')


def _items(value, path: str) -> list[tuple[str, object]]:
    """A JSON-LD value that may be one item or a list, with the path of each item."""
    if isinstance(value, list):
        return [(f"{path}[{n}]", item) for n, item in enumerate(value)]
    return [(path, value)]


def _one_of(value: object, allowed: set[str]) -> bool:
    """Whether a value is one of the allowed strings (a list or object from JSON is not,
    and cannot be looked up in a set)."""
    return isinstance(value, str) and value in allowed


def _bodies(data: dict) -> tuple[str | None, list[str]]:
    if "bodyValue" in data:
        if not isinstance(data["bodyValue"], str):
            raise AnnotationError("bodyValue", "must be text")
        return data["bodyValue"], []
    if data.get("body") is None:
        return None, []
    items = _items(data["body"], "body")
    if len(items) > 1 + TAGS_MAX:
        raise AnnotationError(
            "body", f"at most {1 + TAGS_MAX} bodies: one note and {TAGS_MAX} tags"
        )
    note, tags = None, []
    for path, body in items:
        if isinstance(body, str):
            raise AnnotationError(path, "a body must be a TextualBody with its value, not an IRI")
        if not isinstance(body, dict):
            raise AnnotationError(path, "must be a TextualBody object")
        if body.get("type") != "TextualBody":
            raise AnnotationError(f"{path}.type", 'only "TextualBody" bodies are supported')
        value = body.get("value")
        if not isinstance(value, str):
            raise AnnotationError(f"{path}.value", "missing or not text")
        if body.get("format") is not None and not _one_of(body["format"], BODY_FORMATS):
            raise AnnotationError(
                f"{path}.format",
                f"must be {' or '.join(sorted(BODY_FORMATS))} (stored as Markdown)",
            )
        if "language" in body and not isinstance(body["language"], str):
            raise AnnotationError(f"{path}.language", "must be a language tag")
        purpose = body.get("purpose")
        if purpose is not None and not isinstance(purpose, str):
            raise AnnotationError(f"{path}.purpose", "must be one purpose, such as tagging")
        if purpose == "tagging":
            tags.append(value)
        elif purpose in NOTE_PURPOSES:
            if note is not None:
                raise AnnotationError(
                    path, "only one body can be the note; tags have purpose tagging"
                )
            note = value
        else:
            raise AnnotationError(
                f"{path}.purpose", "must be tagging (a tag) or commenting/describing (the note)"
            )
    return note, tags


# Resolving against the database --------------------------------------------------------------


@dataclass(frozen=True)
class AnnotationInput:
    """What `annotation_create` takes, resolved from a W3C annotation."""

    motivation: str
    body: str
    tags: list[str]
    paragraph: Paragraph | None = None
    selector: TextSelector | None = None
    parent: Annotation | None = None
    visibility: str | None = None
    group: Group | None = None
    colour: str | None = None
    kept: dict = field(default_factory=dict)  # `Annotation.kept_from_client`
    remark: str = ""  # how the passage was found, where it differs from what the client said


def annotation_input(parsed: W3CAnnotation, *, user, base_url: str) -> AnnotationInput:
    """Look up what the annotation names: the edition and passage (`locating`, strictly: a
    quote refining a paragraph must be in it), or the annotation it answers (only one the user
    may see), and the group (only one the user belongs to)."""
    target = parsed.target
    paragraph = selector = parent = None
    remark = ""
    if target.annotation_iri:
        parent = annotation_for_iri(target.annotation_iri, user=user, base_url=base_url)
        if parent is None:
            located = _paragraph_iri(target)
            if located is None:
                raise AnnotationError(
                    target.path, "is not an annotation of this server you can see"
                )
            paragraph = located
    else:
        editions = list(Edition.objects.all())
        edition, named_id = locating.edition_for(target.source, editions)
        if edition is None:
            raise AnnotationError(
                f"{target.path}.source",
                "is not an edition of this site (its page, DOI, URN or SSOAR record)",
            )
        paragraphs = list(edition.paragraphs.published().select_related("edition"))
        located = locating.locate(edition, paragraphs, target, named_id=named_id, strict=True)
        paragraph, selector, remark = located.paragraph, located.selector, located.remark
    group = None
    if parsed.group:
        group = Group.objects.filter(slug=parsed.group, members=user).first()
        if group is None:
            raise AnnotationError(GROUP, f"you are not a member of a group {parsed.group!r}")
    if parsed.motivation:
        motivation = parsed.motivation
    elif parent is not None:
        motivation = Annotation.Motivation.REPLYING
    elif parsed.note and parsed.note.strip():
        motivation = Annotation.Motivation.COMMENTING
    else:
        motivation = Annotation.Motivation.HIGHLIGHTING
    return AnnotationInput(
        motivation=motivation,
        body=parsed.note or "",
        tags=parsed.tags,
        paragraph=paragraph,
        selector=selector,
        parent=parent,
        visibility=parsed.visibility,
        group=group,
        colour=parsed.colour,
        kept=kept_of(parsed, base_url=base_url),
        remark=remark,
    )


def _paragraph_iri(target: W3CTarget) -> Paragraph | None:
    """The paragraph a target IRI names (its page, or the edition's URL with `#p12`)."""
    edition, named_id = locating.edition_for(target.annotation_iri, list(Edition.objects.all()))
    if edition is None or not named_id:
        return None
    return edition.paragraphs.published().filter(public_id=named_id).first()


def kept_of(parsed: W3CAnnotation, *, base_url: str) -> dict:
    """What the edition keeps as the client sent it: `canonical` (protocol §5.1: "maintained
    without change"), `via` with the client's own `id` added (its IRI elsewhere), and the
    selectors other than this site's own."""
    kept: dict = {}
    if parsed.canonical:
        kept["canonical"] = parsed.canonical
    via = list(parsed.via)
    theirs = (
        parsed.id and _is_iri(parsed.id) and not parsed.id.startswith(base_url + "/annotations/")
    )
    if theirs and parsed.id not in via:
        via.append(parsed.id)
    if via:
        kept["via"] = via
    if parsed.target.kept:
        kept["selector"] = list(parsed.target.kept)
    return kept


def _local_path(url: str, *, base_url: str) -> str | None:
    """The path of a URL on this server (http and https count as the same), else None."""
    parts, base = url_parts(url), urlsplit(base_url)
    if parts is None or parts.netloc.lower() != base.netloc.lower():
        return None
    return parts.path


def _resolve(url: str, *, base_url: str):
    path = _local_path(url, base_url=base_url)
    if path is None:
        return None
    try:
        return resolve(path)
    except Resolver404:
        return None


ANNOTATION_VIEWS = {"annotations:w3c-annotation", "annotations:annotation-detail"}


def annotation_for_iri(iri: str, *, user, base_url: str) -> Annotation | None:
    """The annotation an IRI names (its protocol IRI or its page), if the user may see it."""
    match = _resolve(iri, base_url=base_url)
    if match is None or match.view_name not in ANNOTATION_VIEWS:
        return None
    return selectors.annotation_get(user, match.kwargs["uuid"])


def same_target(annotation: Annotation, given: AnnotationInput) -> bool:
    """Whether a replacement names what the annotation already targets (the passage by its
    position and quote; prefix and suffix are context, not identity)."""
    if annotation.parent_id or given.parent is not None:
        return given.parent is not None and given.parent.pk == annotation.parent_id
    if given.paragraph is None or given.paragraph.pk != annotation.paragraph_id:
        return False
    if given.selector is None or not annotation.has_selector:
        return given.selector is None and not annotation.has_selector
    return (given.selector.start, given.selector.end, given.selector.exact) == (
        annotation.position_start,
        annotation.position_end,
        annotation.quote_exact,
    )


SERVICE_FIELDS = {
    "paragraph": "{target}.source",
    "reply_to": "{target}",
    "tags": "body",
    "visibility": VISIBILITY,
    "group": GROUP,
    "colour": COLOUR,
}


def service_error(error: AnnotationError, parsed: W3CAnnotation) -> AnnotationError:
    """A service's error with its field named as the W3C JSON path the client sent."""
    target = parsed.target
    quote_selector = target.quote or target.document_quote
    position_selector = target.position or target.document_position
    quote = quote_selector.path if quote_selector else ""
    position = position_selector.path if position_selector else ""
    selector_fields = {
        "selector": position or quote or f"{target.path}.selector",
        "selector.exact": f"{quote}.exact" if quote else position,
        "selector.prefix": f"{quote}.prefix",
        "selector.suffix": f"{quote}.suffix",
    }
    if error.field in selector_fields:
        return AnnotationError(selector_fields[error.field], error.message)
    template = SERVICE_FIELDS.get(error.field)
    if template is None:
        return error
    if error.field == "paragraph" and target.paragraph_path:
        return AnnotationError(target.paragraph_path, error.message)
    return AnnotationError(template.format(target=target.path), error.message)
