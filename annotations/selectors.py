"""Reads of annotations. Visibility is applied in the query, never in Python afterwards."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from annotations.models import Annotation


def annotations_visible_to(user) -> QuerySet[Annotation]:
    """Public ones, the user's own, and those of the user's groups; deleted ones only as
    placeholders in a thread that still has live replies."""
    visible = Q(visibility=Annotation.Visibility.PUBLIC)
    if user.is_authenticated:
        visible |= Q(author_id=user.pk) | Q(
            visibility=Annotation.Visibility.GROUP, group__in=user.annotation_groups.all()
        )
    live_replies = Annotation.objects.filter(parent=OuterRef("pk"), deleted_at__isnull=True)
    return (
        Annotation.objects.filter(visible)
        .annotate(has_live_replies=Exists(live_replies))
        .filter(Q(deleted_at__isnull=True) | Q(has_live_replies=True))
        .select_related("author__profile", "paragraph", "edition", "parent", "group")
        .prefetch_related("tags")
    )


def annotation_get(user, uuid) -> Annotation | None:
    """One annotation if the user may see it; None otherwise (so the API answers 404)."""
    return annotations_visible_to(user).filter(uuid=uuid).first()


def annotation_list(
    user,
    *,
    edition=None,
    paragraph_id: str | None = None,
    tag: str | None = None,
    author: str | None = None,
    scope: str | None = None,
) -> QuerySet[Annotation]:
    """Filters as the page and the API offer them; scope is mine | groups | public."""
    annotations = annotations_visible_to(user)
    if edition is not None:
        annotations = annotations.filter(edition=edition)
    if paragraph_id:
        annotations = annotations.filter(
            Q(paragraph__public_id=paragraph_id) | Q(root__paragraph__public_id=paragraph_id)
        )
    if tag:
        annotations = annotations.filter(tags__slug=tag)
    if author:
        annotations = annotations.filter(author__username=author)
    if scope == "mine":
        annotations = annotations.filter(author_id=user.pk)
    elif scope == "groups":
        annotations = annotations.filter(visibility=Annotation.Visibility.GROUP)
    elif scope == "public":
        annotations = annotations.filter(visibility=Annotation.Visibility.PUBLIC)
    return annotations.order_by("created", "id")


def annotations_by_paragraph(user, edition) -> dict[int, list[Annotation]]:
    """Visible annotations of an edition, grouped by paragraph pk, each thread's replies under
    its root as `thread_replies`, in reading order of creation. Two queries (rows and tags)."""
    rows = list(annotation_list(user, edition=edition))
    roots: dict[int, Annotation] = {}
    for annotation in rows:
        annotation.thread_replies = []
        if annotation.root_id is None:
            roots[annotation.pk] = annotation
    grouped: dict[int, list[Annotation]] = {}
    for annotation in rows:
        if annotation.root_id is None:
            grouped.setdefault(annotation.paragraph_id, []).append(annotation)
        elif annotation.root_id in roots:
            roots[annotation.root_id].thread_replies.append(annotation)
    return grouped
