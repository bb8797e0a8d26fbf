"""The run's database: migrated, the edition imported (`import_edition`), an instructor's course
and its students, made through the services as sign-up, course creation and joining make them.
Every student has the same generated password, which exists only for this run."""

import random
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command

from accounts.services import user_register
from bench.text import passage, word_spans
from courses.models import INSTRUCTOR_PERMISSION
from courses.services import course_create, course_join
from edition.models import Edition
from ops.loadfaults.students import Course, Passage

EDITION = "erz-2023"
PREFIX = "loadfaults-"
PASSAGES = 200


def username(number: int) -> str:
    return f"{PREFIX}student-{number:03d}"


def prepare(*, students: int, seed: int, say) -> Course:
    say("migrate")
    call_command("migrate", interactive=False, verbosity=0)
    say("import_edition")
    call_command("import_edition", verbosity=0)
    edition = Edition.objects.get(slug=EDITION)
    password = secrets.token_urlsafe(16)
    instructor = user_register(
        username=f"{PREFIX}instructor", email="instructor@example.org", password=password
    )
    app_label, codename = INSTRUCTOR_PERMISSION.split(".")
    instructor.user_permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    instructor = get_user_model().objects.get(pk=instructor.pk)  # no cached permissions
    course = course_create(user=instructor, title="Lasttest", term="Fehler")
    say(f"{students} students join the course {course.slug}")
    for number in range(1, students + 1):
        student = user_register(
            username=username(number), email=f"{username(number)}@example.org", password=password
        )
        course_join(user=student, code=course.join_code)
    return Course(
        edition=edition.slug,
        group=course.group.slug,
        passages=_passages(edition, seed),
        password=password,
    )


def _passages(edition: Edition, seed: int) -> tuple[Passage, ...]:
    """Selections of a few words anywhere in the text, as the reading view sends them."""
    rng = random.Random(seed)  # noqa: S311 - reproducible selections
    paragraphs = [(p.public_id, p.text) for p in edition.paragraphs.published() if p.text]
    chosen = []
    for _ in range(PASSAGES):
        public_id, text = rng.choice(paragraphs)
        selector = passage(rng, text, word_spans(text))
        chosen.append(Passage(public_id, selector.__dict__))
    return tuple(chosen)
