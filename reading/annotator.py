"""What the reading page's script needs to know, handed over as JSON (no inline script)."""

import json

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import display_name_for
from annotations.models import Annotation


def annotator_config(request, edition, *, assignment=None, live=None) -> dict:
    """`assignment` (a reading.assignments.ReadingAssignment) makes its course the default audience
    of new notes, so work on an assignment lands where the instructor can see it. `live` (a
    `reading.live.LiveState`) is what the page shows, the state its live channel starts from."""
    user = request.user
    groups = list(user.annotation_groups.order_by("name")) if user.is_authenticated else []
    return {
        "edition": edition.slug,
        "user": {"username": user.get_username(), "name": display_name_for(user)}
        if user.is_authenticated
        else None,
        "loginUrl": f"{reverse('accounts:login')}?next={edition.get_absolute_url()}",
        "csrfToken": get_token(request) if user.is_authenticated else "",
        "api": {
            "annotations": reverse("annotations:api-collection"),
            "preview": reverse("annotations:api-preview"),
            "thread": reverse("annotations:thread-fragment", kwargs={"uuid": _UUID_SLOT}).replace(
                _UUID_SLOT, "{id}"
            ),
            "tags": reverse("annotations:api-tags"),
        },
        "groups": [{"slug": group.slug, "name": group.name} for group in groups],
        "defaultVisibility": f"group:{assignment.assignment.course.group.slug}"
        if assignment is not None
        else None,
        "colours": [{"value": value, "label": label} for value, label in Annotation.Colour.choices],
        "labels": _labels(),
        "live": {
            "url": reverse("reading:live", kwargs={"slug": edition.slug}),
            "etag": live.etag,
            "state": json.loads(live.body)["paragraphs"],
        }
        if live is not None
        else None,
    }


_UUID_SLOT = "00000000-0000-4000-8000-000000000000"


def _labels() -> dict[str, str]:
    """Every string the script shows, translated here so that one catalogue covers the page."""
    return {
        "paragraph": _("Paragraph %s"),
        "highlightName": _("%(motivation)s by %(author)s; Enter opens the note"),
        "showPassage": _("Show passage"),
        "reply": _("Reply"),
        "replyLabel": _("Your reply (Markdown)"),
        "send": _("Send reply"),
        "cancel": _("Cancel"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "deleteConfirm": _("Delete this annotation? Replies to it stay in the thread."),
        "saved": _("Annotation saved."),
        "highlightSaved": _("Highlight saved (only you can see it)."),
        "savedHidden": _("Annotation saved; the filters in use hide it."),
        "replySaved": _("Reply saved."),
        "deleted": _("Annotation deleted."),
        "notShown": _(
            "The annotation in the link is not shown: it is hidden by the filters, "
            "was deleted, or is not visible to you."
        ),
        "networkError": _("The server could not be reached; nothing was saved."),
        "threadsFailed": _("The annotations of this paragraph could not be loaded."),
        "passage_empty": _("Type the words of the passage."),
        "passage_missing": _(
            "These words are not in paragraph %s. Copy them exactly, or leave the field empty "
            "to annotate the whole paragraph."
        ),
        "passage_ambiguous": _(
            "These words occur more than once in paragraph %s; add a few words before or after."
        ),
        "countOne": _("%(count)s annotation on paragraph %(n)s"),
        "countMany": _("%(count)s annotations on paragraph %(n)s"),
        "liveOne": _("A new annotation on paragraph %(n)s."),
        "liveMany": _("%(count)s new annotations on paragraph %(n)s."),
    }
