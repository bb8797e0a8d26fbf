"""Proof that the bulk-built rows are rows the services would have written: a sample goes
through the same validation `annotations.services.annotation_create` applies."""

import random

from django.core.exceptions import ValidationError

from annotations.models import Annotation
from annotations.services import AnnotationError, TextSelector, selector_validate, tags_normalise
from courses.models import Assignment, Course

SAMPLE = 300


def validate_sample(*, seed: int, size: int = SAMPLE) -> int:
    """Validate `size` annotations drawn with `seed` and every course and assignment; returns how
    many annotations were checked. Raises `ValidationError` naming the first bad row."""
    pks = list(Annotation.objects.order_by("pk").values_list("pk", flat=True))
    chosen = random.Random(seed).sample(  # noqa: S311 - a reproducible sample
        pks, min(size, len(pks))
    )
    sample = (
        Annotation.objects.filter(pk__in=chosen)
        .select_related("paragraph", "parent", "group")
        .prefetch_related("tags")
    )
    for annotation in sample:
        try:
            _validate(annotation)
        except (AnnotationError, ValidationError) as error:
            raise ValidationError(f"bench data: annotation {annotation.pk}: {error}") from error
    for row in [*Course.objects.all(), *Assignment.objects.all()]:
        row.full_clean(exclude=["group"])
    return len(chosen)


def _validate(annotation: Annotation) -> None:
    if annotation.paragraph_id is not None:
        selector = TextSelector(
            annotation.position_start,
            annotation.position_end,
            annotation.quote_exact,
            annotation.quote_prefix,
            annotation.quote_suffix,
        )
        checked = selector_validate(annotation.paragraph, selector)
        if checked != selector:
            raise AnnotationError("selector", "context differs from the paragraph's text")
    names = [tag.name for tag in annotation.tags.all()]
    if sorted(tags_normalise(names)) != sorted(names):
        raise AnnotationError("tags", f"not normalised: {names}")
    if annotation.group_id and annotation.parent_id is None:
        if not annotation.group.members.filter(pk=annotation.author_id).exists():
            raise AnnotationError("group", "author is not a member of the group")
    annotation.full_clean(exclude=["body"])
