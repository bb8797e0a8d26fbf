"""The text of an edition: its metadata, speakers, turns, paragraphs, matter and apparatus.

A paragraph's `public_id` ("p12") is what readers cite and URLs carry; it never changes once
published and is never reused. The primary key is an implementation detail and never leaves the
database.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.translation import gettext_lazy as _

PUBLIC_ID_REGEX = r"^p[1-9][0-9]*$"
EDITION_PAGE = "reading:edition-detail"


class Edition(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    journal = models.CharField(max_length=200)
    journal_subtitle = models.CharField(max_length=200, blank=True)
    volume = models.CharField(max_length=20)
    issue = models.CharField(max_length=20)
    first_page = models.CharField(max_length=20)
    last_page = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    publisher = models.CharField(max_length=200)
    doi = models.CharField("DOI", max_length=200)
    urn = models.CharField("URN", max_length=200)
    licence = models.CharField(max_length=100)
    licence_url = models.URLField()
    language = models.CharField(max_length=10)
    source_url = models.URLField()
    source_note = models.TextField(blank=True)
    abstract = models.TextField(blank=True)
    keywords = models.JSONField(default=list, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    # When an annotation on the edition last changed (saved or deleted): the anonymous reader's
    # cached page is keyed on it, so every server sees a change at once (`reading.page_cache`).
    annotations_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.full_title

    def get_absolute_url(self) -> str:
        return reverse(EDITION_PAGE, kwargs={"slug": self.slug})

    def clean(self) -> None:
        # Here, so that the importer and the admin refuse it alike.
        if self.slug and slug_taken_by_site(self.slug):
            raise ValidationError(
                {
                    "slug": _(
                        "the slug '%(slug)s' is taken by the site's own pages (%(path)s), "
                        "where the edition could never be reached; choose another slug"
                    )
                    % {"slug": self.slug, "path": f"/{self.slug}/"}
                }
            )

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    @property
    def authors(self) -> list["Creator"]:
        """Creators in the author role (works with a prefetched `creators`)."""
        return [c for c in self.creators.all() if c.role == Creator.Role.AUTHOR]

    @property
    def contributors(self) -> list["Creator"]:
        return [c for c in self.creators.all() if c.role != Creator.Role.AUTHOR]

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}"

    @property
    def urn_url(self) -> str:
        return f"https://nbn-resolving.org/{self.urn}"

    @property
    def pages(self) -> str:
        return f"{self.first_page}–{self.last_page}"


def slug_taken_by_site(slug: str) -> bool:
    """True if `/<slug>/` belongs to the site itself, not to an edition. Resolving the path is
    not enough: a prefix such as `static/` (served by WhiteNoise before any URL pattern) or an
    include with no page at its bare prefix answers every path below it but not the prefix."""
    try:
        if resolve(f"/{slug}/").view_name != EDITION_PAGE:
            return True
    except Resolver404:
        pass
    prefixes = [_url_path(settings.STATIC_URL), _url_path(settings.MEDIA_URL)]
    prefixes += _literal_prefixes(get_resolver().url_patterns)
    return any(prefix.startswith(f"{slug}/") for prefix in prefixes)


def _url_path(url: str | None) -> str:
    """The site-relative path of a setting's URL; "" for another host or none at all."""
    parts = urlsplit(url or "")
    return "" if parts.netloc else parts.path.lstrip("/")


def _literal_prefixes(patterns, prefix: str = "") -> list[str]:
    """Each URL pattern's fixed beginning, as far as it goes before anything variable."""
    result = []
    for pattern in patterns:
        literal, whole = _literal_start(pattern.pattern)
        if isinstance(pattern, URLResolver) and whole:
            result += _literal_prefixes(pattern.url_patterns, prefix + literal)
        else:
            result.append(prefix + literal)
    return result


def _literal_start(pattern) -> tuple[str, bool]:
    """The fixed text a route or regex begins with, and whether that is all of it."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        literal = route.split("<", 1)[0]
        return literal, literal == route
    if isinstance(pattern, RegexPattern):
        regex = str(pattern).removeprefix("^")
        literal, index = "", 0
        while index < len(regex):
            char = regex[index]
            if char == "\\" and index + 1 < len(regex) and not regex[index + 1].isalnum():
                literal += regex[index + 1]
                index += 2
            elif char in ".^$*+?{}[]|()\\":
                # A quantifier makes the character before it optional.
                return (literal[:-1] if char in "*?{" else literal), False
            else:
                literal += char
                index += 1
        return literal, True
    return "", False


class Creator(models.Model):
    class Role(models.TextChoices):
        AUTHOR = "author", _("Author")
        INTERVIEWEE = "interviewee", _("Interviewee")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="creators")
    position = models.PositiveSmallIntegerField()
    family = models.CharField(max_length=100)
    given = models.CharField(max_length=100)
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["edition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "position"], name="unique_creator_position")
        ]

    def __str__(self) -> str:
        return f"{self.family}, {self.given}"

    @property
    def display_name(self) -> str:
        return f"{self.given} {self.family}"


class Speaker(models.Model):
    class Role(models.TextChoices):
        INTERVIEWER = "interviewer", _("Interviewer")
        INTERVIEWEE = "interviewee", _("Interviewee")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="speakers")
    key = models.SlugField(max_length=40)
    label = models.CharField(max_length=60)
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["edition", "key"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="unique_speaker_key")
        ]

    def __str__(self) -> str:
        return self.name


class Turn(models.Model):
    """One speaker's contribution to the conversation; it holds one or more paragraphs."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="turns")
    position = models.PositiveIntegerField()
    speaker = models.ForeignKey(Speaker, on_delete=models.RESTRICT, related_name="turns")
    printed_label = models.CharField(max_length=60)

    class Meta:
        ordering = ["edition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "position"], name="unique_turn_position")
        ]

    def __str__(self) -> str:
        return f"Turn {self.position} ({self.printed_label})"


