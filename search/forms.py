import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from annotations.models import Annotation
from courses.selectors import courses_for_user
from edition.models import Paragraph
from search.query import ParsedQuery, parse_query
from search.selectors import Kind, SearchFilters

PARAGRAPH_ID = re.compile(r"^(?:p|¶\s*)?([1-9][0-9]{0,5})$", re.IGNORECASE)
QUERY_MAX_LENGTH = 200


class ParagraphIdField(forms.CharField):
    """A paragraph ID as cited: "p12"; "12" and "¶ 12" are read the same way."""

    default_error_messages = {
        "invalid": _("A paragraph is given by its ID, like p12."),
    }

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=12, **kwargs)

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return ""
        match = PARAGRAPH_ID.match(value)
        if match is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return f"p{match.group(1)}"


class SearchForm(forms.Form):
    """The search page's query and filters. Every filter value is checked: a bad one is a form
    error shown on the page, never a failure; the query itself can never be wrong (see
    search.query), only empty of words to look for."""

    q = forms.CharField(label=_("Search for"), required=False, max_length=QUERY_MAX_LENGTH)
    kind = forms.ChoiceField(
        label=_("Look in"),
        required=False,
        choices=[
            (Kind.ALL, _("The text and annotations")),
            (Kind.TEXT, _("The text only")),
            (Kind.ANNOTATIONS, _("Annotations only")),
        ],
    )
    edition = forms.SlugField(required=False, max_length=80, widget=forms.HiddenInput)
    from_paragraph = ParagraphIdField(label=_("From paragraph"))
    to_paragraph = ParagraphIdField(label=_("To paragraph"))
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)
    author = forms.CharField(label=_("Author (username)"), required=False, max_length=150)
    course = forms.ModelChoiceField(
        label=_("Shared with course"),
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label=_("Any audience"),
        error_messages={"invalid_choice": _("Choose one of your courses.")},
    )
    motivation = forms.ChoiceField(
        label=_("Kind of annotation"),
        required=False,
        choices=[("", _("Any kind"))]
        + [
            (value, label)
            for value, label in Annotation.Motivation.choices
            if value != Annotation.Motivation.HIGHLIGHTING
        ]
        + [(Annotation.Motivation.HIGHLIGHTING, _("Highlight"))],
    )
    from_date = forms.DateField(
        label=_("Written from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    to_date = forms.DateField(
        label=_("Written until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    ANNOTATION_FILTERS = ("tag", "author", "course", "motivation", "from_date", "to_date")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["course"].queryset = courses_for_user(user)
        self._range: tuple[Paragraph | None, Paragraph | None] = (None, None)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("from_date"), cleaned.get("to_date")
        if since and until and since > until:
            self.add_error("to_date", _("The end date is before the start date."))
        if cleaned.get("kind") == Kind.TEXT:
            used = [name for name in self.ANNOTATION_FILTERS if cleaned.get(name)]
            if used:
                self.add_error(
                    "kind",
                    _(
                        "Tags, authors, courses, kinds and dates belong to annotations, not to "
                        "the text: look in annotations, or remove those filters."
                    ),
                )
        self._clean_range(cleaned)
        return cleaned

    def _clean_range(self, cleaned: dict) -> None:
        first_id, last_id = cleaned.get("from_paragraph"), cleaned.get("to_paragraph")
        if not (first_id or last_id):
            return
        paragraphs = Paragraph.objects.filter(
            public_id__in=[pid for pid in (first_id, last_id) if pid]
        ).select_related("edition")
        if cleaned.get("edition"):
            paragraphs = paragraphs.filter(edition__slug=cleaned["edition"])
        by_id: dict[str, list[Paragraph]] = {}
        for paragraph in paragraphs:
            by_id.setdefault(paragraph.public_id, []).append(paragraph)
        found = {}
        for field, public_id in (("from_paragraph", first_id), ("to_paragraph", last_id)):
            if not public_id:
                continue
            matches = by_id.get(public_id, [])
            if not matches:
                self.add_error(field, _("There is no paragraph %(id)s.") % {"id": public_id})
            elif len({paragraph.edition_id for paragraph in matches}) > 1:
                self.add_error(
                    field, _("Several editions have a %(id)s: choose one.") % {"id": public_id}
                )
            else:
                found[field] = matches[0]
        first, last = found.get("from_paragraph"), found.get("to_paragraph")
        if first and last:
            if first.edition_id != last.edition_id:
                self.add_error("to_paragraph", _("Both paragraphs must be in one edition."))
            elif first.position > last.position:
                self.add_error(
                    "to_paragraph",
                    _("%(last)s comes before %(first)s in the text.")
                    % {"first": first.public_id, "last": last.public_id},
                )
        self._range = (first, last)

    def parsed_query(self) -> ParsedQuery:
        return parse_query(self.cleaned_data.get("q", "") if self.is_valid() else "")

    def filters(self) -> SearchFilters:
        """What to narrow the results to; only for a valid form."""
        data = self.cleaned_data
        first, last = self._range
        course = data.get("course")
        return SearchFilters(
            kind=data.get("kind") or Kind.ALL,
            edition_slug=(first or last).edition.slug if (first or last) else data["edition"],
            first_position=first.position if first else None,
            last_position=last.position if last else None,
            tag=data.get("tag", "").strip(),
            author=data.get("author", "").strip(),
            group_id=course.group_id if course else None,
            motivation=data.get("motivation") or "",
            since=_start_of(data.get("from_date")),
            until=_start_of(data.get("to_date"), days_after=1),
        )

    @property
    def has_filters(self) -> bool:
        return self.is_bound and any(
            self.data.get(name)
            for name in ("kind", "from_paragraph", "to_paragraph", *self.ANNOTATION_FILTERS)
            if self.data.get(name) != Kind.ALL
        )


def _start_of(day: datetime.date | None, *, days_after: int = 0) -> datetime.datetime | None:
    """The start of the day in the site's time zone (the reader's calendar day)."""
    if day is None:
        return None
    day += datetime.timedelta(days=days_after)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
