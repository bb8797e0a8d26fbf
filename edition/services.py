"""Writes to the edition: loading a validated source into the database.

The import is idempotent and conservative: a second run over the same source changes no row; a
corrected text keeps the paragraph's ID and records the old text as a revision; a paragraph that
was ever published is never deleted, only withdrawn, and its ID is never given to another text.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from edition.models import (
    Creator,
    Edition,
    Emendation,
    Matter,
    Paragraph,
    ParagraphRevision,
    Speaker,
    Turn,
)
from edition.signals import edition_imported
from edition.source import EditionSource, EditionSourceError


@dataclass
class ImportReport:
    slug: str
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    revised: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)

    def count(self, bucket: dict[str, int], name: str, n: int = 1) -> None:
        if n:
            bucket[name] = bucket.get(name, 0) + n

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def summary(self) -> str:
        if not self.changed:
            return f"{self.slug}: unchanged"

        def fmt(bucket: dict[str, int]) -> str:
            return ", ".join(f"{n} {name}" for name, n in sorted(bucket.items())) or "nothing"

        lines = [
            f"{self.slug}: created {fmt(self.created)}; updated {fmt(self.updated)}; "
            f"deleted {fmt(self.deleted)}"
        ]
        if self.revised:
            lines.append(f"  corrected text (old text kept): {', '.join(self.revised)}")
        if self.withdrawn:
            lines.append(f"  withdrawn (still resolvable): {', '.join(self.withdrawn)}")
        return "\n".join(lines)


def edition_import(*, source: EditionSource, now: datetime | None = None) -> ImportReport:
    """Load one validated source; everything or nothing (one transaction)."""
    now = now or timezone.now()
    report = ImportReport(slug=source.metadata["slug"])
    with transaction.atomic():
        edition = _sync_edition(source, report)
        _sync_creators(edition, source, report)
        speakers = _sync_speakers(edition, source, report)
        turns = _sync_turns(edition, source, speakers, report)
        paragraphs = _sync_paragraphs(edition, source, speakers, turns, now, report)
        _delete_unused_speakers(edition, source, report)
        matter = _sync_matter(edition, source, report)
        _sync_emendations(edition, source, paragraphs, matter, report)
        edition_imported.send(sender=Edition, edition=edition)
        if report.changed:
            edition.imported_at = now
            edition.source_sha256 = source.sha256
            edition.save(update_fields=["imported_at", "source_sha256"])
    return report


def _assign(instance, values: dict) -> bool:
    """Set changed fields only; True if any changed (so unchanged rows are never written)."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _pk(instance) -> int | None:
    return instance.pk if instance is not None else None


def _sync_edition(source: EditionSource, report: ImportReport) -> Edition:
    values = dict(source.metadata)
    slug = values.pop("slug")
    edition = Edition.objects.select_for_update().filter(slug=slug).first()
    if edition is None:
        edition = Edition(slug=slug, **values)
        _full_clean(edition, source, exclude=["imported_at", "source_sha256"])
        edition.save()
        report.count(report.created, "edition")
    elif _assign(edition, values):
        _full_clean(edition, source)
        edition.save()
        report.count(report.updated, "edition")
    return edition


def _full_clean(edition: Edition, source: EditionSource, exclude: list[str] | None = None) -> None:
    """The model's own checks (the admin makes the same), reported like any other error in
    the source: with the file and the key."""
    try:
        edition.full_clean(exclude=exclude)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        key = "edition" if name == NON_FIELD_ERRORS else f"edition.{name}"
        raise EditionSourceError(f"{source.path or '<source>'}: {key}", messages[0]) from error


def _sync_creators(edition: Edition, source: EditionSource, report: ImportReport) -> None:
    existing = {c.position: c for c in edition.creators.all()}
    for position, values in enumerate(source.creators, start=1):
        creator = existing.pop(position, None)
        if creator is None:
            Creator.objects.create(edition=edition, position=position, **values)
            report.count(report.created, "creators")
        elif _assign(creator, values):
            creator.save()
            report.count(report.updated, "creators")
    for creator in existing.values():
        creator.delete()
        report.count(report.deleted, "creators")


def _sync_speakers(
    edition: Edition, source: EditionSource, report: ImportReport
) -> dict[str, Speaker]:
    existing = {s.key: s for s in edition.speakers.all()}
    for values in source.speakers:
        speaker = existing.get(values["key"])
        if speaker is None:
            existing[values["key"]] = Speaker.objects.create(edition=edition, **values)
            report.count(report.created, "speakers")
        elif _assign(speaker, values):
            speaker.save()
            report.count(report.updated, "speakers")
    return existing


def _delete_unused_speakers(edition: Edition, source: EditionSource, report: ImportReport) -> None:
    keys = {s["key"] for s in source.speakers}
    unused = edition.speakers.exclude(key__in=keys).filter(paragraphs__isnull=True)
    report.count(report.deleted, "speakers", unused.delete()[1].get("edition.Speaker", 0))


