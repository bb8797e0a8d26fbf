"""What the classroom's students are and may ask, handed to the Locust process as one JSON file.

The students are the benchmark's own, taken course by course (a course of the full database has
39), so the first 300 fill eight seminars. Each gets a session made with `force_login`, as the
other scenarios' actors do. Locust never touches Django or the database: everything it needs is
in the plan.
"""

import json
import random
from pathlib import Path

from annotations.services import TextSelector, selector_validate
from bench import scenarios, text
from bench.data import PREFIX
from courses.models import Membership
from edition.models import Edition, Paragraph

SEARCH_WORDS = 30
# Every note and reply the students write starts with it, so the run can remove them after.
MARKER = "Klassenraum-"


def available_students() -> int:
    return _students().count()


def _students():
    return (
        Membership.objects.filter(role=Membership.Role.STUDENT, user__username__startswith=PREFIX)
        .select_related("user", "course__group")
        .order_by("course_id", "user__username")
    )


def _selector(paragraph: Paragraph) -> dict:
    """The first three words, as the reading page's script sends a selection."""
    spans = text.word_spans(paragraph.text)
    start, end = spans[0][0], spans[min(2, len(spans) - 1)][1]
    checked = selector_validate(paragraph, TextSelector(start, end, paragraph.text[start:end]))
    return checked.__dict__


def build(*, edition: Edition, students: int, seed: int) -> dict:
    chosen = list(_students()[:students])
    if len(chosen) < students:
        raise SystemExit(
            f"--students {students}: the benchmark database has only {len(chosen)} students "
            "(build it larger with --users)"
        )
    paragraphs = list(Paragraph.objects.filter(edition=edition).published().order_by("position"))
    words = text.vocabulary([paragraph.text for paragraph in paragraphs])
    rng = random.Random(seed)  # noqa: S311 - reproducible, not secret
    page = edition.get_absolute_url()
    return {
        "edition": edition.slug,
        "page": page,
        "live": f"{page}live/",  # the runner blanks it where no live channel answers
        "seed": seed,
        "marker": MARKER,
        "paragraphs": [{"id": p.public_id, "selector": _selector(p)} for p in paragraphs],
        "search_words": rng.sample(words, min(SEARCH_WORDS, len(words))) or ["Bilder"],
        "students": [_student(membership) for membership in chosen],
    }


def _student(membership: Membership) -> dict:
    actor = scenarios.actor(membership.user.username)
    return {
        "username": actor.username,
        "cookie": actor.cookie(),  # the session and CSRF cookies
        "csrf": actor.csrf_token,
        "group": membership.course.group.slug,
    }


def write(plan: dict, path: Path) -> None:
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
