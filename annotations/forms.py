from django import forms
from django.utils.translation import gettext_lazy as _

from annotations.models import BODY_MAX_LENGTH, Annotation


class ParagraphAnnotationForm(forms.Form):
    """The no-JavaScript way to annotate a whole paragraph."""

    motivation = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Annotation.Motivation.COMMENTING, _("Comment")),
            (Annotation.Motivation.QUESTIONING, _("Question")),
        ],
    )
    body = forms.CharField(
        label=_("Note (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=BODY_MAX_LENGTH,
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas.")
    )
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Annotation.Visibility.choices)
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=None, required=False, to_field_name="slug"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = user.annotation_groups.all()

    def tag_list(self) -> list[str]:
        return [tag for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


class ReadingFilterForm(forms.Form):
    """Which threads the reading view shows. Unknown values are ignored, not errors: the page
    must always render, and an old bookmarked filter should still open the text."""

    scope = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All I can see")),
            ("mine", _("Mine")),
            ("groups", _("My groups")),
            ("public", _("Public")),
        ],
    )
    tag = forms.SlugField(label=_("Tag"), required=False, max_length=100)
    author = forms.CharField(label=_("Author"), required=False, max_length=150)

    def filters(self) -> dict[str, str | None]:
        if not self.is_valid():
            return {"scope": None, "tag": None, "author": None}
        return {name: value or None for name, value in self.cleaned_data.items()}
