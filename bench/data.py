"""Deterministic synthetic data for the benchmark: users, courses with assignments, annotations
with tags and replies, on an edition that is already imported.

Rows are written with `bulk_create` in batches, not through `annotations.services`: the services
validate and save one row (and its tags) per call, which would make 100,000 annotations take
many minutes and measure the builder instead of the application. Every row is made the way the
services would make it (a selector cut from the paragraph's text, normalised tags, the Markdown
rendered by `render_markdown`, group notes only by members of the group), and `bench.checks`
runs a sample through the services' own validation to prove it.

The same seed gives the same rows (auto-set creation times of courses and memberships aside).
"""

import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Permission
from django.db import transaction
from taggit.models import Tag

from accounts.models import Profile
from annotations.models import Annotation, Group, TaggedAnnotation
from annotations.rendering import render_markdown
from bench import text
from courses.join_codes import ALPHABET, LENGTH
from courses.models import INSTRUCTOR_PERMISSION, Assignment, Course, Membership
from edition.models import Edition, Paragraph

BATCH = 2_000
# Fixed, so the same seed gives the same rows whatever the day.
EPOCH = datetime(2026, 9, 1, 8, tzinfo=UTC)
READER = "bench-reader"
INSTRUCTOR = "bench-instructor-001"
PREFIX = "bench-"
REPLY_SHARE = 0.2
# Top-level notes by audience. At the full size the reader (one course of 50) sees about 2,000:
# 1% public of 80,000 top-level notes, 1/50 of the group notes, and the replies in those threads.
VISIBILITY_WEIGHTS = {"private": 0.5425, "group": 0.45, "public": 0.0075}
MOTIVATION_WEIGHTS = {"highlighting": 0.3, "commenting": 0.5, "questioning": 0.2}
TAG_COUNT_WEIGHTS = (0.4, 0.35, 0.15, 0.1)  # 0, 1, 2 or 3 tags on a top-level note
FIRST_NAMES = ("Lena", "Jonas", "Mira", "Paul", "Aylin", "Noah", "Greta", "Emil", "Sofia", "Can")
LAST_NAMES = ("Vogt", "Brandt", "Okafor", "Schulz", "Yilmaz", "Krüger", "Novak", "Weber", "Ma")


@dataclass(frozen=True)
class Sizes:
    users: int = 2_000
    courses: int = 50
    annotations: int = 100_000
    seed: int = 2026

    def __post_init__(self):
        if self.courses < 1 or self.users < self.courses + 2 or self.annotations < 10:
            raise ValueError("need at least 1 course, 2 users more than courses, 10 annotations")


QUICK = Sizes(users=200, courses=5, annotations=5_000)


@dataclass
class BuildReport:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0


def _stamp(rng: random.Random, days: int = 28) -> datetime:
    return EPOCH + timedelta(seconds=rng.randrange(days * 86_400))


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _bulk(report: BuildReport, name: str, objects: list) -> list:
    created = type(objects[0]).objects.bulk_create(objects, batch_size=BATCH) if objects else []
    report.rows[name] = report.rows.get(name, 0) + len(created)
    return created


def _users(rng: random.Random, sizes: Sizes, report: BuildReport) -> list:
    """Instructors first (one per course), then the reader, then the students."""
    names = [f"{PREFIX}instructor-{n:03d}" for n in range(1, sizes.courses + 1)]
    names.append(READER)
    names += [f"{PREFIX}student-{n:04d}" for n in range(1, sizes.users - len(names) + 1)]
    people = []
    for number, username in enumerate(names):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        people.append(
            get_user_model()(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                password=f"{UNUSABLE_PASSWORD_PREFIX}bench",  # sessions are made by force_login
                date_joined=EPOCH - timedelta(days=30, minutes=number),
            )
        )
    users = _bulk(report, "users", people)
    _bulk(
        report,
        "profiles",
        [Profile(user=user, display_name=f"{user.first_name} {user.last_name}") for user in users],
    )
    permission = Permission.objects.get(codename=INSTRUCTOR_PERMISSION.split(".")[1])
    through = get_user_model().user_permissions.through
    grants = [through(user_id=user.pk, permission_id=permission.pk) for user in users]
    _bulk(report, "instructor grants", grants[: sizes.courses])
    return users


