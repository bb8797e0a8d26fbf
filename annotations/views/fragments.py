"""Server-rendered pieces of the reading page that its script fetches: a paragraph's threads,
loaded when the paragraph comes into view, and one thread after a save. A thread is rendered by
one template whether it came with a page or was just changed."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from annotations import selectors
from annotations.forms import ReadingFilterForm
from annotations.reader_cache import per_reader, reader_paragraph_stamp
from annotations.thread_cache import paragraph_threads_html
from edition import selectors as edition_selectors


@require_safe
def thread_fragment(request: HttpRequest, uuid) -> HttpResponse:
    """A thread (`<li>`) as on the edition page; any annotation of the thread finds it."""
    annotation = selectors.annotation_get(request.user, uuid)
    if annotation is None:
        raise Http404("No such annotation")
    thread = selectors.thread_for_reading(request.user, annotation.root or annotation)
    if thread is None:
        raise Http404("No such annotation")
    return render(request, "includes/annotation_thread.html", {"a": thread})


@require_safe
@per_reader(lambda request, slug, public_id: reader_paragraph_stamp(request.user, slug, public_id))
def paragraph_threads(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    """The threads the reader sees on one paragraph (`<li>` items in reading order), filtered
    as the page is (`?scope=&tag=&author=`). A fixed number of queries however many there are
    on the paragraph or in the edition. Kept per reader until a note they saw or see on this
    paragraph changes (`reader_paragraph_stamp`): a note elsewhere, or of another course, leaves
    it kept. Unfiltered, each thread is rendered once per state and shared by the readers who see
    it so (`thread_cache`)."""
    paragraph = edition_selectors.paragraph_by_ids(slug, public_id)
    if paragraph is None:
        raise Http404(f"No paragraph {public_id!r} in {slug!r}")
    filters = ReadingFilterForm(request.GET).filters()
    html = None if any(filters.values()) else paragraph_threads_html(request, paragraph)
    if html is not None:
        response = HttpResponse(html)
    else:
        threads = selectors.annotations_by_paragraph(
            request.user, paragraph.edition, paragraph=paragraph, **filters
        ).get(paragraph.pk, [])
        response = render(request, "includes/annotation_threads.html", {"threads": threads})
    response["Cache-Control"] = "private, no-cache"
    return response
