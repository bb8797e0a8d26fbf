"""Writes of annotations: one path for the page, the JSON API and (later) the W3C protocol.

Every function validates completely, checks permission, and writes inside one transaction, so a
bad request leaves nothing half-saved.
"""

import hashlib
import json
import uuid as uuid_module
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from taggit.models import Tag

from annotations.changes import repliers_touch
from annotations.models import (
    BODY_MAX_LENGTH,
    IDEMPOTENCY_KEY_MAX_LENGTH,
    IDEMPOTENCY_KEY_TTL,
    RESTORE_WINDOW,
    TAG_MAX_LENGTH,
    TAGS_MAX,
    Annotation,
    AnnotationRevision,
    Group,
    IdempotencyKey,
    TaggedAnnotation,
)
from annotations.rendering import render_markdown
from annotations.tagging import annotation_tags_set, tags_get_or_create
from annotations.vocabulary import TagVocabulary, group_vocabulary
from edition.models import Paragraph
from search.services import search_index_update

QUOTE_CONTEXT = 32
# What a W3C client sent that is kept as it came (selectors, via, canonical), as JSON.
KEPT_MAX_CHARS = 20_000


class AnnotationError(Exception):
    """Bad input: `field` names what is wrong (as the API's JSON names it)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class AnnotationPermissionError(Exception):
    """The user may see the annotation but not change it."""


class IdempotencyKeyReused(Exception):
    """The idempotency key already made `annotation` from a different request."""

    def __init__(self, annotation: Annotation):
        self.annotation = annotation
        super().__init__(
            "this idempotency key was already used for a different annotation; "
            "send a new key for a new annotation"
        )


class AnnotationConflict(Exception):
    """A stale edit: the annotation changed since the version the edit was based on.
    `current` is the annotation as it now is; nothing was written."""

    def __init__(self, current: Annotation):
        self.current = current
        super().__init__(
            "the annotation was changed since you loaded it (in another tab or by another "
            "program); your edit was not saved, so the newer text is kept. Reload it, then "
            "make your change again"
        )


@dataclass(frozen=True)
class TextSelector:
    """A passage of a paragraph: TextQuoteSelector plus TextPositionSelector."""

    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""


def selector_validate(paragraph: Paragraph, selector: TextSelector) -> TextSelector:
    """The quote must be the paragraph's text at the given position; fills in missing context."""
    text = paragraph.text
    if not (0 <= selector.start < selector.end <= len(text)):
        raise AnnotationError(
            "selector",
            f"position {selector.start}–{selector.end} is outside paragraph "
            f"{paragraph.public_id} (0–{len(text)})",
        )
    if text[selector.start : selector.end] != selector.exact:
        raise AnnotationError(
            "selector.exact",
            f"the quote does not match the text of {paragraph.public_id} at "
            f"{selector.start}–{selector.end}",
        )
    prefix = text[max(0, selector.start - QUOTE_CONTEXT) : selector.start]
    suffix = text[selector.end : selector.end + QUOTE_CONTEXT]
    if selector.prefix and not prefix.endswith(selector.prefix[-QUOTE_CONTEXT:]):
        raise AnnotationError("selector.prefix", "does not match the text before the quote")
    if selector.suffix and not suffix.startswith(selector.suffix[:QUOTE_CONTEXT]):
        raise AnnotationError("selector.suffix", "does not match the text after the quote")
    return TextSelector(selector.start, selector.end, selector.exact, prefix, suffix)


def tags_normalise(tags: list[str], *, limit: int = TAGS_MAX) -> list[str]:
    """Trimmed, single-spaced, unique regardless of case (first spelling wins), at most `limit`
    (a course's vocabulary holds more than a note)."""
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise AnnotationError("tags", "must be a list of strings")
    result: dict[str, str] = {}
    for tag in tags:
        name = " ".join(tag.split())
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise AnnotationError("tags", f"a tag has at most {TAG_MAX_LENGTH} characters")
        if "\x00" in name:
            raise AnnotationError("tags", "a tag may not contain the NUL character")
        if "," in name or '"' in name:
            raise AnnotationError("tags", "a tag may not contain commas or double quotes")
        if not Tag().slugify(name):
            raise AnnotationError("tags", f"the tag {name!r} needs at least one letter or digit")
        result.setdefault(name.casefold(), name)
    if len(result) > limit:
        raise AnnotationError("tags", f"at most {limit} tags")
    return list(result.values())


