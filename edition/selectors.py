"""Reads of the edition, prepared so that a page costs a fixed number of queries."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
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


@dataclass(frozen=True)
class EditionStamp:
    """What says whether an edition's cached renderings are current: its last import, and the
    last change to its annotations (`annotations.changes`)."""

    pk: int
    slug: str
    imported_at: object
    annotations_changed_at: object


@dataclass(frozen=True)
class EditionText:
    """Everything of the edition the reading page shows that only an import changes."""

    edition: Edition
    turns: list[TurnView]
    matter_emendations: list[Emendation]


TEXT_CACHE_SECONDS = 24 * 60 * 60


def edition_stamp(slug: str) -> EditionStamp | None:
    """One indexed query, written out in SQL: on the page every anonymous reader gets, the ORM's
    compiling of it cost ten times the query itself."""
    table = connection.ops.quote_name(Edition._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, imported_at, annotations_changed_at FROM {table} WHERE slug = %s",  # noqa: S608
            [slug],
        )
        row = cursor.fetchone()
    return None if row is None else EditionStamp(row[0], slug, row[1], row[2])


def stamp_text(stamp: EditionStamp | None) -> str | None:
    """The stamp as part of a cache key (`annotations.reader_cache`)."""
    if stamp is None:
        return None
    return f"{stamp.pk}:{stamp.imported_at}:{stamp.annotations_changed_at}"


def editions_stamp() -> str:
    """The last import and annotation change of any edition: the version of what spans them
    all (search, the API without an edition). One query."""
    table = connection.ops.quote_name(Edition._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), MAX(imported_at), MAX(annotations_changed_at) FROM {table}"  # noqa: S608
        )
        return ":".join(map(str, cursor.fetchone()))


def text_version(stamp: EditionStamp) -> str:
    """Names the edition's text as of its last import, for keys of cached renderings."""
    return str(stamp.imported_at).replace(" ", "T") if stamp.imported_at else "never"


def edition_text(stamp: EditionStamp) -> EditionText:
    """The edition with its creators, speakers, matter, turns, paragraphs and apparatus: eight
    queries, made once per import and then read from the cache (shared by all servers when
    it is Redis), so a page pays one query (`edition_stamp`) for the whole text."""
    key = f"edition-text:1:{stamp.pk}:{text_version(stamp)}"
    text = cache.get(key)
    if text is None:
        edition = edition_get(stamp.slug)
        text = EditionText(edition, edition_turns(edition), edition_matter_emendations(edition))
        cache.set(key, text, TEXT_CACHE_SECONDS)
    return text


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


def paragraph_by_ids(slug: str, public_id: str) -> Paragraph | None:
    """A paragraph with its edition, by the edition's slug and the paragraph's public ID: one
    query, for pieces of a page that need no more of the edition."""
    return (
        Paragraph.objects.filter(edition__slug=slug, public_id=public_id)
        .select_related("edition")
        .first()
    )


def paragraph_neighbours(
    text: EditionText, paragraph: Paragraph
) -> tuple[Paragraph | None, Paragraph | None]:
    """The published paragraphs before and after `paragraph` (withdrawn or not), from the
    cached text: no query."""
    published = [p for view in text.turns for p in view.paragraphs]
    previous = [p for p in published if p.position < paragraph.position]
    following = [p for p in published if p.position > paragraph.position]
    return (previous[-1] if previous else None), (following[0] if following else None)


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


@dataclass(frozen=True)
class ParagraphVersions:
    """Where an edition's paragraphs' notes stand (`Paragraph.annotations_version`), read fresh
    from the database on every request: the stamp of a paragraph's kept renderings."""

    edition_pk: int
    imported_at: object
    versions: tuple[tuple[int, str, int], ...]  # (pk, public ID, version) in reading order


def paragraph_versions(slug: str, public_id: str | None = None) -> ParagraphVersions | None:
    """The edition's paragraphs (or one of them) with their annotation versions: one indexed
    query, written in SQL for the same reason as `edition_stamp`. None for an unknown edition
    or paragraph."""
    editions = connection.ops.quote_name(Edition._meta.db_table)
    paragraphs = connection.ops.quote_name(Paragraph._meta.db_table)
    sql = (
        f"SELECT e.id, e.imported_at, p.id, p.public_id, p.annotations_version "  # noqa: S608
        f"FROM {editions} e LEFT JOIN {paragraphs} p ON p.edition_id = e.id "
        f"WHERE e.slug = %s"
    )
    params = [slug]
    if public_id is not None:
        sql += " AND p.public_id = %s"
        params.append(public_id)
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY p.position", params)
        rows = cursor.fetchall()
    if not rows or (public_id is not None and rows[0][2] is None):
        return None
    versions = tuple((pk, pid, version) for _e, _i, pk, pid, version in rows if pk is not None)
    return ParagraphVersions(rows[0][0], rows[0][1], versions)


def paragraph_stamp(slug: str, public_id: str) -> str | None:
    """One paragraph's version with its edition's import, for a key of its kept threads."""
    found = paragraph_versions(slug, public_id)
    if found is None:
        return None
    ((pk, _public_id, version),) = found.versions
    return f"{found.edition_pk}:{found.imported_at}:{pk}:{version}"
