"""The edition as data: JSON in the shape of the source format (so it can be imported again),
and the plain reading text."""

import json

from edition.models import Edition, Paragraph
from edition.source import FORMAT_VERSION, OPTIONAL_METADATA, REQUIRED_METADATA


def edition_as_dict(edition: Edition, *, base_url: str = "") -> dict:
    """Everything about the edition; expects `selectors.edition_for_export`'s prefetches."""
    metadata = {
        key: getattr(edition, key)
        for key in REQUIRED_METADATA + OPTIONAL_METADATA
        if key not in ("creators",)
    }
    metadata["creators"] = [
        {"family": c.family, "given": c.given, "role": c.role} for c in edition.creators.all()
    ]
    paragraphs = list(edition.paragraphs.all())
    by_turn: dict[int, list] = {}
    for paragraph in paragraphs:
        if not paragraph.is_withdrawn:
            by_turn.setdefault(paragraph.turn_id, []).append(paragraph)
    turns = [
        {
            "speaker": turn.speaker.key,
            "printed_label": turn.printed_label,
            "paragraphs": [_paragraph(p, base_url) for p in by_turn.get(turn.pk, [])],
        }
        for turn in edition.turns.all()
    ]
    return {
        "format": FORMAT_VERSION,
        "url": base_url + edition.get_absolute_url(),
        "edition": metadata,
        "speakers": [
            {"key": s.key, "label": s.label, "name": s.name, "role": s.role}
            for s in edition.speakers.all()
        ],
        "turns": [turn for turn in turns if turn["paragraphs"]],
        "withdrawn": [p.public_id for p in paragraphs if p.is_withdrawn],
        "withdrawn_paragraphs": [_paragraph(p, base_url) for p in paragraphs if p.is_withdrawn],
        "matter": [
            {"key": m.key, "placement": m.placement, "heading": m.heading, "text": m.text}
            for m in edition.matter.all()
        ],
        "emendations": [
            {
                "locus": e.locus,
                "kind": e.kind,
                "source": e.source_reading,
                "edition": e.edition_reading,
                "reason": e.reason,
            }
            for e in edition.emendations.all()
        ],
    }


def _paragraph(paragraph, base_url: str) -> dict:
    data = {
        "id": paragraph.public_id,
        "text": paragraph.text,
        "url": base_url + paragraph.get_absolute_url(),
        "published": paragraph.published_at.isoformat(),
        "modified": paragraph.modified_at.isoformat(),
    }
    if paragraph.is_withdrawn:
        data["withdrawn"] = paragraph.withdrawn_at.isoformat()
    history = [
        {
            "text": r.text,
            "valid_from": r.valid_from.isoformat(),
            "superseded": r.superseded_at.isoformat(),
        }
        for r in paragraph.revisions.all()
    ]
    if history:
        data["history"] = history
    return data


def edition_as_json(edition: Edition, *, base_url: str = "") -> str:
    return (
        json.dumps(edition_as_dict(edition, base_url=base_url), ensure_ascii=False, indent=2) + "\n"
    )


def edition_text_lines(edition: Edition, paragraphs=None) -> list[tuple[Paragraph, str]]:
    """Each published paragraph (of `paragraphs`, in reading order, if given) with the head of
    its line in the reading text: ID, tab, speaker label, colon, space. Character positions in
    `edition.txt` count from these lines, each ended by a newline."""
    labels = {s.pk: s.label for s in edition.speakers.all()}
    if paragraphs is None:
        paragraphs = edition.paragraphs.all()
    return [
        (p, f"{p.public_id}\t{labels[p.speaker_id]}: ") for p in paragraphs if not p.is_withdrawn
    ]


def edition_as_text(edition: Edition) -> str:
    """One published paragraph per line: ID, tab, speaker label, colon, space, text."""
    lines = [head + paragraph.text for paragraph, head in edition_text_lines(edition)]
    return "\n".join(lines) + "\n"