def _check_body(motivation: str, body: str) -> str:
    if not isinstance(body, str):
        raise AnnotationError("body", "must be text")
    if "\x00" in body:
        raise AnnotationError("body", "may not contain the NUL character")
    if len(body) > BODY_MAX_LENGTH:
        raise AnnotationError(
            "body", f"is {len(body)} characters long; the limit is {BODY_MAX_LENGTH}"
        )
    if motivation == Annotation.Motivation.HIGHLIGHTING and body.strip():
        raise AnnotationError("body", "a highlight has no note; write a comment instead")
    if (
        motivation
        in (
            Annotation.Motivation.COMMENTING,
            Annotation.Motivation.QUESTIONING,
            Annotation.Motivation.REPLYING,
        )
        and not body.strip()
    ):
        raise AnnotationError("body", "a comment, question or reply needs a note")
    return body


def _check_choice(field: str, value: str, choices) -> str:
    if value not in choices.values:
        raise AnnotationError(field, f"{value!r} is not one of {', '.join(choices.values)}")
    return value


def _check_visibility(user, visibility: str, group: Group | None) -> None:
    _check_choice("visibility", visibility, Annotation.Visibility)
    if visibility == Annotation.Visibility.GROUP:
        if group is None:
            raise AnnotationError("group", "group visibility needs a group")
        # A caller that found the group among the user's own says so (`member_checked_for`).
        checked = getattr(group, "member_checked_for", None) == user.pk
        if not checked and not group.members.filter(pk=user.pk).exists():
            raise AnnotationError("group", "you are not a member of this group")
    elif group is not None:
        raise AnnotationError("group", "only annotations with group visibility have a group")


def _binding_vocabulary(visibility: str, group: Group | None) -> TagVocabulary | None:
    """The vocabulary a note's tags must come from: its course's, when the note is shared with
    the course and the course made its vocabulary binding."""
    if visibility != Annotation.Visibility.GROUP:
        return None
    vocabulary = group_vocabulary(group)
    return vocabulary if vocabulary is not None and vocabulary.binding else None


def _tags_from_vocabulary(vocabulary: TagVocabulary, tags: list[str]) -> list[str]:
    """The tags in the vocabulary's spelling; any tag outside it refuses the whole note."""
    outside = [tag for tag in tags if vocabulary.spelling(tag) is None]
    if outside:
        refused = ", ".join(f"“{tag}”" for tag in outside)
        raise AnnotationError(
            "tags",
            f"the course “{vocabulary.owner}” uses only its own tags, not {refused}; "
            f"allowed tags: {', '.join(vocabulary.names)}",
        )
    return [vocabulary.spelling(tag) for tag in tags]


