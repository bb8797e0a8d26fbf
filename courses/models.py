"""Teaching with the edition: courses, who belongs to them, and what they read.

A course is an annotation group: it owns one `annotations.Group`, and every member of the
course is a member of that group, so notes shared with "Group: <course>" reach exactly the
course. `courses.services` keeps the two memberships in step; nothing else writes them.

Who may create courses is a permission, `courses.add_course` ("instructor"), granted by staff
in the admin or with `manage.py grant_instructor`. Within a course, the role of a membership
decides who changes it.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from annotations.models import Group
from edition.models import Edition, Paragraph

INSTRUCTOR_PERMISSION = "courses.add_course"
INSTRUCTIONS_MAX_LENGTH = 10_000
VOCABULARY_MAX = 50


class Course(models.Model):
    title = models.CharField(max_length=200)
    term = models.CharField(max_length=60, blank=True, help_text="E.g. “Sommersemester 2025”.")
    description = models.TextField(blank=True)
    slug = models.SlugField(max_length=80, unique=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="course")
    join_code = models.CharField(max_length=16, unique=True)
    joining_open = models.BooleanField(default=True)
    # The course's own tags, in the instructor's order; when binding, the course's notes
    # carry no others (enforced by annotations.services through annotations.vocabulary).
    tag_vocabulary = models.JSONField(default=list, blank=True)
    tags_binding = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="courses_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="courses"
    )

    class Meta:
        ordering = ["-created_at", "title"]
        # "add" is the instructor role, with a label that says so in the admin's user form.
        default_permissions = ("change", "delete", "view")
        permissions = [("add_course", "Is an instructor: can create courses")]

    def __str__(self) -> str:
        return f"{self.title} ({self.term})" if self.term else self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:course-detail", kwargs={"slug": self.slug})


class Membership(models.Model):
    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        INSTRUCTOR = "instructor", _("Instructor")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.STUDENT)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course", "role", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="unique_course_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course} ({self.get_role_display()})"

    @property
    def is_instructor(self) -> bool:
        return self.role == self.Role.INSTRUCTOR


class Assignment(models.Model):
    """A reading with a task: a passage (or the whole edition), a time window and how much
    annotating is expected in it. The range is inclusive, in reading order."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignments")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True, max_length=INSTRUCTIONS_MAX_LENGTH)
    instructions_html = models.TextField(blank=True)
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="assignments")
    start_paragraph = models.ForeignKey(
        Paragraph, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    end_paragraph = models.ForeignKey(
        Paragraph, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    min_annotations = models.PositiveSmallIntegerField(default=3)
    min_replies = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="assignments_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gt=F("opens_at")), name="assignment_due_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(start_paragraph__isnull=True, end_paragraph__isnull=True)
                | Q(start_paragraph__isnull=False, end_paragraph__isnull=False),
                name="assignment_range_start_and_end",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "courses:assignment-detail", kwargs={"slug": self.course.slug, "pk": self.pk}
        )

    @property
    def is_whole_edition(self) -> bool:
        return self.start_paragraph_id is None

    @property
    def reading_url(self) -> str:
        """The edition opened at the start of the range, knowing which assignment is worked."""
        url = f"{self.edition.get_absolute_url()}?assignment={self.pk}"
        return url if self.is_whole_edition else f"{url}#{self.start_paragraph.public_id}"
