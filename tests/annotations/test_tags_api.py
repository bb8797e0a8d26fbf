"""GET /api/tags/: suggestions for the editor, counted in SQL over what the reader may see."""

import pytest
from django.test import Client

from annotations.services import annotation_create, annotation_delete

URL = "/api/tags/"


def note(user, paragraph, tags, *, visibility="public", **kwargs):
    return annotation_create(
        user=user,
        paragraph=paragraph,
        motivation="commenting",
        body="Notiz.",
        tags=tags,
        visibility=visibility,
        **kwargs,
    )


def suggestions(user=None, q=None) -> list[tuple[str, int]]:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(URL, {} if q is None else {"q": q})
    assert response.status_code == 200
    return [(item["name"], item["count"]) for item in response.json()["items"]]


@pytest.fixture
def tagged(people, p2):
    """Archiv: 2 public, 1 private (ann), 1 group; Bild: 1 public; Geheim: private only;
    Seminar: group only; Bildung: 1 public, 1 deleted."""
    ann, ben, group = people["ann"], people["ben"], people["group"]
    note(ann, p2, ["Archiv", "Bild"])
    note(ben, p2, ["archiv"])
    note(ann, p2, ["Archiv", "Geheim"], visibility="private")
    note(ann, p2, ["Archiv", "Seminar"], visibility="group", group=group)
    note(ben, p2, ["Bildung"])
    annotation_delete(user=ben, annotation=note(ben, p2, ["Bildung", "Weg"]))


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (None, [("Archiv", 2), ("Bild", 1), ("Bildung", 1)]),
        ("cy", [("Archiv", 2), ("Bild", 1), ("Bildung", 1)]),
        ("ben", [("Archiv", 3), ("Bild", 1), ("Bildung", 1), ("Seminar", 1)]),
        ("ann", [("Archiv", 4), ("Bild", 1), ("Bildung", 1), ("Geheim", 1), ("Seminar", 1)]),
    ],
)
def test_tags_and_counts_are_what_the_viewer_may_see(people, tagged, viewer, expected):
    assert suggestions(people.get(viewer)) == expected


def test_prefix_is_case_insensitive(people, tagged):
    assert suggestions(q="bil") == [("Bild", 1), ("Bildung", 1)]
    assert suggestions(q="BILDU") == [("Bildung", 1)]
    assert suggestions(q="Geh") == []
    assert suggestions(people["ann"], q="geh") == [("Geheim", 1)]


def test_items_carry_name_slug_and_count(people, p2):
    note(people["ann"], p2, ["Größe und Maß"])
    response = Client().get(URL, {"q": "grö"})
    assert response.json() == {
        "items": [{"name": "Größe und Maß", "slug": "größe-und-maß", "count": 1}]
    }


def test_most_used_first_and_at_most_twenty(people, p2):
    for n in range(25):
        note(people["ann"], p2, [f"Tag {n:02}", "Häufig"] if n < 3 else [f"Tag {n:02}"])
    names = [name for name, _ in suggestions()]
    assert names[0] == "Häufig" and len(names) == 20
    assert names[1:] == [f"Tag {n:02}" for n in range(19)]


def test_a_query_longer_than_a_tag_is_a_json_error(people):
    response = Client().get(URL, {"q": "x" * 51})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "q"
    assert "at most 50 characters" in response.json()["error"]["message"]
    assert suggestions(q="x" * 50) == []


def test_only_get_is_allowed(people):
    client = Client()
    client.force_login(people["ann"])
    response = client.post(URL, {"q": "a"})
    assert response.status_code == 405 and response["Allow"] == "GET"


@pytest.mark.parametrize("count", [2, 30])
def test_one_query_whatever_the_number_of_tags(people, p2, django_assert_num_queries, count):
    for n in range(count):
        note(people["ben"], p2, [f"Tag {n}"])
    with django_assert_num_queries(1):
        response = Client().get(URL)
    assert len(response.json()["items"]) == min(20, count)
