"""Server-rendered pieces the reading page's script inserts after a save, so that a thread is
rendered by one template whether the page was loaded or just changed."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from annotations import selectors


def thread_fragment(request: HttpRequest, uuid) -> HttpResponse:
    """A thread (`<li>`) as on the edition page; any annotation of the thread finds it."""
    annotation = selectors.annotation_get(request.user, uuid)
    if annotation is None:
        raise Http404("No such annotation")
    thread = selectors.thread_for_reading(request.user, annotation.root or annotation)
    if thread is None:
        raise Http404("No such annotation")
    return render(request, "includes/annotation_thread.html", {"a": thread})