def _courses(rng, sizes: Sizes, users: list, edition: Edition, paragraphs, report) -> list:
    """Course n is taught by instructor n; every student is in exactly one course (the reader
    in the first), so a student sees one course's group notes."""
    groups = _bulk(
        report,
        "groups",
        [
            Group(name=f"Seminar {n:02d}: Bildarchive", slug=f"{PREFIX}seminar-{n:02d}")
            for n in range(1, sizes.courses + 1)
        ],
    )
    codes: set[str] = set()
    while len(codes) < sizes.courses:
        codes.add("".join(rng.choice(ALPHABET) for _ in range(LENGTH)))
    courses = _bulk(
        report,
        "courses",
        [
            Course(
                title=group.name,
                term="Wintersemester 2026/27",
                slug=group.slug,
                group=group,
                join_code=code,
                created_by=users[n],
            )
            for n, (group, code) in enumerate(zip(groups, sorted(codes), strict=True))
        ],
    )
    members: dict[int, list] = {course.pk: [users[n]] for n, course in enumerate(courses)}
    memberships = [
        Membership(course=course, user=users[n], role=Membership.Role.INSTRUCTOR)
        for n, course in enumerate(courses)
    ]
    for n, user in enumerate(users[sizes.courses :]):
        course = courses[n % sizes.courses]
        members[course.pk].append(user)
        memberships.append(Membership(course=course, user=user, role=Membership.Role.STUDENT))
    _bulk(report, "memberships", memberships)
    through = Group.members.through
    _bulk(
        report,
        "group members",
        [
            through(group_id=course.group_id, user_id=user.pk)
            for course in courses
            for user in members[course.pk]
        ],
    )
    _assignments(rng, courses, users, edition, paragraphs, report)
    return [(course, members[course.pk]) for course in courses]


