"""A small populated site for the security tests, and the rate limits switched on.

"ines" teaches "Bildtheorie" (with an assignment on p2–p3 and a tag vocabulary), "stu" studies
in it and has written a course note, a private note and a reply; "otto" is outside; "root" is a
superuser for the admin.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from accounts import tokens
from annotations.services import annotation_create
from courses.services import vocabulary_set
from tests.factories import (
    make_assignment,
    make_course_with_students,
    make_instructor,
    make_user,
)


@pytest.fixture
def rate_limits(settings):
    """The limits on, counted from nothing (the cache outlives a test)."""
    settings.RATE_LIMITS_ENABLED = True
    cache.clear()
    yield settings.RATE_LIMITS
    cache.clear()


@pytest.fixture
def site(edition):
    ines, stu, otto = make_instructor("ines"), make_user("stu"), make_user("otto")
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20)
    course = make_course_with_students(ines, [stu], title="Bildtheorie", description="Wir lesen.")
    vocabulary_set(user=ines, course=course, tags=["Archiv", "Bild"], binding=False)
    assignment = make_assignment(course, ines, edition, min_annotations=1, min_replies=0)
    p2 = edition.paragraphs.get(public_id="p2")
    course_note = annotation_create(
        user=stu,
        paragraph=p2,
        motivation="commenting",
        body="Ein **Kurs**kommentar.",
        tags=["Archiv"],
        visibility="group",
        group=course.group,
    )
    private_note = annotation_create(
        user=stu, paragraph=p2, motivation="commenting", body="Nur für mich.", tags=["privat"]
    )
    own_note = annotation_create(
        user=ines,
        paragraph=p2,
        motivation="commenting",
        body="Öffentlich.",
        tags=["Bild"],
        visibility="public",
    )
    reply = annotation_create(
        user=ines,
        parent=course_note,
        motivation="replying",
        body="Gute Frage.",
        visibility="group",
        group=course.group,
    )
    token, raw_token = tokens.api_token_create(user=ines, name="Skript")
    course.refresh_from_db()
    return {
        "edition": edition,
        "ines": get_user_model().objects.get(pk=ines.pk),
        "stu": stu,
        "otto": otto,
        "root": root,
        "course": course,
        "assignment": assignment,
        "course_note": course_note,
        "private_note": private_note,
        "own_note": own_note,
        "reply": reply,
        "token": token,
        "raw_token": raw_token,
    }


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client
