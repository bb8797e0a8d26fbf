"""Reading views: the edition, a paragraph's permalink page, the edition as data (JSON, text,
TEI), and the edition's citation record as BibTeX, RIS and CSL-JSON downloads."""

import hashlib
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language

from annotations.forms import ReadingFilterForm
from annotations.reader_cache import per_reader
from annotations.reading import annotator_config
from annotations.selectors import annotation_facets, annotations_by_paragraph, thread_counts
from courses.reading import NO_HEAT, course_heat, instructed_courses, reading_assignment
from edition import citation, citation_exports, csl, metadata, page_cache, selectors
from edition.exporting import edition_as_dict, edition_as_text
from edition.tei import TEI_MEDIA_TYPE, edition_as_tei


def _edition_or_404(slug: str, *, for_export: bool = False):
    edition = (selectors.edition_for_export if for_export else selectors.edition_get)(slug)
    if edition is None:
        raise Http404(f"No edition {slug!r}")
    return edition


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


def edition_list(request: HttpRequest) -> HttpResponse:
    return render(request, "edition/edition_list.html", {"editions": selectors.edition_list()})


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
    """A reader's page is kept until the edition's annotations change; not when it shows an
    assignment or a heat map, whose course data no stamp covers."""
    if "assignment" in request.GET or "heatmap" in request.GET:
        return None
    return selectors.stamp_text(stamp)


FACETS_CACHE_SECONDS = 300


def reader_facets(user, stamp: selectors.EditionStamp, edition, filters: dict) -> dict:
    """The filters' tags and authors for this reader, counted over all their visible notes:
    kept in the cache until a note of the edition changes (the stamp) or the reader's groups
    do, and for five minutes at most (a new instructor role in a course, which shows notes an
    instructor hid, waits that long)."""
    groups = sorted(user.annotation_groups.values_list("pk", flat=True)) if user.pk else []
    parts = (user.pk, groups, stamp.pk, stamp.annotations_changed_at, sorted(filters.items()))
    key = "facets:1:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    facets = cache.get(key)
    if facets is None:
        facets = annotation_facets(user, edition, tag=filters["tag"], author=filters["author"])
        cache.set(key, facets, FACETS_CACHE_SECONDS)
    return facets


def _edition_page(request: HttpRequest, stamp: selectors.EditionStamp) -> HttpResponse:
    """The text with each paragraph's count of the threads the reader sees; the threads
    themselves are fetched per paragraph by the page's script (`paragraph_threads`), so the
    text's first paint does not wait for them however many there are."""
    text = selectors.edition_text(stamp)
    edition, turns = text.edition, text.turns
    filter_form = ReadingFilterForm(request.GET)
    filters = filter_form.filters()
    counts = thread_counts(request.user, edition, **filters)
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
        "facets": reader_facets(request.user, stamp, edition, filters),
        "annotator_config": annotator_config(request, edition, assignment=assignment),
        "reading_assignment": assignment,
        "heat_courses": heat_courses,
        "heat_course": heat_course,
        **_metadata_context(request, edition),
    }
    response = render(request, "edition/edition_detail.html", context)
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
        **_metadata_context(request, edition, paragraph),
    }
    return render(request, "edition/paragraph_detail.html", context)


def edition_json(request: HttpRequest, slug: str) -> JsonResponse:
    edition = _edition_or_404(slug, for_export=True)
    base_url = request.build_absolute_uri("/").rstrip("/")
    response = JsonResponse(
        edition_as_dict(edition, base_url=base_url),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = f'inline; filename="{edition.slug}.json"'
    return response


def edition_text(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition_or_404(slug, for_export=True)
    response = HttpResponse(edition_as_text(edition), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{edition.slug}.txt"'
    return response


def edition_tei(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition_or_404(slug, for_export=True)
    base_url = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(
        edition_as_tei(edition, base_url=base_url),
        content_type=f"{TEI_MEDIA_TYPE}; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{edition.slug}.tei.xml"'
    return response


def _citation_download(request: HttpRequest, slug: str, *, write, media_type: str, extension: str):
    edition = _edition_or_404(slug)
    record = csl.edition_record(edition, url=request.build_absolute_uri(edition.get_absolute_url()))
    response = HttpResponse(write(record), content_type=f"{media_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{edition.slug}.{extension}"'
    return response


def cite_bibtex(request: HttpRequest, slug: str) -> HttpResponse:
    return _citation_download(
        request,
        slug,
        write=citation_exports.bibtex,
        media_type=citation_exports.BIBTEX_MEDIA_TYPE,
        extension="bib",
    )


def cite_ris(request: HttpRequest, slug: str) -> HttpResponse:
    return _citation_download(
        request,
        slug,
        write=citation_exports.ris,
        media_type=citation_exports.RIS_MEDIA_TYPE,
        extension="ris",
    )


def cite_csl(request: HttpRequest, slug: str) -> HttpResponse:
    return _citation_download(
        request,
        slug,
        write=citation_exports.csl_json,
        media_type=citation_exports.CSL_JSON_MEDIA_TYPE,
        extension="json",
    )
