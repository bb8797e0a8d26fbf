"""The edition as a text: the list of editions, the edition as data (JSON, text, TEI), and its
citation record as BibTeX, RIS and CSL-JSON downloads. The reading page itself is the `reading`
app's."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from edition import citation_exports, csl, selectors
from edition.exporting import edition_as_dict, edition_as_text
from edition.tei import TEI_MEDIA_TYPE, edition_as_tei


def _edition_or_404(slug: str, *, for_export: bool = False):
    edition = (selectors.edition_for_export if for_export else selectors.edition_get)(slug)
    if edition is None:
        raise Http404(f"No edition {slug!r}")
    return edition


def edition_list(request: HttpRequest) -> HttpResponse:
    return render(request, "edition/edition_list.html", {"editions": selectors.edition_list()})


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
