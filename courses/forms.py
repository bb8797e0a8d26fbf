"""Forms only validate input; the writes happen in `courses.services`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Course


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
