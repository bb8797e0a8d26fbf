"""Annotation pages for readers."""

from django.http import Http404, HttpRequest, HttpResponseRedirect

from annotations import selectors


def annotation_permalink(request: HttpRequest, uuid) -> HttpResponseRedirect:
    """An annotation's permanent address: the edition at its paragraph, with its thread open."""
    annotation = selectors.annotation_get(request.user, uuid)
    if annotation is None:
        raise Http404("No such annotation")
    paragraph = annotation.paragraph or annotation.root.paragraph
    return HttpResponseRedirect(
        f"{annotation.edition.get_absolute_url()}?annotation={annotation.uuid}#{paragraph.public_id}"
    )
