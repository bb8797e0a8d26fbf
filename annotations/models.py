"""What readers add to the edition: annotations anchored to paragraphs, their threads and history.

The target follows the W3C Web Annotation model: the paragraph (a FragmentSelector with its public
ID) refined by a TextQuoteSelector (exact, prefix, suffix) and a TextPositionSelector (start, end)
relative to the paragraph's text. A reply targets an annotation, not the text.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from edition.models import Edition, Paragraph

BODY_MAX_LENGTH = 10_000
TAG_MAX_LENGTH = 50
TAGS_MAX = 10
# Its author can restore a deleted annotation for this long; `purge_deleted` erases it then.
RESTORE_WINDOW = timedelta(days=30)
# A retry with the same idempotency key within this time gets the first request's annotation.
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)
IDEMPOTENCY_KEY_MAX_LENGTH = 255


class Group(models.Model):
    """People who share annotations; a course owns one."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="annotation_groups")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaggedAnnotation(TaggedItemBase):
    """A note's tag. The tag (one per slug) is what pages and filters find; `name` is how this
    note spells it, so that a note never shows a spelling from a note its reader may not see."""

    content_object = models.ForeignKey("Annotation", on_delete=models.CASCADE)
    name = models.CharField(max_length=100, blank=True)

    @classmethod
    def tags_for(cls, model, instance=None, **extra_filters):
        """taggit's query for a note's tags (`annotation.tags.all()`, and its prefetch), each
        named as the note spells it (the tag's own name for a link without a spelling)."""
        quote = connection.ops.quote_name
        spelling = f"{quote(cls._meta.db_table)}.{quote('name')}"
        tag = f"{quote(Tag._meta.db_table)}.{quote('name')}"
        return (
            super()
            .tags_for(model, instance, **extra_filters)
            # Two column names, quoted by the backend: no input reaches this SQL.
            .extra(select={"name": f"COALESCE(NULLIF({spelling}, ''), {tag})"})  # noqa: S610
        )


class Annotation(models.Model):
    class Motivation(models.TextChoices):
        HIGHLIGHTING = "highlighting", _("Highlight")
        COMMENTING = "commenting", _("Comment")
        QUESTIONING = "questioning", _("Question")
        REPLYING = "replying", _("Reply")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Only me")
        GROUP = "group", _("Group")
        PUBLIC = "public", _("Public")

    class Colour(models.TextChoices):
        YELLOW = "yellow", _("Yellow")
        GREEN = "green", _("Green")
        BLUE = "blue", _("Blue")
        PINK = "pink", _("Pink")
        PURPLE = "purple", _("Purple")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="annotations")
    paragraph = models.ForeignKey(
        Paragraph, on_delete=models.RESTRICT, null=True, blank=True, related_name="annotations"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    root = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="thread"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="annotations"
    )
    motivation = models.CharField(max_length=20, choices=Motivation.choices)
    colour = models.CharField(max_length=10, choices=Colour.choices, default=Colour.YELLOW)
    body = models.TextField(blank=True, max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(blank=True)
    quote_exact = models.TextField(blank=True)
    quote_prefix = models.CharField(max_length=64, blank=True)
    quote_suffix = models.CharField(max_length=64, blank=True)
    position_start = models.PositiveIntegerField(null=True, blank=True)
    position_end = models.PositiveIntegerField(null=True, blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    group = models.ForeignKey(
        Group, on_delete=models.RESTRICT, null=True, blank=True, related_name="annotations"
    )
    created = models.DateTimeField()
    modified = models.DateTimeField()
    # What another tool sent that this edition keeps as it came and sends back (`w3c`):
    # `canonical`, `via` and the client's own selectors.
    kept_from_client = models.JSONField(default=dict, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Moderation: an instructor of the course the annotation is shared with hid it, saying why.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="annotations_hidden",
    )
    hidden_reason = models.CharField(max_length=500, blank=True)

    tags = TaggableManager(through=TaggedAnnotation, blank=True)

    class Meta:
        ordering = ["created", "id"]
        indexes = [
            # A paragraph's notes of one audience (`selectors.annotations_visible_to` limited to
            # paragraphs): the public ones, or one group's, without reading the other groups'.
            models.Index(
                fields=["paragraph", "visibility", "group"], name="annotation_paragraph_audience"
            ),
            # How `selectors.annotations_visible_to` finds the public ones and a group's.
            models.Index(fields=["visibility", "edition"], name="annotation_visibility"),
            models.Index(fields=["group", "visibility"], name="annotation_group_visibility"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(parent__isnull=True, paragraph__isnull=False))
                | (Q(parent__isnull=False, paragraph__isnull=True, motivation="replying")),
                name="annotation_targets_text_or_annotation",
            ),
            models.CheckConstraint(
                condition=Q(visibility="group", group__isnull=False)
                | (~Q(visibility="group") & Q(group__isnull=True)),
                name="annotation_group_iff_group_visibility",
            ),
            models.CheckConstraint(
                condition=Q(position_start__isnull=True, position_end__isnull=True)
                | Q(position_start__lt=models.F("position_end")),
                name="annotation_position_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_motivation_display()} {self.uuid}"

    def get_absolute_url(self) -> str:
        return reverse("annotations:annotation-detail", kwargs={"uuid": self.uuid})

    @property
    def is_deleted(self) -> bool:
        """Only a placeholder is left: its author deleted it, or an instructor hid it from this
        viewer (`hidden_from_viewer`, computed by `annotations_visible_to`)."""
        return self.deleted_at is not None or getattr(self, "hidden_from_viewer", False)

    @property
    def has_selector(self) -> bool:
        return self.position_start is not None


class AnnotationRevision(models.Model):
    """The state of an annotation before an edit; its author and moderators can see what changed."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(blank=True)
    tags = models.JSONField(default=list)
    motivation = models.CharField(max_length=20)
    colour = models.CharField(max_length=10)
    visibility = models.CharField(max_length=10)
    valid_from = models.DateTimeField()
    superseded_at = models.DateTimeField()

    class Meta:
        ordering = ["annotation", "-superseded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.annotation.uuid} until {self.superseded_at:%Y-%m-%d %H:%M}"


class IdempotencyKey(models.Model):
    """One create asked for with a key (the API's `Idempotency-Key` header, the plain form's
    one-time token): a retry with the same key gets the annotation the first request made
    instead of a second one. `fingerprint` tells a retry from a different request that reuses
    the key. Kept for `IDEMPOTENCY_KEY_TTL`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    fingerprint = models.CharField(max_length=64)
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.annotation_id}"


class AudienceVersion(models.Model):
    """How often what one audience sees on a paragraph changed: `public`, `group:<pk>` (a group's
    members, its course's instructors among them) or `user:<pk>` (what only that user sees:
    their own notes, of any audience). A change to a note counts for the audiences it had and
    has and for its author (`changes.py`), so a reader's kept live state and pieces are keyed
    on the versions of their own audiences only: a note of another course, or someone's private
    one, leaves them kept."""

    paragraph = models.ForeignKey(
        "edition.Paragraph", on_delete=models.CASCADE, related_name="audience_versions"
    )
    audience = models.CharField(max_length=40)
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["audience", "paragraph"], name="unique_audience_version_per_paragraph"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audience} on {self.paragraph_id}: {self.version}"
