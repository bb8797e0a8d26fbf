"""Plain helpers that build test data; exposed as fixtures in conftest.py."""

import copy
from collections.abc import Iterable
from datetime import timedelta

import yaml
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.services import user_register
from courses.models import Assignment, Course
from courses.services import assignment_create, course_create, course_join, instructor_role_set
from edition.models import Edition
from edition.services import edition_import
from edition.source import parse_source

BASE_DOCUMENT = {
    "format": 1,
    "edition": {
        "slug": "test-interview",
        "title": "Ein Testgespräch",
        "subtitle": "Über Bilder und Archive",
        "creators": [
            {"family": "Autorin", "given": "Anna", "role": "author"},
            {"family": "Gast", "given": "Gerd", "role": "interviewee"},
        ],
        "journal": "Testmagazin",
        "journal_subtitle": "",
        "volume": "3",
        "issue": "2",
        "first_page": "10",
        "last_page": "12",
        "year": 2024,
        "publisher": "Testverlag",
        "doi": "10.1234/test.5",
        "urn": "urn:nbn:de:0000-test-1",
        "licence": "CC BY 4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        "language": "de",
        "source_url": "https://example.org/test",
        "keywords": ["Bild", "Archiv"],
    },
    "speakers": [
        {"key": "mag", "label": "Mag", "name": "Das Magazin", "role": "interviewer"},
        {"key": "gast", "label": "GG", "name": "Gerd Gast", "role": "interviewee"},
    ],
    "turns": [
        {
            "speaker": "mag",
            "printed_label": "Mag",
            "paragraphs": [
                {"id": "p1", "text": "Was ist ein Archiv?"},
            ],
        },
        {
            "speaker": "gast",
            "printed_label": "Gerd Gast",
            "paragraphs": [
                {"id": "p2", "text": "Ein Archiv ist ein Ort der Bildproduktion, sagt man."},
                {"id": "p3", "text": "Bilder über Bildern, Größe und Maß: „operative Bilder“."},
            ],
        },
        {
            "speaker": "mag",
            "printed_label": "Mag",
            "paragraphs": [
                {"id": "p4", "text": "Vielen Dank."},
            ],
        },
    ],
    "withdrawn": [],
    "matter": [
        {
            "key": "biography",
            "placement": "front",
            "heading": "Zur Person",
            "text": "Gerd Gast forscht zu Bildarchiven.",
        },
        {
            "key": "credits",
            "placement": "back",
            "heading": "Zum Interview",
            "text": "[…] geführt und lektoriert.",
        },
    ],
    "emendations": [
        {
            "locus": "p2",
            "kind": "dehyphenation",
            "source": "Bildpro-⏎duktion",
            "edition": "Bildproduktion",
            "reason": "Line-end hyphen.",
        },
        {
            "locus": "biography",
            "kind": "moved",
            "source": "(inside p2)",
            "edition": "Gerd Gast forscht",
            "reason": "Box moved out of the answer.",
        },
    ],
}


def make_document(**changes) -> dict:
    """A valid source document; keyword arguments replace top-level keys."""
    document = copy.deepcopy(BASE_DOCUMENT)
    document.update(copy.deepcopy(changes))
    return document


def dump(document: dict) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def import_document(document: dict, **kwargs):
    return edition_import(source=parse_source(dump(document)), **kwargs)


def make_edition(document: dict | None = None) -> Edition:
    document = document or make_document()
    import_document(document)
    return Edition.objects.get(slug=document["edition"]["slug"])


DEFAULT_PASSWORD = "quiet-archive-lantern-42"


def make_user(
    username: str = "reader",
    display_name: str = "",
    password: str = DEFAULT_PASSWORD,
    email: str | None = None,
):
    """A user with a profile, made through the sign-up service; logs in with `password`."""
    return user_register(
        username=username,
        email=email or f"{username}@example.org",
        password=password,
        display_name=display_name,
    )


def make_instructor(username: str = "ines", display_name: str = ""):
    """A user with the instructor role, fetched again so the permission cache is fresh."""
    user = make_user(username, display_name=display_name)
    instructor_role_set(user=user, granted=True)
    return get_user_model().objects.get(pk=user.pk)


def make_course(
    instructor, title: str = "Bildtheorie", term: str = "", description: str = ""
) -> Course:
    return course_create(user=instructor, title=title, term=term, description=description)


def make_student(course: Course, username: str = "stu", display_name: str = ""):
    """A new user who has joined `course` with its code."""
    user = make_user(username, display_name=display_name)
    course_join(user=user, code=course.join_code)
    return user


def make_course_with_students(
    instructor,
    students: Iterable = (),
    title: str = "Bildtheorie",
    term: str = "",
    description: str = "",
) -> Course:
    """A course taught by `instructor` that each of `students` (users) has joined with its code."""
    course = make_course(instructor, title=title, term=term, description=description)
    for student in students:
        course_join(user=student, code=course.join_code)
    return course


def make_assignment(
    course: Course,
    instructor,
    edition: Edition,
    *,
    start: str = "p2",
    end: str = "p3",
    title: str = "Archiv und Bild",
    instructions: str = "Lesen Sie **genau**.",
    opened_ago: timedelta = timedelta(days=1),
    due_in: timedelta = timedelta(days=7),
    min_annotations: int = 2,
    min_replies: int = 1,
) -> Assignment:
    """An assignment that is open now: it opened `opened_ago` and is due in `due_in`."""
    now = timezone.now()
    return assignment_create(
        user=instructor,
        course=course,
        title=title,
        instructions=instructions,
        edition=edition,
        start=start,
        end=end,
        opens_at=now - opened_ago,
        due_at=now + due_in,
        min_annotations=min_annotations,
        min_replies=min_replies,
    )
