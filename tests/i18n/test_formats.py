"""Dates, numbers and labels from the database follow the interface language."""

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, translation

from annotations.models import Annotation
from annotations.services import annotation_create
from edition.models import Paragraph

pytestmark = pytest.mark.django_db

NOVEMBER_26 = datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("language", "day", "number"),
    [("de", "26. November 2026", "1234,5"), ("en", "Nov. 26, 2026", "1234.5")],
)
def test_dates_and_numbers_use_the_interface_language(language, day, number):
    with translation.override(language):
        assert formats.date_format(NOVEMBER_26.date(), "DATE_FORMAT") == day
        assert formats.localize(1234.5) == number


def test_annotation_date_and_kind_are_german_on_a_german_page(client, edition, user):
    note = annotation_create(
        user=user,
        paragraph=Paragraph.objects.get(public_id="p2"),
        motivation="questioning",
        body="Warum?",
        visibility="public",
    )
    march_3 = datetime.datetime(2026, 3, 3, 12, 0, tzinfo=datetime.UTC)
    Annotation.objects.filter(pk=note.pk).update(created=march_3, modified=march_3)
    client.force_login(user)

    page = client.get("/test-interview/p2/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    history = client.get(
        reverse("annotations:annotation-history", args=[note.uuid]), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()

    assert ">3. März 2026</time>" in page
    assert "Frage · Öffentlich" in history


def test_the_interface_words_in_the_title_block_are_not_marked_german(client, edition):
    html = client.get("/test-interview/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<header class="title-block" lang="de">' in html
    assert '<span lang="en">Interview with</span>' in html
