"""An annotation's "Cite" page: its citation in the style the reader chooses."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from annotations import citation, selectors


def annotation_cite(request: HttpRequest, uuid) -> HttpResponse:
    """404 for an annotation the reader may not see, and for a deleted one: its placeholder
    keeps a thread readable, but nothing of it is left to cite."""
    annotation = selectors.annotation_get(request.user, uuid)
    if annotation is None or annotation.is_deleted:
        raise Http404("No such annotation")
    panel = citation.annotation_cite_panel(
        annotation,
        url=request.build_absolute_uri(annotation.get_absolute_url()),
        requested_style=request.GET.get("style"),
        language=get_language(),
    )
    context = {"annotation": annotation, "cite": panel, "edition": annotation.edition}
    return render(request, "annotations/annotation_cite.html", context)
