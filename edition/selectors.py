"""Reads of the edition, prepared so that a page costs a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Prefetch

from edition.models import Edition, Emendation, Paragraph, Turn


@dataclass(frozen=True)
class TurnView:
    turn: Turn
    paragraphs: list[Paragraph]


def edition_get(slug: str) -> Edition | None:
    return (
        Edition.objects.filter(slug=slug).prefetch_related("creators", "speakers", "matter").first()
    )


def edition_list() -> list[Edition]:
    return list(Edition.objects.prefetch_related("creators"))


def _published_paragraphs():
    return (
        Paragraph.objects.published()
        .select_related("speaker")
        .prefetch_related(Prefetch("emendations", Emendation.objects.order_by("position")))
        .order_by("position")
    )


def edition_turns(edition: Edition) -> list[TurnView]:
    """The conversation in reading order: each turn with its published paragraphs."""
    turns = {t.pk: TurnView(t, []) for t in edition.turns.select_related("speaker")}
    for paragraph in _published_paragraphs().filter(edition=edition):
        paragraph.edition = edition  # permalinks need the slug; no query per paragraph
        turns[paragraph.turn_id].paragraphs.append(paragraph)
    return [view for view in turns.values() if view.paragraphs]


def edition_matter_emendations(edition: Edition) -> list[Emendation]:
    return list(edition.emendations.filter(matter__isnull=False).select_related("matter"))


def paragraph_get(edition: Edition, public_id: str) -> Paragraph | None:
    """A paragraph by its public ID, withdrawn ones included (their permalinks still resolve)."""
    paragraph = (
        edition.paragraphs.filter(public_id=public_id)
        .select_related("speaker", "turn")
        .prefetch_related("revisions", "emendations")
        .first()
    )
    if paragraph is not None:
        paragraph.edition = edition
    return paragraph


def paragraph_neighbours(paragraph: Paragraph) -> tuple[Paragraph | None, Paragraph | None]:
    siblings = Paragraph.objects.published().filter(edition_id=paragraph.edition_id)
    previous = siblings.filter(position__lt=paragraph.position).order_by("-position").first()
    following = siblings.filter(position__gt=paragraph.position).order_by("position").first()
    for neighbour in (previous, following):
        if neighbour is not None:
            neighbour.edition = paragraph.edition
    return previous, following


def edition_for_export(slug: str) -> Edition | None:
    return (
        Edition.objects.filter(slug=slug)
        .prefetch_related(
            "creators",
            "speakers",
            "matter",
            Prefetch("turns", Turn.objects.select_related("speaker")),
            Prefetch(
                "paragraphs",
                Paragraph.objects.order_by("position").prefetch_related("revisions"),
            ),
            Prefetch("emendations", Emendation.objects.order_by("position")),
        )
        .first()
    )
