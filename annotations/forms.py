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
