"""An assignment as CSV for its instructors: one file with a row per student, one with a row
per annotation or reply. Both open cleanly in a spreadsheet: UTF-8 with a byte order mark (so
Excel reads umlauts as such), quoted as the csv module quotes, and no cell a spreadsheet would
run as a formula (the cells of `annotations.exporting`, which a reader's own export uses too)."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from accounts.models import display_name_for
from annotations.exporting import CSV_CONTENT_TYPE, csv_cell, csv_text  # noqa: F401 - csv_cell
from annotations.models import Annotation
from courses.models import Assignment, Membership

CONTENT_TYPE = CSV_CONTENT_TYPE


def csv_filename(assignment: Assignment, kind: str) -> str:
    """E.g. `bildtheorie-sose-25-7-students.csv`; course slugs are ASCII, so the name needs no
    encoding in the Content-Disposition header."""
    return f"{assignment.course.slug}-{assignment.pk}-{kind}.csv"


def students_csv(assignment: Assignment, students: Iterable[Membership]) -> str:
    """A row per student, from `courses.selectors.assignment_progress`."""
    header = [
        _("username"),
        _("display name"),
        _("annotations in range"),
        _("replies in range"),
        _("expected annotations"),
        _("expected replies"),
        _("after the due date"),
        _("status"),
        _("first activity"),
        _("last activity"),
    ]
    rows = (
        [
            membership.user.get_username(),
            display_name_for(membership.user),
            membership.progress.annotations,
            membership.progress.replies,
            assignment.min_annotations,
            assignment.min_replies,
            membership.progress.late_work,
            str(membership.progress.status_label),
            membership.first_activity,
            membership.last_activity,
        ]
        for membership in students
    )
    return csv_text(header, rows)


def annotations_csv(annotations: Iterable[Annotation], *, base_url: str) -> str:
    """A row per annotation or reply, from `courses.selectors.assignment_work`. A reply names
    its thread's paragraph and links to what it answers; one an instructor hid gives the
    reason. `base_url` (scheme and host) makes the links absolute."""
    header = [
        _("author"),
        _("author name"),
        _("paragraph"),
        _("quote"),
        _("body"),
        _("tags"),
        _("motivation"),
        _("visibility"),
        _("created"),
        _("modified"),
        _("permalink"),
        _("reply to"),
        _("hidden by an instructor"),
    ]
    rows = (
        [
            annotation.author.get_username() if annotation.author else "",
            display_name_for(annotation.author) if annotation.author else "",
            (annotation.paragraph or annotation.root.paragraph).public_id,
            annotation.quote_exact,
            annotation.body,
            "; ".join(sorted((tag.name for tag in annotation.tags.all()), key=str.casefold)),
            annotation.motivation,
            annotation.visibility,
            annotation.created,
            annotation.modified,
            base_url + annotation.get_absolute_url(),
            base_url + annotation.parent.get_absolute_url() if annotation.parent_id else "",
            annotation.hidden_reason if annotation.hidden_at else "",
        ]
        for annotation in annotations
    )
    return csv_text(header, rows)
