"""Creating, editing and deleting annotations through the one write path."""

import pytest
from taggit.models import Tag

from annotations.models import Annotation, AnnotationRevision
from annotations.services import (
    AnnotationError,
    AnnotationPermissionError,
    TextSelector,
    annotation_create,
    annotation_delete,
    annotation_update,
)

PARAGRAPH = "Ein Archiv ist ein Ort der Bildproduktion, sagt man."


def comment(user, paragraph, **kwargs):
    values = {"motivation": "commenting", "body": "Eine **Notiz**.", "visibility": "private"}
    return annotation_create(user=user, paragraph=paragraph, **{**values, **kwargs})


def test_passage_annotation_stores_quote_position_and_context(people, p2):
    start = PARAGRAPH.index("Ort der Bildproduktion")
    selector = TextSelector(start, start + 22, "Ort der Bildproduktion")
    annotation = comment(people["ann"], p2, selector=selector, tags=["These", "Archiv"])
    assert (annotation.position_start, annotation.position_end) == (start, start + 22)
    assert annotation.quote_exact == "Ort der Bildproduktion"
    assert annotation.quote_prefix == "Ein Archiv ist ein "
    assert annotation.quote_suffix == ", sagt man."
    assert annotation.body_html == "<p>Eine <strong>Notiz</strong>.</p>"
    assert sorted(annotation.tags.names()) == ["Archiv", "These"]


@pytest.mark.parametrize(
    ("selector", "field", "message"),
    [
        (TextSelector(10, 400, "x"), "selector", "outside paragraph p2"),
        (TextSelector(5, 5, ""), "selector", "outside paragraph p2"),
        (TextSelector(0, 10, "Ein Bild i"), "selector.exact", "does not match the text of p2"),
        (TextSelector(4, 10, "Archiv", prefix="Kein "), "selector.prefix", "does not match"),
        (TextSelector(4, 10, "Archiv", suffix=" war"), "selector.suffix", "does not match"),
    ],
)
def test_bad_selector_is_refused_and_nothing_saved(people, p2, selector, field, message):
    with pytest.raises(AnnotationError) as info:
        comment(people["ann"], p2, selector=selector)
    assert info.value.field == field and message in info.value.message
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"body": "x" * 10_001}, "body"),
        ({"motivation": "highlighting", "body": "note"}, "body"),
        ({"motivation": "commenting", "body": "  "}, "body"),
        ({"tags": [f"t{n}" for n in range(11)]}, "tags"),
        ({"tags": ["x" * 51]}, "tags"),
        ({"tags": "Archiv"}, "tags"),
        ({"visibility": "everyone"}, "visibility"),
        ({"colour": "red"}, "colour"),
        ({"motivation": "liking"}, "motivation"),
    ],
)
def test_bad_input_names_the_field(people, p2, kwargs, field):
    with pytest.raises(AnnotationError) as info:
        comment(people["ann"], p2, **kwargs)
    assert info.value.field == field
    assert not Annotation.objects.exists()


def test_tags_are_unique_regardless_of_case(people, p2):
    annotation = comment(people["ann"], p2, tags=["Methode", "methode", " Methode  ", "These"])
    assert sorted(annotation.tags.names()) == ["Methode", "These"]
    other = comment(people["ben"], p2, tags=["METHODE"])
    # One tag, stored once; each note keeps its own spelling (ann's private one is not ben's).
    assert list(other.tags.names()) == ["METHODE"]
    assert Tag.objects.filter(slug="methode").count() == 1
    assert {tag.pk for tag in other.tags.all()} <= {tag.pk for tag in annotation.tags.all()}


def test_group_visibility_needs_membership(people, p2):
    with pytest.raises(AnnotationError, match="not a member"):
        comment(people["cy"], p2, visibility="group", group=people["group"])
    annotation = comment(people["ann"], p2, visibility="group", group=people["group"])
    assert annotation.group == people["group"]


def test_highlight_has_no_body(people, p2):
    highlight = annotation_create(
        user=people["ann"],
        paragraph=p2,
        motivation="highlighting",
        colour="green",
        selector=TextSelector(4, 10, "Archiv"),
    )
    assert (highlight.body, highlight.colour) == ("", "green")


def test_reply_joins_the_thread_with_its_audience(people, p2):
    root = comment(people["ann"], p2, visibility="group", group=people["group"])
    reply = annotation_create(
        user=people["ben"], parent=root, motivation="replying", body="Stimmt.", visibility="public"
    )
    assert (reply.visibility, reply.group, reply.root, reply.paragraph) == (
        "group",
        people["group"],
        root,
        None,
    )
    second = annotation_create(user=people["ann"], parent=reply, motivation="replying", body="Ja.")
    assert second.root == root


def test_reply_cannot_target_text(people, p2):
    root = comment(people["ann"], p2)
    with pytest.raises(AnnotationError, match="targets an annotation"):
        annotation_create(
            user=people["ann"],
            parent=root,
            motivation="replying",
            body="x",
            selector=TextSelector(4, 10, "Archiv"),
        )


def test_edit_keeps_previous_version(people, p2):
    annotation = comment(people["ann"], p2, tags=["Alt"])
    updated = annotation_update(
        user=people["ann"], annotation=annotation, body="Neu *gefasst*.", tags=["Neu"]
    )
    assert updated.body_html == "<p>Neu <em>gefasst</em>.</p>"
    assert list(updated.tags.names()) == ["Neu"]
    revision = AnnotationRevision.objects.get()
    assert (revision.body, revision.tags) == ("Eine **Notiz**.", ["Alt"])
    assert revision.superseded_at == updated.modified


def test_only_the_author_edits_or_deletes(people, p2):
    annotation = comment(people["ann"], p2, visibility="public")
    with pytest.raises(AnnotationPermissionError):
        annotation_update(user=people["ben"], annotation=annotation, body="Hijack")
    with pytest.raises(AnnotationPermissionError):
        annotation_delete(user=people["ben"], annotation=annotation)
    annotation.refresh_from_db()
    assert annotation.body == "Eine **Notiz**." and not annotation.is_deleted


def test_changing_visibility_moves_the_whole_thread(people, p2):
    root = comment(people["ann"], p2, visibility="public")
    reply = annotation_create(user=people["ben"], parent=root, motivation="replying", body="Ok")
    annotation_update(
        user=people["ann"], annotation=root, visibility="group", group=people["group"]
    )
    reply.refresh_from_db()
    assert (reply.visibility, reply.group) == ("group", people["group"])


def test_anonymous_cannot_annotate(p2):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(AnnotationPermissionError):
        comment(AnonymousUser(), p2)


def test_tag_without_letters_or_digits_is_refused():
    """Its slug would be empty, and a tag page needs a slug."""
    import pytest

    from annotations.services import AnnotationError, tags_normalise

    with pytest.raises(AnnotationError, match="needs at least one letter or digit"):
        tags_normalise(["Methode", "?!"])
    assert tags_normalise(["Größe"]) == ["Größe"]
