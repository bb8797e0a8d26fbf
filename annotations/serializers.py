"""Annotations as the JSON the page's script and the API use."""

from accounts.models import display_name_for
from annotations.models import Annotation
from annotations.services import annotation_version


def annotation_as_json(annotation: Annotation, *, user, base_url: str = "") -> dict:
    """A placeholder (deleted, or hidden from this reader) shows where a note was and nothing
    of it: no author, text, tags, colour, kind or passage."""
    deleted = annotation.is_deleted
    data = {
        "id": str(annotation.uuid),
        "url": base_url + annotation.get_absolute_url(),
        "edition": annotation.edition.slug,
        "paragraph": annotation.paragraph.public_id if annotation.paragraph_id else None,
        "reply_to": str(annotation.parent.uuid) if annotation.parent_id else None,
        "motivation": None if deleted else annotation.motivation,
        "colour": None if deleted else annotation.colour,
        "visibility": annotation.visibility,
        "group": annotation.group.slug if annotation.group_id else None,
        "deleted": deleted,
        "body": "" if deleted else annotation.body,
        "body_html": "" if deleted else annotation.body_html,
        "tags": [] if deleted else sorted(tag.name for tag in annotation.tags.all()),
        "author": None
        if deleted or annotation.author is None
        else {
            "username": annotation.author.get_username(),
            "name": display_name_for(annotation.author),
        },
        "created": annotation.created.isoformat(),
        "modified": annotation.modified.isoformat(),
        # Sent back in If-Match (quoted, as the ETag) by an edit based on this state.
        "version": annotation_version(annotation),
        "can_edit": not deleted and user.is_authenticated and annotation.author_id == user.pk,
        "selector": None,
    }
    if annotation.has_selector and not deleted:
        data["selector"] = {
            "exact": annotation.quote_exact,
            "prefix": annotation.quote_prefix,
            "suffix": annotation.quote_suffix,
            "start": annotation.position_start,
            "end": annotation.position_end,
        }
    return data