def annotation_create(
    *,
    user,
    paragraph: Paragraph | None = None,
    parent: Annotation | None = None,
    selector: TextSelector | None = None,
    motivation: str,
    body: str = "",
    tags: list[str] | None = None,
    visibility: str = Annotation.Visibility.PRIVATE,
    group: Group | None = None,
    colour: str = Annotation.Colour.YELLOW,
    uuid: uuid_module.UUID | None = None,
    idempotency_key: str | None = None,
    kept_from_client: dict | None = None,
) -> Annotation:
    """`kept_from_client` is what a W3C client sent that is kept as it came (`w3c.kept_of`).

    `uuid` lets a client choose the new annotation's ID (the W3C protocol's Slug); an ID
    that was ever used, even by a deleted annotation, is refused.

    With an `idempotency_key`, asking again with the same key and the same input within
    `IDEMPOTENCY_KEY_TTL` returns the annotation the first call made (a retried request, a
    form sent twice); the same key with other input is `IdempotencyKeyReused`. Two calls racing
    with one key make one annotation: the key's unique constraint refuses the second, whose
    transaction is rolled back and which then answers like a retry."""
    if not user.is_authenticated:
        raise AnnotationPermissionError("annotating needs an account")
    fingerprint = ""
    if idempotency_key is not None:
        if not idempotency_key or len(idempotency_key) > IDEMPOTENCY_KEY_MAX_LENGTH:
            raise AnnotationError(
                "Idempotency-Key", f"must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters"
            )
        fingerprint = _request_fingerprint(
            paragraph=paragraph.pk if paragraph is not None else None,
            parent=parent.pk if parent is not None else None,
            selector=asdict(selector) if selector is not None else None,
            motivation=motivation,
            body=body,
            tags=tags or [],
            visibility=visibility,
            group=group.pk if group is not None else None,
            colour=colour,
            uuid=str(uuid) if uuid is not None else None,
            kept_from_client=kept_from_client or {},
        )
        previous = _idempotent_replay(user, idempotency_key, fingerprint)
        if previous is not None:
            return previous
    if uuid is not None and Annotation.objects.filter(uuid=uuid).exists():
        raise AnnotationError("id", "is already used by another annotation")
    _check_choice("motivation", motivation, Annotation.Motivation)
    _check_choice("colour", colour, Annotation.Colour)
    if parent is not None:
        if motivation != Annotation.Motivation.REPLYING or paragraph is not None or selector:
            raise AnnotationError("reply_to", "a reply targets an annotation, not the text")
        if parent.is_deleted:
            raise AnnotationError("reply_to", "the annotation was deleted")
        # A reply lives in its thread: same audience as the annotation it answers.
        visibility, group = parent.visibility, parent.group
        edition, root = parent.edition, parent.root or parent
    else:
        if motivation == Annotation.Motivation.REPLYING:
            raise AnnotationError("motivation", "a reply needs reply_to")
        if paragraph is None:
            raise AnnotationError("paragraph", "missing")
        if paragraph.is_withdrawn:
            raise AnnotationError("paragraph", f"{paragraph.public_id} was withdrawn")
        _check_visibility(user, visibility, group)
        edition, root = paragraph.edition, None
        if selector is not None:
            selector = selector_validate(paragraph, selector)
    body = _check_body(motivation, body)
    _check_kept(kept_from_client or {})
    tags = tags_normalise(tags or [])
    vocabulary = _binding_vocabulary(visibility, group)
    if vocabulary is not None:
        tags = _tags_from_vocabulary(vocabulary, tags)
    now = timezone.now()
    annotation = Annotation(
        edition=edition,
        paragraph=paragraph,
        parent=parent,
        root=root,
        author=user,
        motivation=motivation,
        colour=colour,
        body=body,
        body_html=render_markdown(body),
        visibility=visibility,
        group=group,
        created=now,
        modified=now,
        kept_from_client=kept_from_client or {},
    )
    if uuid is not None:
        annotation.uuid = uuid
    if selector is not None:
        annotation.position_start, annotation.position_end = selector.start, selector.end
        annotation.quote_exact = selector.exact
        annotation.quote_prefix, annotation.quote_suffix = selector.prefix, selector.suffix
    try:
        with transaction.atomic():
            _validate(annotation)
            annotation.save()
            annotation_tags_set(annotation, tags_get_or_create(tags), current=[])
            search_index_update(annotation, is_new=True)
            if idempotency_key is not None:
                _idempotency_key_claim(user, idempotency_key, fingerprint, annotation, now)
    except IntegrityError:
        # Another request with this key committed first: answer as its retry.
        previous = (
            _idempotent_replay(user, idempotency_key, fingerprint) if idempotency_key else None
        )
        if previous is None:
            raise
        return previous
    return annotation


