"""A small edition with German words to find, and readers: "ann" and "ben" are in the course
"Bildtheorie" (its group is where they share notes); "cy" is in no course."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from annotations.services import TextSelector, annotation_create
from courses.services import course_create, course_join, instructor_role_set
from edition.models import Edition
from edition.services import edition_import
from edition.source import load_source_file
from tests import factories

SEARCH_TURNS = [
    {
        "speaker": "mag",
        "printed_label": "Mag",
        "paragraphs": [{"id": "p1", "text": "Was ist ein Archiv?"}],
    },
    {
        "speaker": "gast",
        "printed_label": "Gerd Gast",
        "paragraphs": [
            {"id": "p2", "text": "Ein Archiv ist ein Ort der Bildproduktion, sagt man."},
            {"id": "p3", "text": "Bilder über Bildern, Größe und Maß: „operative Bilder“."},
            {"id": "p4", "text": "Die Gesichtserkennung sortiert jedes Bild nach Gesichtern."},
            {"id": "p5", "text": "In der Straße hängt ein Plakat."},
        ],
    },
    {
        "speaker": "mag",
        "printed_label": "Mag",
        "paragraphs": [{"id": "p6", "text": "Vielen Dank."}],
    },
]


def search_document(**changes) -> dict:
    return factories.make_document(**{"turns": SEARCH_TURNS, **changes})


def note(user, paragraph, body, *, tags=(), visibility="public", group=None, quote="", **kwargs):
    """A comment by `user` on `paragraph` (on the words `quote` when given), through the service."""
    selector = None
    if quote:
        start = paragraph.text.index(quote)
        selector = TextSelector(start, start + len(quote), quote)
    return annotation_create(
        user=user,
        paragraph=paragraph,
        selector=selector,
        motivation=kwargs.pop("motivation", "commenting"),
        body=body,
        tags=list(tags),
        visibility=visibility,
        group=group,
        **kwargs,
    )


@pytest.fixture
def edition(db):
    return factories.make_edition(search_document())


@pytest.fixture
def real_edition(db):
    path = Path(settings.EDITION_SOURCE_DIR) / "erz-2023.yaml"
    edition_import(source=load_source_file(path))
    return Edition.objects.get(slug="erz-2023")


@pytest.fixture
def paragraphs(edition):
    return {p.public_id: p for p in edition.paragraphs.all()}


@pytest.fixture
def people(db):
    teacher = factories.make_user("tina", display_name="Tina Lehrend")
    instructor_role_set(user=teacher, granted=True)
    teacher = get_user_model().objects.get(pk=teacher.pk)
    course = course_create(user=teacher, title="Bildtheorie", term="WS", description="")
    users = {
        "ann": factories.make_user("ann", display_name="Ann Archivarin"),
        "ben": factories.make_user("ben", display_name="Ben Bildner"),
        "cy": factories.make_user("cy", display_name="Cy Außen"),
    }
    for name in ("ann", "ben"):
        course_join(user=users[name], code=course.join_code)
    users["tina"] = teacher
    users["course"] = course
    users["group"] = course.group
    return users
