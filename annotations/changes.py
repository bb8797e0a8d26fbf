"""Tell the edition that its annotations changed, so that pages cached for anonymous readers are
rendered afresh (`reading.page_cache`). Every save or delete of an annotation does it, through
whatever path, once its transaction commits."""

from django.db.models.signals import post_delete, post_save
from django.db.transaction import on_commit
from django.dispatch import receiver
from django.utils import timezone

from annotations.models import Annotation
from edition.models import Edition


def editions_touch(edition_ids=None) -> None:
    """Mark editions (all when None) as changed now, after the current transaction commits."""
    ids = None if edition_ids is None else sorted(set(edition_ids))

    def touch() -> None:
        editions = Edition.objects.all() if ids is None else Edition.objects.filter(pk__in=ids)
        editions.update(annotations_changed_at=timezone.now())

    on_commit(touch)


@receiver(post_save, sender=Annotation, dispatch_uid="annotation-saved-touches-edition")
@receiver(post_delete, sender=Annotation, dispatch_uid="annotation-deleted-touches-edition")
def _annotation_changed(sender, instance: Annotation, **kwargs) -> None:
    editions_touch([instance.edition_id])
