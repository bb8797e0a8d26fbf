"""Random worlds of notes for comparing two ways of asking what a reader sees: public, course,
private and narrower replies, deleted and hidden ones, read by members of two courses, their
instructor, an outsider and an anonymous reader."""

import random

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from annotations.models import Annotation
from courses.services import course_create, course_join
from tests.factories import make_instructor, make_user

VISIBILITIES = ("public", "group", "private")


def make_world(edition, seed: int):
    rng = random.Random(seed)
    ines = make_instructor(f"ines{seed}")
    courses = [course_create(user=ines, title=f"Kurs {seed}-{n}") for n in range(2)]
    readers = [make_user(f"r{seed}-{n}") for n in range(5)]
    for n, reader in enumerate(readers):
        course_join(user=reader, code=courses[n % 2].join_code)
    authors = [*readers, ines]
    paragraphs = list(edition.paragraphs.order_by("position")[:3])
    now = timezone.now()
    roots = []
    for _ in range(30):
        author = rng.choice(authors)
        course = rng.choice(courses)
        visibility = rng.choice(VISIBILITIES)
        roots.append(
            Annotation.objects.create(
                edition=edition,
                paragraph=rng.choice(paragraphs),
                author=author,
                motivation="commenting",
                body="x",
                created=now,
                modified=now,
                visibility=visibility,
                group=course.group if visibility == "group" else None,
                deleted_at=now if rng.random() < 0.2 else None,
                hidden_at=now if rng.random() < 0.2 else None,
            )
        )
    for _ in range(40):
        root = rng.choice(roots)
        # A reply's audience is the thread's or narrower (private).
        visibility = rng.choice((root.visibility, "private"))
        Annotation.objects.create(
            edition=edition,
            parent=root,
            root=root,
            author=rng.choice(authors),
            motivation="replying",
            body="y",
            created=now,
            modified=now,
            visibility=visibility,
            group=root.group if visibility == "group" else None,
            deleted_at=now if rng.random() < 0.2 else None,
            hidden_at=now if rng.random() < 0.15 else None,
        )
    return [AnonymousUser(), make_user(f"outsider{seed}"), ines, *readers], paragraphs