def _assignments(rng, courses, users, edition, paragraphs, report) -> None:
    """Two a course: a passage (its first third) that was due in September, and the whole
    edition, due in February."""
    third = paragraphs[: max(1, len(paragraphs) // 3)]
    instructions = "Lesen und annotieren Sie **jede** Antwort; antworten Sie auf zwei Fragen."
    html = render_markdown(instructions)
    rows = []
    for n, course in enumerate(courses):
        common = {"course": course, "edition": edition, "created_by": users[n]}
        common |= {"instructions": instructions, "instructions_html": html}
        rows.append(
            Assignment(
                title="Erste Lektüre",
                start_paragraph=third[0],
                end_paragraph=third[-1],
                opens_at=EPOCH,
                due_at=EPOCH + timedelta(days=20),
                min_annotations=3,
                min_replies=1,
                **common,
            )
        )
        rows.append(
            Assignment(
                title="Das ganze Interview",
                opens_at=EPOCH + timedelta(days=10),
                due_at=EPOCH + timedelta(days=165),
                min_annotations=rng.choice((5, 8, 10)),
                min_replies=2,
                **common,
            )
        )
    _bulk(report, "assignments", rows)


def _tags(rng, words: list[str], report) -> list[Tag]:
    names = text.tag_names(rng, words, 150)
    existing = {tag.slug: tag for tag in Tag.objects.all()}
    new = [Tag(name=name, slug=Tag().slugify(name)) for name in names]
    _bulk(report, "tags", [tag for tag in new if tag.slug not in existing])
    by_slug = {tag.slug: tag for tag in Tag.objects.filter(slug__in=[tag.slug for tag in new])}
    return [by_slug[tag.slug] for tag in new]


def build(*, edition: Edition, sizes: Sizes) -> BuildReport:
    """Fill the database; all or nothing (one transaction), and fast for SQLite because of it."""
    rng = random.Random(sizes.seed)  # noqa: S311 - reproducible, not secret
    report = BuildReport()
    started = time.perf_counter()
    paragraphs = list(Paragraph.objects.filter(edition=edition).published().order_by("position"))
    words = text.vocabulary([paragraph.text for paragraph in paragraphs])
    with transaction.atomic():
        users = _users(rng, sizes, report)
        courses = _courses(rng, sizes, users, edition, paragraphs, report)
        tags = _tags(rng, words, report)
        threads = _annotations(rng, sizes, edition, paragraphs, users, courses, tags, words, report)
        _replies(rng, sizes, threads, users, courses, words, report)
    report.seconds = time.perf_counter() - started
    return report


def _annotations(rng, sizes, edition, paragraphs, users, courses, tags, words, report) -> list:
    """Top-level notes, with their tags; returns (pk, paragraph, visibility, group) of the
    shared ones, which replies may answer."""
    top_level = sizes.annotations - int(sizes.annotations * REPLY_SHARE)
    spans = {paragraph.pk: text.word_spans(paragraph.text) for paragraph in paragraphs}
    notes = text.note_pool(rng, words, 400, replies=False)
    rendered = {note: render_markdown(note) for note in notes}
    shared: list = []
    for batch_start in range(0, top_level, BATCH):
        rows, row_tags = [], []
        for _ in range(batch_start, min(top_level, batch_start + BATCH)):
            paragraph = rng.choice(paragraphs)
            selector = text.passage(rng, paragraph.text, spans[paragraph.pk])
            visibility = _weighted(rng, VISIBILITY_WEIGHTS)
            course, members = rng.choice(courses)
            author = rng.choice(members if visibility == "group" else users)
            motivation = _weighted(rng, MOTIVATION_WEIGHTS)
            body = "" if motivation == "highlighting" else rng.choice(notes)
            created = _stamp(rng)
            rows.append(
                Annotation(
                    uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                    edition=edition,
                    paragraph=paragraph,
                    author=author,
                    motivation=motivation,
                    colour=rng.choice(Annotation.Colour.values),
                    body=body,
                    body_html=rendered.get(body, ""),
                    quote_exact=selector.exact,
                    quote_prefix=selector.prefix,
                    quote_suffix=selector.suffix,
                    position_start=selector.start,
                    position_end=selector.end,
                    visibility=visibility,
                    group=course.group if visibility == "group" else None,
                    created=created,
                    modified=created + timedelta(minutes=rng.choice((0, 0, 0, 5, 90))),
                    deleted_at=created + timedelta(days=1) if rng.random() < 0.005 else None,
                )
            )
            count = rng.choices(range(4), weights=TAG_COUNT_WEIGHTS)[0]
            row_tags.append(rng.sample(tags, count))
        created_rows = _bulk(report, "annotations", rows)
        _bulk(
            report,
            "tagged items",
            [
                TaggedAnnotation(content_object_id=row.pk, tag_id=tag.pk)
                for row, chosen in zip(created_rows, row_tags, strict=True)
                for tag in chosen
            ],
        )
        shared += [
            (row.pk, row.visibility, row.group_id, row.created)
            for row in created_rows
            if row.visibility != "private" and row.deleted_at is None
        ]
    return shared


def _replies(rng, sizes, threads, users, courses, words, report) -> None:
    """Replies to shared threads, by someone who can see the thread, after it was written."""
    if not threads:
        return
    members_of = {course.group_id: members for course, members in courses}
    notes = text.note_pool(rng, words, 100, replies=True)
    rendered = {note: render_markdown(note) for note in notes}
    edition_id = Annotation.objects.get(pk=threads[0][0]).edition_id
    total = int(sizes.annotations * REPLY_SHARE)
    for batch_start in range(0, total, BATCH):
        rows = []
        for _ in range(batch_start, min(total, batch_start + BATCH)):
            pk, visibility, group_id, thread_created = rng.choice(threads)
            author = rng.choice(members_of[group_id] if group_id else users)
            created = thread_created + timedelta(minutes=rng.randrange(1, 14 * 1440))
            body = rng.choice(notes)
            rows.append(
                Annotation(
                    uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                    edition_id=edition_id,
                    parent_id=pk,
                    root_id=pk,
                    author=author,
                    motivation=Annotation.Motivation.REPLYING,
                    body=body,
                    body_html=rendered[body],
                    visibility=visibility,
                    group_id=group_id,
                    created=created,
                    modified=created,
                )
            )
        _bulk(report, "annotations", rows)