def _check_kept(kept: dict) -> None:
    size = len(json.dumps(kept, ensure_ascii=False))
    if size > KEPT_MAX_CHARS:
        raise AnnotationError(
            "selector",
            f"what the annotation carries besides its note (its selectors, via, canonical) is "
            f"{size:,} characters of JSON; at most {KEPT_MAX_CHARS:,} are kept",
        )


def _validate(annotation: Annotation) -> None:
    """The fields' own rules (choices, lengths; the body's were checked with clearer messages).
    Not the foreign keys, which the service holds as objects it read, nor the unique ID and the
    constraints, which it checked with clearer messages and the database enforces anyway: each of
    those would cost a query per write."""
    relations = [field.name for field in Annotation._meta.concrete_fields if field.is_relation]
    annotation.full_clean(
        exclude=["body", *relations], validate_unique=False, validate_constraints=False
    )


def _request_fingerprint(**fields) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _idempotent_replay(user, key: str, fingerprint: str) -> Annotation | None:
    """What the key made within its lifetime, for the same input; None if it made nothing. An
    expired key is dropped here, so it can be used again (`purge_deleted` drops the others)."""
    record = IdempotencyKey.objects.select_related("annotation").filter(user=user, key=key).first()
    if record is None:
        return None
    if record.created < timezone.now() - IDEMPOTENCY_KEY_TTL:
        record.delete()
        return None
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(record.annotation)
    return record.annotation


def _idempotency_key_claim(user, key: str, fingerprint: str, annotation, now) -> None:
    """Record the key; its unique constraint makes a concurrent second claim fail."""
    IdempotencyKey.objects.create(
        user=user, key=key, fingerprint=fingerprint, annotation=annotation, created=now
    )


def annotation_update(
    *,
    user,
    annotation: Annotation,
    body: str | None = None,
    tags: list[str] | None = None,
    motivation: str | None = None,
    visibility: str | None = None,
    group: Group | None = None,
    colour: str | None = None,
    version: str | None = None,
) -> Annotation:
    """Change what the author wrote; the previous state is kept as a revision. A course's binding
    vocabulary is checked when the tags change or the note moves to the course; notes tagged
    before it became binding keep their tags through other edits.

    `version` is the `annotation_version` the edit was based on: if the annotation changed
    since, nothing is written and `AnnotationConflict` carries the newer state.

    A new audience goes to the whole thread when it is narrower. A wider one (or another
    group) is refused while other people's replies share the thread's audience, since they
    wrote for that audience only; otherwise it takes the author's own replies along."""
    if annotation.author_id != user.pk:
        raise AnnotationPermissionError("only the author edits an annotation")
    if annotation.is_deleted:
        raise AnnotationError("annotation", "a deleted annotation cannot be edited")
    new_motivation = _check_choice(
        "motivation", motivation or annotation.motivation, Annotation.Motivation
    )
    is_reply = annotation.parent_id is not None
    if is_reply != (new_motivation == Annotation.Motivation.REPLYING):
        raise AnnotationError("motivation", "a reply stays a reply and an annotation stays one")
    new_body = _check_body(new_motivation, annotation.body if body is None else body)
    new_colour = _check_choice("colour", colour or annotation.colour, Annotation.Colour)
    new_tags = tags_normalise(tags) if tags is not None else None
    changes_audience = visibility is not None and not is_reply
    if changes_audience:
        _check_visibility(user, visibility, group)
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(annotation)
        if locked.deleted_at is not None:
            raise AnnotationError("annotation", "a deleted annotation cannot be edited")
        if version is not None and annotation_version(locked) != version:
            raise AnnotationConflict(locked)
        # The audience is decided on the row as it is now, under lock: a stale copy of the
        # note must not take a thread's audience past the check.
        old_audience = (locked.visibility, locked.group)
        new_visibility, new_group = (visibility, group) if changes_audience else old_audience
        audience_changes = (new_visibility, new_group) != old_audience
        widens = audience_changes and not _audience_within(new_visibility, new_group, *old_audience)
        if widens and _replies_by_others(locked, user).exists():
            raise AnnotationError("visibility", AUDIENCE_WIDENING_REFUSED)
        current_tags = list(locked.tags.all())
        vocabulary = _binding_vocabulary(new_visibility, new_group)
        if vocabulary is not None and (new_tags is not None or audience_changes):
            kept = new_tags if new_tags is not None else [tag.name for tag in current_tags]
            new_tags = _tags_from_vocabulary(vocabulary, kept)
        AnnotationRevision.objects.create(
            annotation=locked,
            body=locked.body,
            tags=sorted(tag.name for tag in current_tags),
            motivation=locked.motivation,
            colour=locked.colour,
            visibility=locked.visibility,
            valid_from=locked.modified,
            superseded_at=now,
        )
        locked.body, locked.body_html = new_body, render_markdown(new_body)
        locked.motivation, locked.colour = new_motivation, new_colour
        locked.visibility, locked.group = new_visibility, new_group
        locked.modified = now
        _validate(locked)
        locked.save()
        if new_tags is not None:
            annotation_tags_set(locked, tags_get_or_create(new_tags), current=current_tags)
        if not is_reply and audience_changes:
            # Narrowing takes the whole thread along; widening only the author's own replies
            # (anyone else's left, deleted ones that could be restored, keep their audience).
            thread = locked.thread.all() if not widens else locked.thread.filter(author=user)
            repliers = set(thread.values_list("author_id", flat=True))
            thread.update(visibility=new_visibility, group=new_group)
            repliers_touch(locked, repliers)
        search_index_update(locked)
    return locked


