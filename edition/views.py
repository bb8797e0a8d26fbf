"""Reading views: the edition, a paragraph's permalink page, the edition as data."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language

from annotations.selectors import annotations_by_paragraph
from edition import citation, metadata, selectors
from edition.exporting import edition_as_dict, edition_as_text


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


def edition_list(request: HttpRequest) -> HttpResponse:
    return render(request, "edition/edition_list.html", {"editions": selectors.edition_list()})


def edition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    edition = _edition_or_404(slug)
    edition_url = request.build_absolute_uri(edition.get_absolute_url())
    turns = selectors.edition_turns(edition)
    annotations = annotations_by_paragraph(request.user, edition)
    for view in turns:
        for paragraph in view.paragraphs:
            paragraph.visible_annotations = annotations.get(paragraph.pk, [])
    context = {
        "edition": edition,
        "turns": turns,
        "matter_emendations": selectors.edition_matter_emendations(edition),
        "citation": citation.edition_citation(edition, url=edition_url),
        **_metadata_context(request, edition),
    }
    return render(request, "edition/edition_detail.html", context)


def paragraph_detail(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    edition = _edition_or_404(slug)
    paragraph = selectors.paragraph_get(edition, public_id)
    if paragraph is None:
        raise Http404(f"No paragraph {public_id!r} in {slug!r}")
    previous, following = selectors.paragraph_neighbours(paragraph)
    url = request.build_absolute_uri(paragraph.get_absolute_url())
    context = {
        "edition": edition,
        "paragraph": paragraph,
        "previous": previous,
        "following": following,
        "citation": citation.paragraph_citation(paragraph, url=url, language=get_language()),
        "citation_de": citation.paragraph_citation(paragraph, url=url, language="de"),
        "citation_en": citation.paragraph_citation(paragraph, url=url, language="en"),
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
