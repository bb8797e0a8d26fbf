"""Tell the edition that its annotations changed, so that what is kept of them is rendered afresh:
the edition's stamp (`Edition.annotations_changed_at`, for the pages cached for anonymous
readers, `reading.page_cache`) and the version of the paragraph the note is on
(`Paragraph.annotations_version`, for a paragraph's kept threads and the readers' live state).
Every save or delete of an annotation does it, through whatever path, once its transaction
commits."""

from django.db.models import F, Subquery
from django.db.models.signals import post_delete, post_save
from django.db.transaction import on_commit
from django.dispatch import receiver
from django.utils import timezone

from annotations.models import Annotation
from edition.models import Edition, Paragraph


def editions_touch(edition_ids=None) -> None:
    """Mark editions (all when None) and all their paragraphs as changed now, after the current
    transaction commits: for changes that may show on any paragraph (a renamed author)."""
    ids = None if edition_ids is None else sorted(set(edition_ids))

    def touch() -> None:
        editions = Edition.objects.all() if ids is None else Edition.objects.filter(pk__in=ids)
        editions.update(annotations_changed_at=timezone.now())
        paragraphs = (
            Paragraph.objects.all() if ids is None else Paragraph.objects.filter(edition_id__in=ids)
        )
        paragraphs.update(annotations_version=F("annotations_version") + 1)

    on_commit(touch)


def annotation_touch(annotation: Annotation) -> None:
    """Mark the annotation's edition and its paragraph (a reply's: its thread's) as changed,
    after the current transaction commits."""
    edition_id, paragraph_id, root_id = (
        annotation.edition_id,
        annotation.paragraph_id,
        annotation.root_id,
    )

    def touch() -> None:
        Edition.objects.filter(pk=edition_id).update(annotations_changed_at=timezone.now())
        if paragraph_id is not None:
            paragraphs = Paragraph.objects.filter(pk=paragraph_id)
        elif root_id is not None:
            root = Annotation.objects.filter(pk=root_id).values("paragraph_id")
            paragraphs = Paragraph.objects.filter(pk__in=Subquery(root))
        else:
            return
        paragraphs.update(annotations_version=F("annotations_version") + 1)

    on_commit(touch)


@receiver(post_save, sender=Annotation, dispatch_uid="annotation-saved-touches-edition")
@receiver(post_delete, sender=Annotation, dispatch_uid="annotation-deleted-touches-edition")
def _annotation_changed(sender, instance: Annotation, **kwargs) -> None:
    annotation_touch(instance)
