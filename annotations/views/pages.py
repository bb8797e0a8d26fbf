"""Annotation pages for readers."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import render

from annotations import selectors, services
from annotations.forms import ParagraphAnnotationForm
from annotations.services import AnnotationError
from edition.models import Paragraph


def annotation_permalink(request: HttpRequest, uuid) -> HttpResponseRedirect:
    """An annotation's permanent address: the edition at its paragraph, with its thread open."""
    annotation = selectors.annotation_get(request.user, uuid)
    if annotation is None:
        raise Http404("No such annotation")
    paragraph = annotation.paragraph or annotation.root.paragraph
    return HttpResponseRedirect(
        f"{annotation.edition.get_absolute_url()}?annotation={annotation.uuid}#{paragraph.public_id}"
    )


@login_required
def annotation_new(request: HttpRequest):
    """A plain form to annotate one paragraph as a whole (works without JavaScript)."""
    paragraph = (
        Paragraph.objects.published()
        .select_related("edition")
        .filter(edition__slug=request.GET.get("edition"), public_id=request.GET.get("paragraph"))
        .first()
    )
    if paragraph is None:
        raise Http404("No such paragraph")
    form = ParagraphAnnotationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            annotation = services.annotation_create(
                user=request.user,
                paragraph=paragraph,
                motivation=form.cleaned_data["motivation"],
                body=form.cleaned_data["body"],
                tags=form.tag_list(),
                visibility=form.cleaned_data["visibility"],
                group=form.cleaned_data["group"],
            )
        except AnnotationError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            return HttpResponseRedirect(
                f"{paragraph.edition.get_absolute_url()}#annotation-{annotation.uuid}"
            )
    return render(
        request, "annotations/annotation_new.html", {"form": form, "paragraph": paragraph}
    )
