"""The reading page: the edition's text with the threads its reader may see (fetched per
paragraph by the page's script), the assignment being worked, an instructor's heat map; and a
paragraph's permalink page. Readers without a session share one rendering (`page_cache`)."""

import json
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language

from annotations.forms import ReadingFilterForm
from annotations.reader_cache import per_reader
from annotations.selectors import annotations_by_paragraph, thread_counts
from edition import citation, metadata, selectors
from reading import page_cache
from reading.annotator import annotator_config
from reading.assignments import NO_HEAT, course_heat, instructed_courses, reading_assignment
from reading.facets import reader_facets
from reading.live import live_state


def _metadata_context(request: HttpRequest, edition, paragraph=None) -> dict:
    edition_url = request.build_absolute_uri(edition.get_absolute_url())
    paragraph_url = request.build_absolute_uri(paragraph.get_absolute_url()) if paragraph else ""
    return {
        "canonical_url": paragraph_url or edition_url,
        "highwire_tags": metadata.highwire_tags(edition, url=edition_url),
        "dublin_core_tags": metadata.dublin_core_tags(edition),
        "schema_org": metadata.schema_org(
            edition, url=edition_url, paragraph=paragraph, paragraph_url=paragraph_url
        ),
    }


def _cite_panel(request: HttpRequest, edition, paragraph=None) -> citation.CitePanel:
    return citation.cite_panel(
        edition,
        edition_url=request.build_absolute_uri(edition.get_absolute_url()),
        requested_style=request.GET.get("style"),
        language=get_language(),
        paragraph=paragraph,
        paragraph_url=request.build_absolute_uri(paragraph.get_absolute_url()) if paragraph else "",
    )


def edition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The reading page. Readers without a session share one rendering (`page_cache`)."""
    stamp = getattr(request, "edition_stamp", None)  # `SharedEditionPageMiddleware` asked
    if stamp is None or stamp.slug != slug:
        stamp = selectors.edition_stamp(slug)
    if stamp is None:
        raise Http404(f"No edition {slug!r}")
    if not page_cache.is_shared(request):
        return _reader_page(request, stamp)
    key = page_cache.page_key(request, stamp, get_language())
    page = page_cache.page_get(key) or page_cache.page_store(key, _edition_page(request, stamp))
    return page_cache.page_response(request, page)


def _reader_stamp(request: HttpRequest, stamp: selectors.EditionStamp) -> str | None:
    """A reader's page is kept until what they see of the edition's notes changes (their live
    state, `reading.live`: a note of another course, or a private one, leaves it kept), or the
    text is imported again; not when it shows an assignment or a heat map, whose course data no
    stamp covers."""
    if "assignment" in request.GET or "heatmap" in request.GET:
        return None
    state = request.live_state = live_state(request.user, stamp.slug)
    return None if state is None else f"{selectors.text_version(stamp)}:{state.etag}"


def _edition_page(request: HttpRequest, stamp: selectors.EditionStamp) -> HttpResponse:
    """The text with each paragraph's count of the threads the reader sees; the threads
    themselves are fetched per paragraph by the page's script (`paragraph_threads`), so the
    text's first paint does not wait for them however many there are."""
    text = selectors.edition_text(stamp)
    edition, turns = text.edition, text.turns
    filter_form = ReadingFilterForm(request.GET)
    filters = filter_form.filters()
    live = getattr(request, "live_state", None) or live_state(request.user, stamp.slug)
    if any(filters.values()):
        counts = thread_counts(request.user, edition, **filters)
    else:  # what the live channel counts, the same threads
        by_id = live.threads
        counts = {p.pk: by_id.get(p.public_id, 0) for view in turns for p in view.paragraphs}
    assignment = reading_assignment(request.user, edition, request.GET.get("assignment"))
    heat_courses = instructed_courses(request.user)
    heat_course = next((c for c in heat_courses if c.slug == request.GET.get("heatmap")), None)
    heat = course_heat(heat_course, edition) if heat_course else {}
    for view in turns:
        for paragraph in view.paragraphs:
            paragraph.thread_count = counts.get(paragraph.pk, 0)
            paragraph.in_assignment = assignment is not None and assignment.covers(paragraph)
            paragraph.heat = heat.get(paragraph.pk, NO_HEAT) if heat_course else None
    context = {
        "edition": edition,
        "text_version": selectors.text_version(stamp),
        "turns": turns,
        "matter_emendations": text.matter_emendations,
        "cite": _cite_panel(request, edition),
        "filter_form": filter_form,
        "filters_active": any(filters.values()),
        "threads_query": urlencode({k: v for k, v in filters.items() if v}),
        "facets": reader_facets(request.user, edition, filters),
        "annotator_config": annotator_config(request, edition, assignment=assignment, live=live),
        "reading_assignment": assignment,
        "heat_courses": heat_courses,
        "heat_course": heat_course,
        **_metadata_context(request, edition),
    }
    response = render(request, "reading/edition_detail.html", context)
    container = request.build_absolute_uri(reverse("annotations:w3c-container"))
    response["Link"] = f'<{container}>; rel="http://www.w3.org/ns/oa#annotationService"'
    return response


# The page carries the reader's CSRF token (the editor, the log-out form): kept per CSRF cookie.
_reader_page = per_reader(_reader_stamp, with_csrf=True)(_edition_page)


def paragraph_detail(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    stamp = selectors.edition_stamp(slug)
    if stamp is None:
        raise Http404(f"No edition {slug!r}")
    text = selectors.edition_text(stamp)
    edition = text.edition
    paragraph = selectors.paragraph_get(edition, public_id)
    if paragraph is None:
        raise Http404(f"No paragraph {public_id!r} in {slug!r}")
    previous, following = selectors.paragraph_neighbours(text, paragraph)
    # Before the threads: a note written in between then shows at the first poll.
    live = live_state(request.user, slug, public_id=public_id)
    # Without a script this is where a paragraph's threads are read in full.
    paragraph.threads = annotations_by_paragraph(request.user, edition, paragraph=paragraph).get(
        paragraph.pk, []
    )
    paragraph.thread_count = len(paragraph.threads)
    context = {
        "edition": edition,
        "text_version": selectors.text_version(stamp),
        "paragraph": paragraph,
        "previous": previous,
        "following": following,
        "cite": _cite_panel(request, edition, paragraph),
        "live_url": f"{reverse('reading:live', kwargs={'slug': slug})}?paragraph={public_id}",
        "live_etag": live.etag,
        "live_state": json.dumps(json.loads(live.body)["paragraphs"]),
        **_metadata_context(request, edition, paragraph),
    }
    return render(request, "reading/paragraph_detail.html", context)