AUDIENCE_WIDENING_REFUSED = (
    "other people have replied to this note for the audience it has now, so it cannot be shown "
    "to more or other readers while their replies are in the thread: that would show their "
    "words to readers they did not write for. Keep its audience or choose a narrower one"
)


def _audience_within(visibility: str, group: Group | None, wider: str, wider_group) -> bool:
    """Whether everyone who may see a note with the first audience may also see one with the
    second: only me < one group < everybody."""
    if visibility == Annotation.Visibility.PRIVATE or wider == Annotation.Visibility.PUBLIC:
        return True
    return visibility == wider == Annotation.Visibility.GROUP and group == wider_group


def _replies_by_others(root: Annotation, user) -> QuerySet[Annotation]:
    """Live replies in the thread by someone else (a former user too) that share its audience:
    words the author may not show to more people. A private one is seen by its author only and
    stays so; a deleted one keeps its own audience whatever the thread's becomes."""
    return (
        root.thread.filter(deleted_at__isnull=True)
        .exclude(author=user)
        .exclude(visibility=Annotation.Visibility.PRIVATE)
    )


def annotation_delete(*, user, annotation: Annotation, version: str | None = None) -> Annotation:
    """Soft delete: the thread keeps a "deleted" placeholder; the author can restore the content
    (`annotation_restore`) for `RESTORE_WINDOW`. With `version`, a delete based on a stale
    version is refused like a stale edit."""
    if annotation.author_id != user.pk:
        raise AnnotationPermissionError("only the author deletes an annotation")
    with transaction.atomic():
        if version is not None:
            locked = Annotation.objects.select_for_update().get(pk=annotation.pk)
            if annotation_version(locked) != version:
                raise AnnotationConflict(locked)
        if not annotation.is_deleted:
            annotation.deleted_at = timezone.now()
            annotation.save(update_fields=["deleted_at"])
            search_index_update(annotation)
    return annotation


