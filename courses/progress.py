"""How far a student is with an assignment: the counts and the rule that turns them into a
status. The counts come from `courses.selectors`; this module only decides.

What counts: the student's own live annotations in the assignment's range and their replies to
threads in it, shared with the course or public (a private note is the student's own business
and the instructor could not read it), made between the opening and now. Work made by the due
date is on time.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NOT_STARTED = "not-started", _("not started")
    IN_PROGRESS = "in-progress", _("in progress")
    DONE = "done", _("done")
    LATE = "late", _("late")


@dataclass(frozen=True)
class Progress:
    annotations: int
    replies: int
    annotations_on_time: int
    replies_on_time: int
    expected_annotations: int
    expected_replies: int
    due_at: datetime
    now: datetime

    @property
    def done_on_time(self) -> bool:
        return (
            self.annotations_on_time >= self.expected_annotations
            and self.replies_on_time >= self.expected_replies
        )

    @property
    def late_work(self) -> int:
        """Annotations and replies made after the due date."""
        return self.annotations + self.replies - self.annotations_on_time - self.replies_on_time

    @property
    def status(self) -> Status:
        """Done: the expectation met by the due date. Late: the due date passed without that,
        whether or not the work was finished afterwards."""
        if self.done_on_time:
            return Status.DONE
        if self.now > self.due_at:
            return Status.LATE
        if self.annotations or self.replies:
            return Status.IN_PROGRESS
        return Status.NOT_STARTED

    @property
    def status_label(self) -> str:
        return self.status.label
