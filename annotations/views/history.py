"""An annotation's edit history, for its author and moderators."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from annotations import selectors
from annotations.history import annotation_versions


def annotation_history(request: HttpRequest, uuid) -> HttpResponse:
    """Others get the same 404 as for an annotation that does not exist."""
    annotation = selectors.annotation_get(request.user, uuid)
    if annotation is None or not selectors.can_see_history(request.user, annotation):
        raise Http404("No such annotation")
    return render(
        request,
        "annotations/annotation_history.html",
        {"annotation": annotation, "versions": annotation_versions(annotation)},
    )
