"""GET /api/tags/: suggestions for the editor, counted in SQL over what the reader may see."""

import pytest
from django.test import Client

from annotations.services import annotation_create, annotation_delete
from courses.services import course_create, course_join, vocabulary_set
from tests.courses.conftest import make_instructor

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
        "items": [
            {"name": "Größe und Maß", "slug": "größe-und-maß", "count": 1, "vocabulary": False}
        ]
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


def test_only_get_and_head_are_allowed(people):
    client = Client()
    client.force_login(people["ann"])
    response = client.post(URL, {"q": "a"})
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert client.head(URL).status_code == 200


@pytest.mark.parametrize("count", [2, 30])
def test_one_query_whatever_the_number_of_tags(people, p2, django_assert_num_queries, count):
    for n in range(count):
        note(people["ben"], p2, [f"Tag {n}"])
    with django_assert_num_queries(1):
        response = Client().get(URL)
    assert len(response.json()["items"]) == min(20, count)


# A course's vocabulary: ?group=<slug> puts it first, for members of the group only


def items(user=None, **params) -> list[dict]:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.json()["items"]


@pytest.fixture
def course(people, p2):
    """ann studies in a course whose vocabulary is Methode, These, Begriff, Beispiel; notes in
    use: Archiv ×2 and These ×1 (public), Begriff ×1 (private to ben)."""
    instructor = make_instructor("ines")
    course = course_create(user=instructor, title="Bildtheorie")
    course_join(user=people["ann"], code=course.join_code)
    vocabulary_set(
        user=instructor,
        course=course,
        tags=["Methode", "These", "Begriff", "Beispiel"],
        binding=False,
    )
    note(people["ben"], p2, ["Archiv", "these"])
    note(people["ben"], p2, ["Archiv"])
    note(people["ben"], p2, ["Begriff"], visibility="private")
    return course


def test_the_vocabulary_comes_first_in_its_order_then_the_tags_in_use(people, course):
    assert items(people["ann"], group=course.group.slug) == [
        {"name": "Methode", "slug": "methode", "count": 0, "vocabulary": True},
        {"name": "These", "slug": "these", "count": 1, "vocabulary": True},
        {"name": "Begriff", "slug": "begriff", "count": 0, "vocabulary": True},
        {"name": "Beispiel", "slug": "beispiel", "count": 0, "vocabulary": True},
        {"name": "Archiv", "slug": "archiv", "count": 2, "vocabulary": False},
    ]


def test_the_prefix_filters_the_vocabulary_too(people, course):
    names = [
        (item["name"], item["vocabulary"])
        for item in items(people["ann"], group=course.group.slug, q="be")
    ]
    assert names == [("Begriff", True), ("Beispiel", True)]
    names = [
        (item["name"], item["vocabulary"])
        for item in items(people["ann"], group=course.group.slug, q="a")
    ]
    assert names == [("Archiv", False)]


def test_a_binding_vocabulary_is_the_only_suggestion(people, course):
    vocabulary_set(
        user=course.memberships.get(role="instructor").user,
        course=course,
        tags=["Methode", "These"],
        binding=True,
    )
    assert [item["name"] for item in items(people["ann"], group=course.group.slug)] == [
        "Methode",
        "These",
    ]


@pytest.mark.parametrize("viewer", [None, "ben"])
def test_the_group_is_ignored_for_anyone_not_in_it(people, course, viewer):
    user = people.get(viewer)
    assert items(user, group=course.group.slug) == items(user)
    assert not any(item["vocabulary"] for item in items(user, group=course.group.slug))


def test_an_unknown_group_or_one_without_a_course_is_ignored(people, course):
    ann = people["ann"]
    assert items(ann, group="no-such-group") == items(ann) == items(ann, group="seminar-a")


def test_the_vocabulary_is_never_cut_but_the_tags_in_use_fill_up_to_twenty(people, course, p2):
    instructor = course.memberships.get(role="instructor").user
    vocabulary_set(
        user=instructor, course=course, tags=[f"Wort {n:02}" for n in range(25)], binding=False
    )
    result = items(people["ann"], group=course.group.slug)
    assert [item["vocabulary"] for item in result] == [True] * 25
    vocabulary_set(user=instructor, course=course, tags=["These"], binding=False)
    for n in range(25):
        note(people["ben"], p2, [f"Tag {n:02}"])
    result = items(people["ann"], group=course.group.slug)
    assert len(result) == 20 and result[0]["name"] == "These"
    assert [item["name"] for item in result].count("These") == 1