def _locked(annotation: Annotation) -> Annotation:
    """The annotation's row locked until the transaction ends, read with what indexing and
    serialising it read (its tags, its author's profile, the objects its JSON names)."""
    return (
        Annotation.objects.select_for_update(of=("self",))
        .select_related("edition", "paragraph", "parent", "group", "author__profile")
        .prefetch_related("tags")
        .get(pk=annotation.pk)
    )


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def annotation_version(annotation: Annotation) -> str:
    """Which edit of the annotation this is: the moment of the last one, in microseconds since
    1970. Every edit changes it (moderation, deleting and restoring do not touch the text and
    leave it). The JSON API shows it as `version` and the ETag, and takes it back in If-Match."""
    return str((annotation.modified - EPOCH) // timedelta(microseconds=1))


def annotation_restore(*, user, annotation: Annotation) -> Annotation:
    """Undo a delete within `RESTORE_WINDOW`: the text, tags and edit history come back as they
    were (deleting kept them). Restoring one that is not deleted changes nothing."""
    if annotation.author_id != user.pk:
        raise AnnotationPermissionError("only the author restores an annotation")
    with transaction.atomic():
        locked = _locked(annotation)
        if locked.deleted_at is None:
            return locked
        if locked.deleted_at < timezone.now() - RESTORE_WINDOW:
            raise AnnotationError(
                "annotation",
                f"it was deleted more than {RESTORE_WINDOW.days} days ago and can no longer "
                "be restored",
            )
        locked.deleted_at = None
        locked.save(update_fields=["deleted_at"])
        search_index_update(locked)
    return locked


@dataclass(frozen=True)
class Erased:
    deleted: int
    placeholders: int


def annotations_erase(*, annotations: QuerySet[Annotation]) -> Erased:
    """Remove annotations for good, with their tags and edit history. One that still has
    replies (by others, or not erased with it) stays as a placeholder: deleted, without text,
    tags or history, so the thread keeps its replies. For `purge_deleted` and account deletion."""
    now = timezone.now()
    with transaction.atomic():
        pks = set(annotations.values_list("pk", flat=True))
        # Out of the search index (a live one is still in it) before the rows go.
        for live in Annotation.objects.filter(pk__in=pks, deleted_at__isnull=True):
            live.deleted_at = now
            live.save(update_fields=["deleted_at"])
            search_index_update(live)
        remaining, deleted = pks, 0
        has_replies = Exists(Annotation.objects.filter(parent=OuterRef("pk")))
        while True:
            # Leaves first: erasing a reply may leave the annotation it answered without any.
            leaves = set(
                Annotation.objects.filter(pk__in=remaining)
                .exclude(has_replies)
                .values_list("pk", flat=True)
            )
            if not leaves:
                break
            Annotation.objects.filter(pk__in=leaves).delete()
            remaining, deleted = remaining - leaves, deleted + len(leaves)
        TaggedAnnotation.objects.filter(content_object_id__in=remaining).delete()
        AnnotationRevision.objects.filter(annotation_id__in=remaining).delete()
        Annotation.objects.filter(pk__in=remaining).update(body="", body_html="")
    return Erased(deleted=deleted, placeholders=len(remaining))


def annotations_purge_deleted() -> Erased:
    """Erase what was deleted longer than `RESTORE_WINDOW` ago (see `annotations_erase`)."""
    cutoff = timezone.now() - RESTORE_WINDOW
    return annotations_erase(annotations=Annotation.objects.filter(deleted_at__lt=cutoff))


def idempotency_keys_purge_expired() -> int:
    """Keys past `IDEMPOTENCY_KEY_TTL` (one used again after it expired is dropped then)."""
    cutoff = timezone.now() - IDEMPOTENCY_KEY_TTL
    deleted, _by_model = IdempotencyKey.objects.filter(created__lt=cutoff).delete()
    return deleted


def annotations_anonymise(*, author) -> int:
    """The author's shared annotations and replies (public or group, not deleted) lose their
    author: they are shown as by a "former user". For account deletion; returns how many."""
    with transaction.atomic():
        shared = Annotation.objects.filter(
            author=author, deleted_at__isnull=True, visibility__in=["public", "group"]
        )
        annotations = list(shared.select_for_update())
        for annotation in annotations:
            annotation.author = None
            annotation.save(update_fields=["author"])
            search_index_update(annotation)
    return len(annotations)