class ParagraphQuerySet(models.QuerySet):
    def published(self) -> "ParagraphQuerySet":
        return self.filter(status=Paragraph.Status.PUBLISHED)


class Paragraph(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="paragraphs")
    public_id = models.CharField(max_length=12, editable=False)
    turn = models.ForeignKey(Turn, on_delete=models.SET_NULL, null=True, related_name="paragraphs")
    speaker = models.ForeignKey(Speaker, on_delete=models.RESTRICT, related_name="paragraphs")
    position = models.PositiveIntegerField(help_text="Reading order; withdrawn keep their last.")
    text = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    published_at = models.DateTimeField()
    modified_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Counts the changes of the annotations on the paragraph (`annotations.changes`): what is
    # kept of a paragraph's notes (its threads, a reader's live state) is keyed on it, so a
    # note on one paragraph leaves every other paragraph's kept renderings current.
    annotations_version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = ParagraphQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "public_id"], name="unique_paragraph_id"),
            models.CheckConstraint(
                condition=Q(public_id__regex=PUBLIC_ID_REGEX), name="paragraph_public_id_format"
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    def get_absolute_url(self) -> str:
        return reverse(
            "reading:paragraph-detail",
            kwargs={"slug": self.edition.slug, "public_id": self.public_id},
        )

    @property
    def number(self) -> int:
        """The number a reader cites: "Abs. 12" for p12."""
        return int(self.public_id[1:])

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN


class ParagraphRevision(models.Model):
    """A text the paragraph had before a correction: kept so earlier citations stay checkable."""

    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField()
    valid_from = models.DateTimeField()
    superseded_at = models.DateTimeField()

    class Meta:
        ordering = ["paragraph", "-superseded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.paragraph.public_id} until {self.superseded_at:%Y-%m-%d}"


class Matter(models.Model):
    """Text kept with the edition outside the conversation (a biography box, a credit line)."""

    class Placement(models.TextChoices):
        FRONT = "front", "Front matter"
        BACK = "back", "Back matter"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="matter")
    key = models.SlugField(max_length=40)
    placement = models.CharField(max_length=5, choices=Placement.choices)
    position = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=200)
    text = models.TextField()

    class Meta:
        ordering = ["edition", "position"]
        verbose_name_plural = "matter"
        constraints = [models.UniqueConstraint(fields=["edition", "key"], name="unique_matter_key")]

    def __str__(self) -> str:
        return self.heading


class Emendation(models.Model):
    """A place where the edition's text differs from its source, and why."""

    class Kind(models.TextChoices):
        DEHYPHENATION = "dehyphenation", "Dehyphenation"
        RESTORED_HYPHEN = "restored-hyphen", "Restored hyphen"
        JOINED_WORD = "joined-word", "Joined word"
        JOINED_PARAGRAPH = "joined-paragraph", "Joined paragraph"
        MOVED = "moved", "Moved"
        TRUNCATED = "truncated", "Truncated in the source"
        WHITESPACE = "whitespace", "Whitespace"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="emendations")
    position = models.PositiveIntegerField()
    locus = models.CharField(max_length=40, help_text="A paragraph ID or a matter key.")
    paragraph = models.ForeignKey(
        Paragraph, on_delete=models.CASCADE, null=True, blank=True, related_name="emendations"
    )
    matter = models.ForeignKey(
        Matter, on_delete=models.CASCADE, null=True, blank=True, related_name="emendations"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source_reading = models.TextField()
    edition_reading = models.TextField()
    reason = models.TextField()

    class Meta:
        ordering = ["edition", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "position"], name="unique_emendation_position"
            ),
            models.CheckConstraint(
                condition=Q(paragraph__isnull=True) | Q(matter__isnull=True),
                name="emendation_one_locus",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.locus}: {self.source_reading} → {self.edition_reading}"
