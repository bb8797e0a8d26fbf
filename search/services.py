"""Writes of the search index, called from the write paths of what it copies.

`annotations.services` calls `search_index_update` after every create, edit and delete, and
`edition.services.edition_import` sends `edition_imported`, which this app answers with
`search_index_edition` (`apps.py`); each inside its writer's transaction, so the index changes
together with the text or not at all; `search_index_author` is for a changed display name. No
signals for annotations: a write that bypasses the services (a bulk load, a repair in the
shell) is followed by `manage.py search_reindex`.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import display_name_for
from annotations.models import Annotation
from edition.models import Edition
from search.backends import backend
from search.models import SearchEntry

REBUILD_BATCH = 1000


def _author_text(user) -> str:
    if user is None:
        return ""
    name, username = display_name_for(user), user.get_username()
    return name if name == username else f"{name}\n{username}"


def _annotation_values(annotation: Annotation, tag_names: list[str]) -> dict:
    thread = annotation.root if annotation.root_id else annotation
    return {
        "edition_id": annotation.edition_id,
        "paragraph_id": thread.paragraph_id,
        "quote": annotation.quote_exact,
        "body": annotation.body,
        "tags": "\n".join(sorted(tag_names, key=str.casefold)),
        "author": _author_text(annotation.author),
    }


def _delete_entries(entries) -> None:
    backend().forget(entries)
    entries.delete()


def search_index_update(annotation: Annotation, *, is_new: bool = False) -> None:
    """Index the annotation as it now is; a deleted one leaves the index. Part of the caller's
    transaction (no savepoint of its own): if indexing fails, the write fails with it. `is_new`:
    the annotation was just created, so there is no entry to look for. Its tags are read from
    `annotation.tags.all()`, from memory when the caller prefetched them."""
    with transaction.atomic(savepoint=False):
        if annotation.is_deleted:
            _delete_entries(SearchEntry.objects.filter(annotation_id=annotation.pk))
            return
        values = _annotation_values(annotation, [tag.name for tag in annotation.tags.all()])
        entry = None if is_new else SearchEntry.objects.filter(annotation_id=annotation.pk).first()
        is_new = entry is None
        if is_new:
            entry = SearchEntry(annotation_id=annotation.pk)
        for name, value in values.items():
            setattr(entry, name, value)
        entry.save()
        backend().write([entry], new=is_new)


def search_index_author(user) -> int:
    """After a reader's display name changed: their annotations are found by the new name.
    For `accounts.services.profile_update`; returns how many entries changed."""
    with transaction.atomic(savepoint=False):
        entries = list(SearchEntry.objects.filter(annotation__author=user))
        # Read afresh: the caller's user may carry the profile as it was before the change.
        author = _author_text(get_user_model().objects.select_related("profile").get(pk=user.pk))
        for entry in entries:
            entry.author = author
        SearchEntry.objects.bulk_update(entries, ["author"])
        backend().write(entries)
    return len(entries)


def search_index_edition(edition: Edition) -> int:
    """Index the text of every published paragraph that is new or whose text changed, and drop
    withdrawn ones (the reading view leaves them out too); returns how many entries changed.

    Running it again writes nothing, so the idempotent import stays idempotent."""
    with transaction.atomic():
        existing = {
            entry.paragraph_id: entry
            for entry in SearchEntry.objects.filter(edition=edition, annotation__isnull=True)
        }
        new, changed, withdrawn = [], [], []
        for paragraph in edition.paragraphs.all():
            entry = existing.get(paragraph.pk)
            if paragraph.is_withdrawn:
                if entry is not None:
                    withdrawn.append(entry.pk)
            elif entry is None:
                new.append(SearchEntry(edition=edition, paragraph=paragraph, quote=paragraph.text))
            elif entry.quote != paragraph.text:
                entry.quote = paragraph.text
                changed.append(entry)
        if withdrawn:
            _delete_entries(SearchEntry.objects.filter(pk__in=withdrawn))
        SearchEntry.objects.bulk_create(new)
        SearchEntry.objects.bulk_update(changed, ["quote"])
        backend().write(new, new=True)
        backend().write(changed)
    return len(new) + len(changed) + len(withdrawn)


def search_index_rebuild() -> dict[str, int]:
    """Drop the whole index and build it again from the editions and the live annotations."""
    counts = {"paragraphs": 0, "annotations": 0}
    with transaction.atomic():
        backend().clear()
        SearchEntry.objects.all().delete()
        for edition in Edition.objects.all():
            counts["paragraphs"] += search_index_edition(edition)
        annotations = (
            Annotation.objects.filter(deleted_at__isnull=True)
            .select_related("author__profile", "root")
            .prefetch_related("tags")
            .order_by("pk")
        )
        batch: list[SearchEntry] = []
        for annotation in annotations.iterator(chunk_size=REBUILD_BATCH):
            tag_names = [tag.name for tag in annotation.tags.all()]
            batch.append(
                SearchEntry(annotation=annotation, **_annotation_values(annotation, tag_names))
            )
            if len(batch) == REBUILD_BATCH:
                counts["annotations"] += _write_batch(batch)
                batch = []
        counts["annotations"] += _write_batch(batch)
    return counts


def _write_batch(entries: list[SearchEntry]) -> int:
    SearchEntry.objects.bulk_create(entries)
    backend().write(entries, new=True)
    return len(entries)
