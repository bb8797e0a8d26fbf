"""An assignment as CSV for its instructors: one file with a row per student, one with a row
per annotation or reply. Both open cleanly in a spreadsheet: UTF-8 with a byte order mark (so
Excel reads umlauts as such), quoted as the csv module quotes, and no cell a spreadsheet would
run as a formula."""

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import display_name_for
from annotations.models import Annotation
from courses.models import Assignment, Membership

CONTENT_TYPE = "text/csv; charset=utf-8"
BYTE_ORDER_MARK = "\ufeff"
# OWASP, "CSV Injection": a cell starting with one of these may be run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str | int:
    """Numbers stay numbers; text that a spreadsheet could take for a formula gets a leading
    apostrophe, which spreadsheets show as text and do not evaluate."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return iso_datetime(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def iso_datetime(value: datetime | None) -> str:
    """ISO 8601 in the site's time zone, to the second, with its offset."""
    if value is None:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


def _csv(header: list[str], rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(name) for name in header])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


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
    return _csv(header, rows)


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
    return _csv(header, rows)
