"""The synthetic data: deterministic, the sizes asked for, and rows the services would accept."""

import pytest
from django.contrib.auth import get_user_model
from taggit.models import Tag

from annotations.models import Annotation, Group
from annotations.selectors import annotations_visible_to
from annotations.services import TextSelector, selector_validate
from bench import checks, data
from courses.models import Assignment, Course, Membership

TINY = data.Sizes(users=12, courses=2, annotations=60, seed=7)


def canonical() -> dict:
    """Everything the builder chose, without primary keys or auto-set times."""
    annotations = Annotation.objects.order_by("uuid").values_list(
        "uuid",
        "paragraph__public_id",
        "parent__uuid",
        "author__username",
        "motivation",
        "colour",
        "body",
        "body_html",
        "quote_exact",
        "quote_prefix",
        "quote_suffix",
        "position_start",
        "position_end",
        "visibility",
        "group__slug",
        "created",
        "modified",
        "deleted_at",
    )
    return {
        "annotations": list(annotations),
        "tags": sorted(
            Annotation.objects.filter(tags__isnull=False).values_list("uuid", "tags__name")
        ),
        "users": list(
            get_user_model()
            .objects.order_by("username")
            .values_list("username", "first_name", "last_name", "profile__display_name")
        ),
        "courses": list(
            Course.objects.order_by("slug").values_list(
                "slug", "title", "join_code", "created_by__username"
            )
        ),
        "memberships": sorted(
            Membership.objects.values_list("course__slug", "user__username", "role")
        ),
        "assignments": sorted(
            Assignment.objects.values_list(
                "course__slug", "title", "start_paragraph__public_id", "opens_at", "due_at"
            )
        ),
    }


def wipe() -> None:
    Annotation.objects.all().delete()
    Course.objects.all().delete()
    Group.objects.all().delete()
    Tag.objects.all().delete()
    get_user_model().objects.all().delete()


def test_the_same_seed_builds_the_same_rows(edition):
    data.build(edition=edition, sizes=TINY)
    first = canonical()
    wipe()
    data.build(edition=edition, sizes=TINY)
    assert canonical() == first
    assert len(first["annotations"]) == TINY.annotations


def test_another_seed_builds_other_rows(edition):
    data.build(edition=edition, sizes=TINY)
    first = canonical()
    wipe()
    data.build(edition=edition, sizes=data.Sizes(users=12, courses=2, annotations=60, seed=8))
    assert canonical()["annotations"] != first["annotations"]


def test_the_sizes_are_as_asked_and_reported(edition):
    report = data.build(edition=edition, sizes=TINY)
    assert get_user_model().objects.count() == 12
    assert Course.objects.count() == 2
    assert Assignment.objects.count() == 4
    assert Annotation.objects.count() == 60
    assert Annotation.objects.filter(parent__isnull=False).count() == 12
    assert report.rows["annotations"] == 60
    assert report.total_rows == sum(report.rows.values())
    assert report.rows_per_second > 0


def test_every_student_is_in_one_course_and_every_course_has_its_instructor(edition):
    data.build(edition=edition, sizes=TINY)
    students = Membership.objects.filter(role=Membership.Role.STUDENT)
    assert students.count() == 12 - 2
    assert students.values("user").distinct().count() == 10
    reader = get_user_model().objects.get(username=data.READER)
    assert list(reader.courses.values_list("slug", flat=True)) == ["bench-seminar-01"]
    instructor = get_user_model().objects.get(username=data.INSTRUCTOR)
    assert instructor.has_perm("courses.add_course")
    for course in Course.objects.all():
        members = set(course.memberships.values_list("user", flat=True))
        assert set(course.group.members.values_list("pk", flat=True)) == members


def test_every_selector_is_the_paragraph_text_at_its_position(edition):
    data.build(edition=edition, sizes=TINY)
    anchored = Annotation.objects.filter(paragraph__isnull=False).select_related("paragraph")
    assert anchored.count() == 48
    for annotation in anchored:
        text = annotation.paragraph.text
        start, end = annotation.position_start, annotation.position_end
        assert text[start:end] == annotation.quote_exact
        assert annotation.quote_exact == annotation.quote_exact.strip()
        given = TextSelector(
            start, end, annotation.quote_exact, annotation.quote_prefix, annotation.quote_suffix
        )
        assert selector_validate(annotation.paragraph, given) == given


def test_a_sample_passes_the_services_validation(edition):
    data.build(edition=edition, sizes=TINY)
    assert checks.validate_sample(seed=1) == 60


def test_the_sample_check_names_a_row_the_services_would_refuse(edition):
    data.build(edition=edition, sizes=TINY)
    bad = Annotation.objects.filter(paragraph__isnull=False).first()
    Annotation.objects.filter(pk=bad.pk).update(quote_exact="nicht im Text")
    with pytest.raises(Exception, match=f"annotation {bad.pk}"):
        checks.validate_sample(seed=1)


def test_group_notes_are_by_members_and_replies_keep_their_threads_audience(edition):
    data.build(edition=edition, sizes=TINY)
    for note in Annotation.objects.filter(visibility="group", parent__isnull=True):
        assert note.group.members.filter(pk=note.author_id).exists()
    for reply in Annotation.objects.filter(parent__isnull=False).select_related("parent"):
        assert (reply.visibility, reply.group_id) == (
            reply.parent.visibility,
            reply.parent.group_id,
        )
        assert reply.root_id == reply.parent_id
        assert reply.created > reply.parent.created


def test_the_reader_sees_public_notes_their_own_and_their_courses(edition):
    data.build(edition=edition, sizes=TINY)
    reader = get_user_model().objects.get(username=data.READER)
    seen = set(annotations_visible_to(reader).values_list("pk", flat=True))
    course_group = reader.annotation_groups.get()
    expected = set(
        Annotation.objects.filter(deleted_at__isnull=True)
        .filter(visibility="public")
        .values_list("pk", flat=True)
    )
    expected |= set(
        Annotation.objects.filter(deleted_at__isnull=True, group=course_group).values_list(
            "pk", flat=True
        )
    )
    expected |= set(
        Annotation.objects.filter(deleted_at__isnull=True, author=reader).values_list(
            "pk", flat=True
        )
    )
    assert seen == expected


def test_sizes_too_small_to_build_are_refused():
    with pytest.raises(ValueError, match="at least"):
        data.Sizes(users=3, courses=2, annotations=100)