def _sync_turns(
    edition: Edition, source: EditionSource, speakers: dict[str, Speaker], report: ImportReport
) -> dict[int, Turn]:
    existing = {t.position: t for t in edition.turns.all()}
    turns = {}
    for source_turn in source.turns:
        values = {
            "speaker_id": speakers[source_turn.speaker_key].pk,
            "printed_label": source_turn.printed_label,
        }
        turn = existing.pop(source_turn.position, None)
        if turn is None:
            turn = Turn.objects.create(edition=edition, position=source_turn.position, **values)
            report.count(report.created, "turns")
        elif _assign(turn, values):
            turn.save()
            report.count(report.updated, "turns")
        turns[source_turn.position] = turn
    for turn in existing.values():
        turn.delete()
        report.count(report.deleted, "turns")
    return turns


def _sync_paragraphs(
    edition: Edition,
    source: EditionSource,
    speakers: dict[str, Speaker],
    turns: dict[int, Turn],
    now: datetime,
    report: ImportReport,
) -> dict[str, Paragraph]:
    existing = {p.public_id: p for p in edition.paragraphs.select_for_update()}
    place = source.path or "<source>"
    for public_id in source.ids:
        known = existing.get(public_id)
        if known is not None and known.is_withdrawn:
            raise EditionSourceError(
                f"{place}: turns ({public_id})",
                f"{public_id} was withdrawn on {known.withdrawn_at:%Y-%m-%d}; "
                "IDs are never reused, give the paragraph a new ID",
            )
    listed = set(source.withdrawn)
    for public_id, paragraph in existing.items():
        if public_id not in source.ids and not paragraph.is_withdrawn and public_id not in listed:
            raise EditionSourceError(
                f"{place}: turns",
                f"published paragraph {public_id} is missing; paragraphs are never deleted — "
                "list it under 'withdrawn:' to withdraw it",
            )
    for position, item in enumerate(source.paragraphs, start=1):
        values = {
            "turn_id": turns[item.turn_position].pk,
            "speaker_id": speakers[item.speaker_key].pk,
            "position": position,
        }
        paragraph = existing.get(item.public_id)
        if paragraph is None:
            existing[item.public_id] = Paragraph.objects.create(
                edition=edition,
                public_id=item.public_id,
                text=item.text,
                published_at=now,
                modified_at=now,
                **values,
            )
            report.count(report.created, "paragraphs")
            continue
        changed = _assign(paragraph, values)
        if paragraph.text != item.text:
            ParagraphRevision.objects.create(
                paragraph=paragraph,
                text=paragraph.text,
                valid_from=paragraph.modified_at,
                superseded_at=now,
            )
            paragraph.text = item.text
            paragraph.modified_at = now
            report.revised.append(item.public_id)
            changed = True
        if changed:
            paragraph.save()
            report.count(report.updated, "paragraphs")
    for public_id in source.withdrawn:
        paragraph = existing.get(public_id)
        if paragraph is not None and not paragraph.is_withdrawn:
            paragraph.status = Paragraph.Status.WITHDRAWN
            paragraph.withdrawn_at = now
            paragraph.turn = None
            paragraph.save()
            report.withdrawn.append(public_id)
            report.count(report.updated, "paragraphs")
    return existing


def _sync_matter(
    edition: Edition, source: EditionSource, report: ImportReport
) -> dict[str, Matter]:
    existing = {m.key: m for m in edition.matter.all()}
    result = {}
    for position, values in enumerate(source.matter, start=1):
        values = {**values, "position": position}
        matter = existing.pop(values["key"], None)
        if matter is None:
            matter = Matter.objects.create(edition=edition, **values)
            report.count(report.created, "matter")
        elif _assign(matter, values):
            matter.save()
            report.count(report.updated, "matter")
        result[matter.key] = matter
    for matter in existing.values():
        matter.delete()
        report.count(report.deleted, "matter")
    return result


def _sync_emendations(
    edition: Edition,
    source: EditionSource,
    paragraphs: dict[str, Paragraph],
    matter: dict[str, Matter],
    report: ImportReport,
) -> None:
    existing = {e.position: e for e in edition.emendations.all()}
    for position, item in enumerate(source.emendations, start=1):
        values = {
            "locus": item["locus"],
            "paragraph_id": _pk(paragraphs.get(item["locus"])),
            "matter_id": _pk(matter.get(item["locus"])),
            "kind": item["kind"],
            "source_reading": item["source"],
            "edition_reading": item["edition"],
            "reason": item["reason"],
        }
        emendation = existing.pop(position, None)
        if emendation is None:
            Emendation.objects.create(edition=edition, position=position, **values)
            report.count(report.created, "emendations")
        elif _assign(emendation, values):
            emendation.save()
            report.count(report.updated, "emendations")
    for emendation in existing.values():
        emendation.delete()
        report.count(report.deleted, "emendations")
