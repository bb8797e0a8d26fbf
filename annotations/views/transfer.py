"""A reader's annotations out (JSON-LD, CSV, Markdown downloads) and in (the import page)."""

import json

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.models import display_name_for
from annotations import exporting, importing, selectors
from annotations.importing import ImportFileError


def download(content: str, *, content_type: str, filename: str) -> HttpResponse:
    """A file to save: `filename` is ASCII (see `exporting.export_filename`)."""
    response = HttpResponse(content.encode(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def base_url_of(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").removesuffix("/")


def _mine(request: HttpRequest):
    """What "My annotations" lists (`?tag=` narrows it the same way)."""
    return selectors.annotations_of_reader(request.user, tag=request.GET.get("tag") or None)


@login_required
def my_annotations_jsonld(request: HttpRequest) -> HttpResponse:
    """The reader's annotations and replies as one W3C AnnotationCollection, to keep or to
    import elsewhere (and here again: the import page reads it)."""
    base_url = base_url_of(request)
    data = exporting.annotation_collection(
        _mine(request),
        collection_id=base_url + reverse("annotations:my-annotations-jsonld"),
        label=_("Annotations by %(name)s") % {"name": display_name_for(request.user)},
        base_url=base_url,
    )
    return download(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type=exporting.JSONLD_CONTENT_TYPE,
        filename=exporting.export_filename("my-annotations", "jsonld"),
    )


@login_required
def my_annotations_csv(request: HttpRequest) -> HttpResponse:
    content = exporting.my_annotations_csv(_mine(request), base_url=base_url_of(request))
    return download(
        content,
        content_type=exporting.CSV_CONTENT_TYPE,
        filename=exporting.export_filename("my-annotations", "csv"),
    )


@login_required
def my_annotations_markdown(request: HttpRequest) -> HttpResponse:
    """For writing a paper: quotes, notes and a citation line per note, in reading order."""
    content = exporting.my_annotations_markdown(
        _mine(request), user=request.user, base_url=base_url_of(request)
    )
    return download(
        content,
        content_type=exporting.MARKDOWN_CONTENT_TYPE,
        filename=exporting.export_filename("my-annotations", "md"),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=format_lazy(
            gettext_lazy(
                "W3C Web Annotation JSON-LD (as exported here) or a Hypothesis export (JSON), "
                "at most {size} MiB and {items} annotations."
            ),
            size=importing.MAX_BYTES // (1024 * 1024),
            items=importing.MAX_ITEMS,
        ),
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who sees the imported notes"),
        choices=[
            (importing.PRIVATE, gettext_lazy("Only me")),
            (importing.PUBLIC, gettext_lazy("Everyone (public)")),
            (importing.AS_IN_FILE, gettext_lazy("As the file says (otherwise only me)")),
        ],
        initial=importing.PRIVATE,
        widget=forms.RadioSelect,
    )
    partial = forms.BooleanField(
        label=gettext_lazy("Import what can be placed and list the rest"),
        help_text=gettext_lazy(
            "Without this, one problem in the file and nothing is imported; the list of "
            "problems is shown either way."
        ),
        required=False,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def annotation_import(request: HttpRequest) -> HttpResponse:
    """Upload a file of annotations; they become the reader's own. "Check" runs the import and
    throws it away, to see the report first."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report, file_refusal, status = None, "", 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > importing.MAX_BYTES:
                raise ImportFileError(
                    _("The file is larger than %(size)s MiB; split it.")
                    % {"size": importing.MAX_BYTES // (1024 * 1024)},
                    status=413,
                )
            report = importing.annotations_import(
                user=request.user,
                content=upload.read(),
                partial=form.cleaned_data["partial"],
                dry_run="check" in request.POST,
                visibility=form.cleaned_data["visibility"],
            )
        except ImportFileError as error:
            file_refusal, status = error.message, error.status
        else:
            status = 400 if report.problems and not (report.imported and report.partial) else 200
    elif request.method == "POST":
        status = 400
    context = {"form": form, "report": report, "file_refusal": file_refusal}
    return render(request, "annotations/import.html", context, status=status)
