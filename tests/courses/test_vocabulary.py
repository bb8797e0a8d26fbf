"""A course's tag vocabulary: the instructor sets it on the course page; when binding, notes
shared with the course carry only its tags (checked by the annotation services, so the JSON API,
the plain form and the importers all obey it); private and public notes are free."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from taggit.models import Tag

from annotations.models import Annotation, AnnotationRevision
from annotations.services import AnnotationError, annotation_create, annotation_update
from courses.services import vocabulary_set
from tests.courses.test_views import text

VOCABULARY = ["Methode", "These", "Begriff", "Beispiel"]
ALLOWED = "allowed tags: Methode, These, Begriff, Beispiel"
API = "/api/annotations/"


def stored(course) -> tuple[list[str], bool]:
    course.refresh_from_db()
    return course.tag_vocabulary, course.tags_binding


@pytest.fixture
def binding(course, instructor):
    return vocabulary_set(user=instructor, course=course, tags=VOCABULARY, binding=True)


@pytest.fixture
def api(student, edition):
    client = Client()
    client.force_login(student)
    return client


def post(client, data: dict):
    return client.post(API, json.dumps(data), content_type="application/json")


def patch(client, annotation, data: dict):
    url = f"{API}{annotation.uuid}/"
    return client.patch(url, json.dumps(data), content_type="application/json")


def note_data(course, tags, **changes) -> dict:
    return {
        "edition": "test-interview",
        "paragraph": "p2",
        "motivation": "commenting",
        "body": "Eine Notiz.",
        "tags": tags,
        "visibility": "group",
        "group": course.group.slug,
    } | changes


def note(user, paragraph, tags, **kwargs):
    return annotation_create(
        user=user, paragraph=paragraph, motivation="commenting", body="Notiz.", tags=tags, **kwargs
    )


@pytest.fixture
def p2(edition):
    return edition.paragraphs.get(public_id="p2")


# Setting the vocabulary


def test_the_vocabulary_is_kept_normalised_in_the_instructors_order(course, instructor):
    lines = ["  Methode ", "", "These", "begriff   und  Sache", "methode", "Beispiel"]
    vocabulary_set(user=instructor, course=course, tags=lines, binding=True)
    assert stored(course) == (["Methode", "These", "begriff und Sache", "Beispiel"], True)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Methode, These", "Line 2: a tag may not contain commas or double quotes."),
        ("x" * 51, "Line 2: a tag has at most 50 characters."),
        ("–––", "Line 2: the tag '–––' needs at least one letter or digit."),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_saved(course, instructor, line, message):
    vocabulary_set(user=instructor, course=course, tags=["Alt"], binding=False)
    with pytest.raises(ValidationError) as error:
        vocabulary_set(user=instructor, course=course, tags=["These", line], binding=True)
    assert error.value.message_dict == {"tags": [message]}
    assert stored(course) == (["Alt"], False)


def test_at_most_fifty_tags(course, instructor):
    vocabulary_set(
        user=instructor, course=course, tags=[f"Tag {n}" for n in range(50)], binding=False
    )
    with pytest.raises(ValidationError) as error:
        vocabulary_set(
            user=instructor, course=course, tags=[f"Tag {n}" for n in range(51)], binding=False
        )
    assert error.value.message_dict == {"tags": ["At most 50 tags; these are 51 different ones."]}
    assert len(stored(course)[0]) == 50


def test_a_binding_vocabulary_needs_a_tag(course, instructor):
    with pytest.raises(ValidationError) as error:
        vocabulary_set(user=instructor, course=course, tags=["", "  "], binding=True)
    assert "tags_binding" in error.value.message_dict
    assert stored(course) == ([], False)


def test_students_cannot_set_the_vocabulary(course, student):
    with pytest.raises(PermissionDenied):
        vocabulary_set(user=student, course=course, tags=["Frei"], binding=True)
    assert stored(course) == ([], False)


# The form on the course page


def test_instructor_sets_the_vocabulary_on_the_course_page(client, course, instructor):
    client.force_login(instructor)
    url = f"/courses/{course.slug}/vocabulary/"
    response = client.post(url, {"tags": "Methode\r\nThese\r\n\r\nBegriff", "tags_binding": "on"})
    assert response.status_code == 302 and response["Location"] == f"/courses/{course.slug}/"
    assert stored(course) == (["Methode", "These", "Begriff"], True)
    page = client.get(f"/courses/{course.slug}/").content.decode()
    assert 'id="id_tags">\nMethode\nThese\nBegriff</textarea>' in page
    assert 'id="id_tags_binding" checked>' in page


def test_a_bad_vocabulary_shows_the_form_again_with_the_message(client, course, instructor):
    client.force_login(instructor)
    response = client.post(
        f"/courses/{course.slug}/vocabulary/", {"tags": "Methode\nA, B", "tags_binding": "on"}
    )
    assert response.status_code == 400
    assert "Line 2: a tag may not contain commas or double quotes." in text(response)
    assert 'id="id_tags">\nMethode\nA, B</textarea>' in response.content.decode()
    assert stored(course) == ([], False)


def test_students_see_the_vocabulary_and_whether_it_binds(client, course, student, binding):
    client.force_login(student)
    page = text(client.get(f"/courses/{course.slug}/"))
    assert "Tags of this course Methode These Begriff Beispiel" in page
    assert "Notes shared with this course can carry only these tags." in page
    assert "Save tags" not in page


def test_students_do_not_see_an_empty_vocabulary(client, course, student):
    client.force_login(student)
    assert "Tags of this course" not in text(client.get(f"/courses/{course.slug}/"))


def test_students_cannot_post_the_vocabulary_form(client, course, student):
    client.force_login(student)
    response = client.post(f"/courses/{course.slug}/vocabulary/", {"tags": "Frei"})
    assert response.status_code == 403
    assert stored(course) == ([], False)


# Binding: refused through the JSON API with the allowed tags named, nothing saved


def test_a_tag_outside_a_binding_vocabulary_is_refused_and_nothing_is_saved(api, course, binding):
    response = post(api, note_data(course, ["Methode", "Frei", "Spontan"]))
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "field": "tags",
            "message": "the course “Bildtheorie” uses only its own tags, not “Frei”, “Spontan”; "
            + ALLOWED,
        }
    }
    assert not Annotation.objects.exists()
    assert not Tag.objects.filter(name__in=["Frei", "Spontan", "Methode"]).exists()


def test_vocabulary_tags_match_regardless_of_case_and_take_its_spelling(api, course, binding):
    response = post(api, note_data(course, ["methode", "  BEISPIEL "]))
    assert response.status_code == 201
    assert sorted(response.json()["tags"]) == ["Beispiel", "Methode"]
    assert sorted(Annotation.objects.get().tags.names()) == ["Beispiel", "Methode"]


def test_a_note_without_tags_is_fine_under_a_binding_vocabulary(api, course, binding):
    assert post(api, note_data(course, [])).status_code == 201


def test_a_non_binding_vocabulary_allows_any_tag(api, course, instructor):
    vocabulary_set(user=instructor, course=course, tags=VOCABULARY, binding=False)
    response = post(api, note_data(course, ["Frei", "methode"]))
    assert response.status_code == 201
    assert sorted(response.json()["tags"]) == ["Frei", "methode"]


@pytest.mark.parametrize("visibility", ["private", "public"])
def test_private_and_public_notes_are_not_bound(api, course, binding, visibility):
    response = post(api, note_data(course, ["Frei"], visibility=visibility, group=None))
    assert response.status_code == 201
    assert response.json()["tags"] == ["Frei"]


def test_a_group_without_a_course_is_not_bound(student, p2, course, binding):
    from annotations.models import Group

    group = Group.objects.create(name="Lesekreis", slug="lesekreis")
    group.members.add(student)
    annotation = note(student, p2, ["Frei"], visibility="group", group=group)
    assert list(annotation.tags.names()) == ["Frei"]


def test_a_reply_in_the_course_is_bound_too(api, course, binding, student, p2):
    root = note(student, p2, ["These"], visibility="group", group=course.group)
    response = post(api, {"reply_to": str(root.uuid), "body": "Antwort", "tags": ["Frei"]})
    assert response.status_code == 400 and ALLOWED in response.json()["error"]["message"]
    assert Annotation.objects.count() == 1


# Binding on edit: new tags, and moving a note into the course


def test_changing_tags_to_ones_outside_the_vocabulary_is_refused(api, course, binding, student, p2):
    annotation = note(student, p2, ["These"], visibility="group", group=course.group)
    response = patch(api, annotation, {"tags": ["These", "Frei"]})
    assert response.status_code == 400 and ALLOWED in response.json()["error"]["message"]
    assert list(annotation.tags.names()) == ["These"]
    assert not AnnotationRevision.objects.exists()


def test_moving_a_freely_tagged_note_into_the_course_is_refused(api, course, binding, student, p2):
    annotation = note(student, p2, ["Frei"])
    response = patch(api, annotation, {"visibility": "group", "group": course.group.slug})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "tags"
    assert "not “Frei”" in response.json()["error"]["message"]
    annotation.refresh_from_db()
    assert annotation.visibility == "private" and annotation.group is None


def test_moving_a_note_with_vocabulary_tags_into_the_course_is_allowed(
    course, binding, student, p2
):
    annotation = note(student, p2, ["these"], visibility="public")
    annotation_update(user=student, annotation=annotation, visibility="group", group=course.group)
    annotation.refresh_from_db()
    assert annotation.visibility == "group"
    # Tags are shared regardless of case; a note in the course spells them as the course does.
    assert list(annotation.tags.names()) == ["These"]


def test_moving_a_note_out_of_the_course_frees_its_tags(course, binding, student, p2):
    annotation = note(student, p2, ["These"], visibility="group", group=course.group)
    annotation_update(user=student, annotation=annotation, visibility="private", tags=["Frei"])
    assert list(annotation.tags.names()) == ["Frei"]


def test_notes_tagged_before_the_vocabulary_bound_keep_their_tags_through_other_edits(
    course, instructor, student, p2
):
    annotation = note(student, p2, ["Frei"], visibility="group", group=course.group)
    vocabulary_set(user=instructor, course=course, tags=VOCABULARY, binding=True)
    annotation_update(user=student, annotation=annotation, body="Neu gefasst.")
    assert list(annotation.tags.names()) == ["Frei"]
    with pytest.raises(AnnotationError, match=ALLOWED):
        annotation_update(user=student, annotation=annotation, tags=["Frei", "Neu"])


def test_the_plain_form_shows_the_refusal_on_its_tags_field(client, course, binding, student, p2):
    client.force_login(student)
    response = client.post(
        "/annotations/new/?edition=test-interview&paragraph=p2",
        {
            "motivation": "commenting",
            "body": "Ohne Skript.",
            "tags": "These, Frei",
            "visibility": "group",
            "group": course.group.slug,
        },
    )
    assert response.status_code == 200
    assert "not “Frei”; " + ALLOWED in text(response)
    assert not Annotation.objects.exists()
