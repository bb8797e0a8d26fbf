"""Writes for accounts: registration, profile changes, and a reader's own data: all of it as a
download, and deleting the account."""

import io
import json
import zipfile

from django.contrib.auth import SESSION_KEY, get_user_model, password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import ApiToken, Profile, display_name_for
from annotations import w3c
from annotations.changes import editions_touch
from annotations.models import Annotation
from annotations.services import annotations_anonymise, annotations_erase
from search.services import search_index_author

# What happens to a deleted account's annotations, as the reader chooses.
ANNOTATIONS_DELETE = "delete"
ANNOTATIONS_ANONYMISE = "anonymise"


@sensitive_variables("password")
def user_register(
    *, username: str, email: str, password: str, display_name: str = ""
) -> AbstractBaseUser:
    """Create a user and their profile together, so no reader is ever left without one.

    The e-mail address is required (the model allows blank) because it is the only way back into
    an account: the password reset.
    """
    user_model = get_user_model()
    if not email:
        raise ValidationError({"email": _("An e-mail address is required.")})
    user = user_model(username=username, email=user_model.objects.normalize_email(email))
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from error
    user.set_password(password)
    with transaction.atomic():
        user.full_clean()
        user.save()
        profile = Profile(user=user, display_name=display_name)
        profile.full_clean()
        profile.save()
    return user


def profile_update(*, user: AbstractBaseUser, display_name: str) -> Profile:
    """Set the display name; creates the profile for users who were made without one."""
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            profile = Profile(user=user)
        profile.display_name = display_name
        profile.full_clean()
        profile.save()
        # Annotations are found by their author's name; keep the search index in step, and
        # the cached pages that list authors.
        search_index_author(user)
        editions_touch()
    return profile


@sensitive_variables("password")
def account_delete(*, user: AbstractBaseUser, password: str, annotations: str) -> None:
    """Delete the account for good, all in one transaction, once the password confirms it.

    `annotations` is the reader's choice. ANNOTATIONS_DELETE erases all their annotations and
    replies (`annotations_erase`: one others replied to stays as an empty "deleted"
    placeholder, so their replies survive). ANNOTATIONS_ANONYMISE keeps the shared ones (public,
    or for a group) without an author, shown as by a "former user", and erases the private and
    the deleted ones, which nobody could see any more. Either way the reader leaves their
    courses and groups, their API tokens are revoked and their sessions end, and the user
    goes with the profile; edit history stays only with anonymised text.
    """
    if not user.check_password(password):
        raise ValidationError({"password": _("The password is not correct.")})
    if annotations not in (ANNOTATIONS_DELETE, ANNOTATIONS_ANONYMISE):
        raise ValidationError({"annotations": _("Choose what happens to your annotations.")})
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if annotations == ANNOTATIONS_ANONYMISE:
            annotations_anonymise(author=user)
        # What anonymising left with the author, or everything.
        annotations_erase(annotations=Annotation.objects.filter(author=user))
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        sessions_end(user=user)
        # Course memberships, group memberships, tokens, the profile and idempotency keys go
        # with the user (CASCADE); what they created for others keeps no author (SET_NULL).
        user.delete()


def sessions_end(*, user: AbstractBaseUser) -> int:
    """Log the user out everywhere. Sessions are in the database (`SESSION_ENGINE`) and say
    whose they are only inside their data, so each live one is read."""
    user_id = str(user.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def account_data_export(*, user: AbstractBaseUser, base_url: str) -> bytes:
    """Everything the site keeps about the reader, as a ZIP: `account.json` (the account, the
    profile, courses and groups, API tokens without their secrets), `annotations.jsonld`
    (every annotation and reply they wrote, deleted ones included, as W3C Web Annotations) and
    `revisions.json` (the earlier versions of each)."""
    now = timezone.now()
    annotations = list(
        Annotation.objects.filter(author=user)
        .select_related("author__profile", "parent", "paragraph", "edition", "group")
        .prefetch_related("tags", "revisions")
        .order_by("created", "id")
    )
    files = {
        "README.txt": DATA_README.format(username=user.get_username(), exported=_iso(now)),
        "account.json": _json(_account_data(user, now)),
        "annotations.jsonld": _json(_annotations_w3c(annotations, user=user, base_url=base_url)),
        "revisions.json": _json(_revisions_data(annotations, base_url=base_url)),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DATA_README = """Your data from the digital edition, for {username}, exported {exported}.

account.json        your account and profile, the courses and groups you belong to, and your
                    API tokens (their names and dates; the tokens themselves are never stored)
annotations.jsonld  every annotation and reply you wrote, as W3C Web Annotations (JSON-LD);
                    deleted ones carry "edition:deleted", hidden ones "edition:hidden"
revisions.json      the earlier versions of your annotations, newest first
"""


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _account_data(user: AbstractBaseUser, now) -> dict:
    memberships = user.course_memberships.select_related("course").order_by("joined_at", "id")
    tokens = ApiToken.objects.filter(user=user).order_by("created", "id")
    return {
        "exported": _iso(now),
        "username": user.get_username(),
        "email": user.email,
        "display_name": display_name_for(user),
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "courses": [
            {
                "title": membership.course.title,
                "term": membership.course.term,
                "slug": membership.course.slug,
                "role": membership.role,
                "joined": _iso(membership.joined_at),
            }
            for membership in memberships
        ],
        "groups": sorted(user.annotation_groups.values_list("slug", flat=True)),
        "api_tokens": [
            {
                "name": token.name,
                "created": _iso(token.created),
                "last_used": _iso(token.last_used),
                "revoked": _iso(token.revoked_at),
            }
            for token in tokens
        ],
    }


def _annotations_w3c(annotations: list[Annotation], *, user, base_url: str) -> dict:
    items = []
    for annotation in annotations:
        item = w3c.annotation_as_w3c(annotation, base_url=base_url, context=False)
        if annotation.deleted_at is not None:
            item["edition:deleted"] = w3c.timestamp(annotation.deleted_at)
        if annotation.hidden_at is not None:
            item["edition:hidden"] = annotation.hidden_reason
        items.append(item)
    return {
        "@context": w3c.contexts(base_url=base_url),
        "type": "AnnotationCollection",
        "label": f"Annotations by {display_name_for(user)}",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def _revisions_data(annotations: list[Annotation], *, base_url: str) -> list[dict]:
    return [
        {
            "annotation": w3c.annotation_iri(annotation.uuid, base_url=base_url),
            "body": revision.body,
            "tags": revision.tags,
            "motivation": revision.motivation,
            "colour": revision.colour,
            "visibility": revision.visibility,
            "valid_from": _iso(revision.valid_from),
            "superseded": _iso(revision.superseded_at),
        }
        for annotation in annotations
        for revision in annotation.revisions.all()
    ]
