"""Tell the edition that its annotations changed, so that what is kept of them is rendered afresh:
the edition's stamp (`Edition.annotations_changed_at`, for the pages cached for anonymous
readers, `reading.page_cache`), the version of the paragraph the note is on
(`Paragraph.annotations_version`, for a paragraph's kept pieces) and the versions of the
audiences that saw or see the change there (`AudienceVersion`: the note's audience before and
after, and its author, for the readers' live state). Every save or delete of an annotation does
it, through whatever path, once its transaction commits."""

from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.db.transaction import on_commit
from django.dispatch import receiver
from django.utils import timezone

from annotations.models import Annotation, AudienceVersion
from edition.models import Edition, Paragraph


def audiences_of(visibility: str, group_id, author_id) -> set[str]:
    """Who sees a note in this state, as `AudienceVersion.audience` names them."""
    names = set()
    if visibility == Annotation.Visibility.PUBLIC:
        names.add("public")
    elif visibility == Annotation.Visibility.GROUP and group_id is not None:
        names.add(f"group:{group_id}")
    if author_id is not None:
        names.add(f"user:{author_id}")  # the author sees their own notes, of any audience
    return names


def _touch_edition(edition_ids) -> None:
    editions = (
        Edition.objects.all() if edition_ids is None else Edition.objects.filter(pk__in=edition_ids)
    )
    editions.update(annotations_changed_at=timezone.now())


def editions_touch(edition_ids=None) -> None:
    """Mark editions (all when None), all their paragraphs and every audience on them as
    changed now, after the current transaction commits: for changes that may show on any
    paragraph (a renamed author)."""
    ids = None if edition_ids is None else sorted(set(edition_ids))

    def touch() -> None:
        _touch_edition(ids)
        paragraphs = (
            Paragraph.objects.all() if ids is None else Paragraph.objects.filter(edition_id__in=ids)
        )
        paragraphs.update(annotations_version=F("annotations_version") + 1)
        audiences = AudienceVersion.objects.filter(paragraph__in=paragraphs.values("pk"))
        audiences.update(version=F("version") + 1)

    on_commit(touch)


def audiences_touch(paragraph_id: int, audiences: set[str]) -> None:
    """Count a change for these audiences of the paragraph (a row made at 0 first, so that two
    changes at once both count)."""
    AudienceVersion.objects.bulk_create(
        [AudienceVersion(paragraph_id=paragraph_id, audience=name) for name in sorted(audiences)],
        ignore_conflicts=True,
    )
    AudienceVersion.objects.filter(paragraph_id=paragraph_id, audience__in=audiences).update(
        version=F("version") + 1
    )


def annotation_touch(annotation: Annotation) -> None:
    """Mark the annotation's edition, its paragraph (a reply's: its thread's) and the audiences
    it had and has there as changed, after the current transaction commits."""
    edition_id, paragraph_id, root_id = (
        annotation.edition_id,
        annotation.paragraph_id,
        annotation.root_id,
    )
    audiences = audiences_of(annotation.visibility, annotation.group_id, annotation.author_id)
    audiences |= getattr(annotation, "_audiences_before", set())

    def touch() -> None:
        _touch_edition([edition_id])
        on = paragraph_id
        if on is None and root_id is not None:
            root = Annotation.objects.filter(pk=root_id).values_list("paragraph_id", flat=True)
            on = root.first()
        if on is None:
            return
        Paragraph.objects.filter(pk=on).update(annotations_version=F("annotations_version") + 1)
        audiences_touch(on, audiences)

    on_commit(touch)


def repliers_touch(root: Annotation, author_ids) -> None:
    """A thread narrowed with its replies (one UPDATE, which sends no signals): the replies'
    authors see their own replies change audience, after the current transaction commits."""
    paragraph_id = root.paragraph_id
    names = {f"user:{pk}" for pk in author_ids if pk is not None}
    if paragraph_id is not None and names:
        on_commit(lambda: audiences_touch(paragraph_id, names))


@receiver(pre_save, sender=Annotation, dispatch_uid="annotation-saving-remembers-audience")
def _annotation_saving(sender, instance: Annotation, **kwargs) -> None:
    """The audience a changed note had, which must learn that it changed too (a note made
    private leaves its course's readers)."""
    if instance.pk is None:
        return
    before = (
        Annotation.objects.filter(pk=instance.pk)
        .values_list("visibility", "group_id", "author_id")
        .first()
    )
    instance._audiences_before = audiences_of(*before) if before else set()


@receiver(post_save, sender=Annotation, dispatch_uid="annotation-saved-touches-edition")
@receiver(post_delete, sender=Annotation, dispatch_uid="annotation-deleted-touches-edition")
def _annotation_changed(sender, instance: Annotation, **kwargs) -> None:
    annotation_touch(instance)
