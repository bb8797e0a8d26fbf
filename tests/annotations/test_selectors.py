"""Who sees what: visibility is part of the query."""

import pytest
from django.contrib.auth.models import AnonymousUser

from annotations.selectors import annotation_list, annotations_visible_to
from annotations.services import annotation_create, annotation_delete


@pytest.fixture
def notes(people, p2):
    def make(user, visibility, **kwargs):
        return annotation_create(
            user=user,
            paragraph=p2,
            motivation="commenting",
            body=f"{visibility} note",
            visibility=visibility,
            **kwargs,
        )

    return {
        "private": make(people["ann"], "private"),
        "group": make(people["ann"], "group", group=people["group"]),
        "public": make(people["ann"], "public"),
    }


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("anonymous", {"public"}),
        ("ann", {"private", "group", "public"}),
        ("ben", {"group", "public"}),
        ("cy", {"public"}),
    ],
)
def test_visibility_matrix(people, notes, viewer, expected):
    user = AnonymousUser() if viewer == "anonymous" else people[viewer]
    seen = {a.body.split()[0] for a in annotations_visible_to(user)}
    assert seen == expected


def test_deleted_annotation_without_replies_disappears(people, notes):
    annotation_delete(user=people["ann"], annotation=notes["public"])
    assert notes["public"] not in annotations_visible_to(people["cy"])


def test_deleted_annotation_with_replies_stays_as_placeholder(people, notes):
    annotation_create(user=people["cy"], parent=notes["public"], motivation="replying", body="?")
    annotation_delete(user=people["ann"], annotation=notes["public"])
    placeholder = annotations_visible_to(people["cy"]).get(pk=notes["public"].pk)
    assert placeholder.is_deleted


def test_list_filters_by_paragraph_tag_author_and_scope(people, notes, p2, edition):
    tagged = annotation_create(
        user=people["ben"],
        paragraph=p2,
        motivation="questioning",
        body="Warum?",
        visibility="public",
        tags=["Methode"],
    )
    reply = annotation_create(user=people["ann"], parent=tagged, motivation="replying", body="So.")
    ann = people["ann"]
    assert set(annotation_list(ann, paragraph_id="p2")) == {*notes.values(), tagged, reply}
    assert list(annotation_list(ann, paragraph_id="p3")) == []
    assert list(annotation_list(ann, tag="methode")) == [tagged]
    assert list(annotation_list(ann, author="ben")) == [tagged]
    assert set(annotation_list(ann, scope="mine")) == {*notes.values(), reply}
    assert list(annotation_list(ann, scope="groups")) == [notes["group"]]
    assert list(annotation_list(people["cy"], edition=edition, scope="mine")) == []
