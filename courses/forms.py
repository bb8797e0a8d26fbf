"""Forms only validate input; the writes happen in `courses.services`."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from annotations.models import TAG_MAX_LENGTH
from courses.models import INSTRUCTIONS_MAX_LENGTH, VOCABULARY_MAX, Assignment, Course
from edition.models import Edition

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=Course._meta.get_field("title").max_length)
    term = forms.CharField(
        label=_("Term"),
        max_length=Course._meta.get_field("term").max_length,
        required=False,
        help_text=_("E.g. “Sommersemester 2025”."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the course reads and how it works; shown to its members."),
    )


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Join code"),
        max_length=32,
        help_text=_("The code your instructor gave you, e.g. “K7QX M3PA”."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class MemberForm(forms.Form):
    """A user named by username: the member to remove, or the co-instructor to add."""

    username = forms.CharField(label=_("Username"), max_length=150)


class HideForm(forms.Form):
    """Why an instructor hides an annotation; its author reads it."""

    reason = forms.CharField(
        label=_("Reason for hiding"),
        max_length=500,
        help_text=_(
            "Its author sees this; nobody else but the course's instructors sees the note."
        ),
    )


class VocabularyForm(forms.Form):
    """One tag per line; the service checks each line against the rules for tags."""

    tags = forms.CharField(
        label=_("Tags, one per line"),
        required=False,
        # Room for every tag at full length, with blank lines and stray spaces.
        max_length=VOCABULARY_MAX * (TAG_MAX_LENGTH + 10),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=format_lazy(
            _(
                "E.g. Methode, These, Begriff, Beispiel, each on its own line. Members are "
                "offered these first when they tag a note. At most {max}."
            ),
            max=VOCABULARY_MAX,
        ),
    )
    tags_binding = forms.BooleanField(
        label=_("Binding: notes shared with the course may carry only these tags"),
        required=False,
        help_text=_(
            "Private and public notes are not affected; notes tagged before keep their tags."
        ),
    )

    def clean_tags(self) -> list[str]:
        return self.cleaned_data["tags"].splitlines()

    @classmethod
    def initial_for(cls, course: Course) -> dict:
        return {"tags": "\n".join(course.tag_vocabulary), "tags_binding": course.tags_binding}


class AssignmentForm(forms.Form):
    """The range is typed as readers cite it ("p12" to "p19"); the service checks it against
    the edition."""

    title = forms.CharField(
        label=_("Title"), max_length=Assignment._meta.get_field("title").max_length
    )
    instructions = forms.CharField(
        label=_("Instructions (Markdown)"),
        required=False,
        max_length=INSTRUCTIONS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What to read for, what to annotate; shown with the reading."),
    )
    edition = forms.ModelChoiceField(
        label=_("Edition"),
        queryset=Edition.objects.order_by("slug"),
        to_field_name="slug",
        empty_label=None,
    )
    start = forms.CharField(
        label=_("From paragraph"),
        required=False,
        max_length=12,
        help_text=_("A paragraph ID such as p12. Leave both empty for the whole edition."),
    )
    end = forms.CharField(
        label=_("To paragraph"),
        required=False,
        max_length=12,
        help_text=_("Such as p19; the range includes it."),
    )
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeLocalInput())
    due_at = forms.DateTimeField(label=_("Due"), widget=DateTimeLocalInput())
    min_annotations = forms.IntegerField(
        label=_("Annotations expected"),
        min_value=0,
        max_value=100,
        initial=3,
        help_text=_("At least this many annotations in the range, by the due date."),
    )
    min_replies = forms.IntegerField(
        label=_("Replies expected"),
        min_value=0,
        max_value=100,
        initial=1,
        help_text=_("At least this many replies to annotations in the range."),
    )

    @classmethod
    def initial_for(cls, assignment: Assignment) -> dict:
        """The form's values for an existing assignment."""
        return {
            "title": assignment.title,
            "instructions": assignment.instructions,
            "edition": assignment.edition,
            "start": getattr(assignment.start_paragraph, "public_id", ""),
            "end": getattr(assignment.end_paragraph, "public_id", ""),
            "opens_at": assignment.opens_at,
            "due_at": assignment.due_at,
            "min_annotations": assignment.min_annotations,
            "min_replies": assignment.min_replies,
        }
