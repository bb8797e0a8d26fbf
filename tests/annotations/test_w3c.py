"""Annotations as W3C Web Annotation JSON-LD and back: the shape, and strict reading of input."""

import copy
import re
import uuid

import pytest

from annotations import services, w3c
from annotations.models import Annotation
from annotations.services import AnnotationError, TextSelector
from tests import factories

BASE = "http://testserver"
P2 = "Ein Archiv ist ein Ort der Bildproduktion, sagt man."
START = P2.index("Bildproduktion")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def passage(**changes):
    data = {
        "@context": w3c.ANNO_CONTEXT,
        "type": "Annotation",
        "motivation": "commenting",
        "body": [
            {"type": "TextualBody", "value": "Vgl. **Farocki**.", "format": "text/markdown"},
            {"type": "TextualBody", "purpose": "tagging", "value": "These"},
        ],
        "target": {
            "source": f"{BASE}/test-interview/",
            "selector": {
                "type": "FragmentSelector",
                "conformsTo": w3c.RFC3986,
                "value": "p2",
                "refinedBy": [
                    {"type": "TextQuoteSelector", "exact": "Bildproduktion"},
                    {"type": "TextPositionSelector", "start": START, "end": START + 14},
                ],
            },
        },
    }
    data.update(changes)
    return data


def note(people, p2, **changes):
    kwargs = {
        "user": people["ann"],
        "paragraph": p2,
        "selector": TextSelector(START, START + 14, "Bildproduktion"),
        "motivation": "commenting",
        "body": "Vgl. **Farocki**.",
        "tags": ["These", "bild"],
        "visibility": "public",
    }
    return services.annotation_create(**{**kwargs, **changes})


def as_w3c(annotation):
    return w3c.annotation_as_w3c(Annotation.objects.get(pk=annotation.pk), base_url=BASE)


# Out --------------------------------------------------------------------------------------------


def test_passage_annotation_follows_the_web_annotation_model(people, p2):
    annotation = note(people, p2, colour="blue")
    data = as_w3c(annotation)
    assert data["@context"] == [
        "http://www.w3.org/ns/anno.jsonld",
        "http://testserver/annotations/context.jsonld",
    ]
    assert data["id"] == f"{BASE}/annotations/w3c/{annotation.uuid}/"
    assert data["type"] == "Annotation"
    assert data["motivation"] == "commenting"
    assert DATETIME.match(data["created"]) and DATETIME.match(data["modified"])
    assert data["body"] == [
        {
            "type": "TextualBody",
            "value": "Vgl. **Farocki**.",
            "format": "text/markdown",
            "creator": data["creator"],
        },
        {"type": "TextualBody", "purpose": "tagging", "value": "bild"},
        {"type": "TextualBody", "purpose": "tagging", "value": "These"},
    ]
    assert data["target"] == {
        "source": f"{BASE}/test-interview/",
        "selector": {
            "type": "FragmentSelector",
            "conformsTo": "http://tools.ietf.org/rfc/rfc3986",
            "value": "p2",
            "refinedBy": [
                {
                    "type": "TextQuoteSelector",
                    "exact": "Bildproduktion",
                    "prefix": "Ein Archiv ist ein Ort der ",
                    "suffix": ", sagt man.",
                },
                {"type": "TextPositionSelector", "start": START, "end": START + 14},
            ],
        },
    }
    assert data["edition:visibility"] == "public"
    assert data["edition:colour"] == "blue"
    assert "edition:group" not in data


def test_body_has_no_language_when_none_is_recorded(people, p2):
    assert "language" not in as_w3c(note(people, p2))["body"][0]


def test_whole_paragraph_note_has_only_the_fragment_selector(people, p2):
    data = as_w3c(note(people, p2, selector=None))
    assert data["target"]["selector"] == {
        "type": "FragmentSelector",
        "conformsTo": w3c.RFC3986,
        "value": "p2",
    }


def test_highlight_has_no_note_body_and_tags_stay_bodies(people, p2):
    bare = as_w3c(note(people, p2, motivation="highlighting", body="", tags=[]))
    assert bare["motivation"] == "highlighting" and "body" not in bare
    tagged = as_w3c(note(people, p2, motivation="highlighting", body="", tags=["Archiv"]))
    assert tagged["body"] == [{"type": "TextualBody", "purpose": "tagging", "value": "Archiv"}]


def test_reply_targets_the_annotation_it_answers(people, p2):
    parent = note(people, p2, visibility="group", group=people["group"])
    reply = services.annotation_create(
        user=people["ben"], parent=parent, motivation="replying", body="Ja."
    )
    data = as_w3c(reply)
    assert data["motivation"] == "replying"
    assert data["target"] == f"{BASE}/annotations/w3c/{parent.uuid}/"
    assert data["edition:visibility"] == "group"
    assert data["edition:group"] == "seminar-a"


def test_creator_is_a_stable_iri_with_the_display_name_never_the_email(make_user, edition):
    user = make_user("dora", display_name="Dora D.")
    p2 = edition.paragraphs.get(public_id="p2")
    annotation = services.annotation_create(
        user=user, paragraph=p2, motivation="commenting", body="x", visibility="public"
    )
    creator = as_w3c(annotation)["creator"]
    assert creator["type"] == "Person" and creator["name"] == "Dora D."
    assert creator["id"].startswith("urn:uuid:")
    uuid.UUID(creator["id"].removeprefix("urn:uuid:"))
    assert "dora" not in creator["id"] and "@" not in creator["id"]
    user.username = "dora2"
    user.save()
    assert as_w3c(annotation)["creator"]["id"] == creator["id"]


def test_annotation_of_a_deleted_account_has_no_creator(people, p2):
    annotation = note(people, p2)
    people["ann"].delete()
    assert "creator" not in as_w3c(annotation)


def test_etag_follows_content_not_formatting():
    assert w3c.etag_of({"a": 1, "b": [1, 2]}) == w3c.etag_of({"b": [1, 2], "a": 1})
    assert w3c.etag_of({"a": 1}) != w3c.etag_of({"a": 2})
    assert re.fullmatch(r'"[0-9a-f]{32}"', w3c.etag_of({}))


# In: structure --------------------------------------------------------------------------------


def test_parse_reads_passage_note_and_tags():
    parsed = w3c.w3c_parse(passage())
    assert parsed.motivation == "commenting"
    assert parsed.note == "Vgl. **Farocki**." and parsed.tags == ["These"]
    assert parsed.target.paragraph_id == "p2"
    assert parsed.target.quote.exact == "Bildproduktion"
    assert (parsed.target.position.start, parsed.target.position.end) == (START, START + 14)


def test_parse_accepts_body_value_a_single_body_and_context_lists():
    parsed = w3c.w3c_parse(
        passage(**{"@context": [w3c.ANNO_CONTEXT, {"x": "y"}], "type": ["Annotation", "Note"]})
    )
    assert parsed.note == "Vgl. **Farocki**."
    data = passage(body={"type": "TextualBody", "value": "eins"})
    assert w3c.w3c_parse(data).note == "eins"
    data = passage(bodyValue="zwei")
    del data["body"]
    assert w3c.w3c_parse(data).note == "zwei"


def broken(path: str, value=None, *, delete: bool = False):
    """A valid annotation with one thing changed at a JSON path such as target.selector.value."""
    data = copy.deepcopy(passage())
    *parents, last = re.findall(r"[^.\[\]]+", path)
    node = data
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    key = int(last) if last.isdigit() else last
    if delete:
        del node[key]
    else:
        node[key] = value
    return data


REFINED = "target.selector.refinedBy"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([1, 2], "request"),
        (broken("@context", delete=True), "@context"),
        (broken("@context", "http://www.w3.org/ns/activitystreams"), "@context"),
        (broken("type", "Note"), "type"),
        (broken("type", delete=True), "type"),
        (broken("bodyValue", "auch"), "bodyValue"),
        (broken("body", "http://example.org/body1"), "body"),
        (broken("body.0.type", "SpecificResource"), "body[0].type"),
        (broken("body.0.value", delete=True), "body[0].value"),
        (broken("body.0.format", "text/html"), "body[0].format"),
        (broken("body.1.purpose", "linking"), "body[1].purpose"),
        (broken("body.1.purpose", delete=True), "body[1]"),
        (broken("body", [{"type": "TextualBody", "value": "x"}] * 12), "body"),
        (broken("motivation", "bookmarking"), "motivation"),
        (broken("edition:visibility", 1), "edition:visibility"),
        (broken("target", delete=True), "target"),
        (broken("target", ["a", "b"]), "target"),
        (broken("target.source", delete=True), "target.source"),
        (broken("canonical", "not an IRI"), "canonical"),
        (broken("canonical", ["urn:uuid:1"]), "canonical"),
        (broken("via", ["urn:uuid:1", 2]), "via[1]"),
        (broken("target.selector", [{"type": "FragmentSelector"}]), "target.selector[0].value"),
        (broken("target.selector", [{"value": "p2"}]), "target.selector[0].type"),
        (broken("target.selector", [{"type": "SvgSelektor"}]), "target.selector[0].type"),
        (broken("target.selector", [{"type": "TextQuoteSelector"}]), "target.selector[0].exact"),
        (broken("target.selector.type", "TextQuoteSelector"), "target.selector.refinedBy"),
        (broken("target.selector.value", "12"), "target.selector.value"),
        (broken("target.selector.value", "p0"), "target.selector.value"),
        (broken(f"{REFINED}.0.type", "XPathSelector"), f"{REFINED}[0].type"),
        (broken(f"{REFINED}.0.exact", delete=True), f"{REFINED}[0].exact"),
        (broken(f"{REFINED}.0.exact", ""), f"{REFINED}[0].exact"),
        (broken(f"{REFINED}.0.prefix", 3), f"{REFINED}[0].prefix"),
        (
            broken(f"{REFINED}.0.refinedBy", {"type": "TextPositionSelector"}),
            f"{REFINED}[0].refinedBy",
        ),
        (broken(f"{REFINED}.1.start", "27"), f"{REFINED}[1].start"),
        (broken(f"{REFINED}.1.start", True), f"{REFINED}[1].start"),
        (broken(f"{REFINED}.1.end", -1), f"{REFINED}[1].end"),
        (broken(f"{REFINED}.1.end", START), f"{REFINED}[1].end"),
        (broken(f"{REFINED}.1.type", "TextQuoteSelector"), f"{REFINED}[1]"),
        (broken(REFINED, [{"type": "TextQuoteSelector", "exact": "a"}] * 3), REFINED),
    ],
)
def test_parse_refuses_what_it_cannot_store_and_names_the_path(data, field):
    with pytest.raises(AnnotationError) as caught:
        w3c.w3c_parse(data)
    assert caught.value.field == field


# In: against the database ---------------------------------------------------------------------


def resolve(data, user):
    return w3c.annotation_input(w3c.w3c_parse(data), user=user, base_url=BASE)


def test_input_resolves_paragraph_and_passage(people, p2):
    given = resolve(passage(), people["ann"])
    assert given.paragraph == p2
    assert given.selector == TextSelector(START, START + 14, "Bildproduktion")
    assert (given.motivation, given.body, given.tags) == (
        "commenting",
        "Vgl. **Farocki**.",
        ["These"],
    )


def test_a_quote_alone_is_found_and_a_position_alone_takes_its_text(people, p2):
    quote_only = broken(REFINED, [{"type": "TextQuoteSelector", "exact": "Bildproduktion"}])
    assert resolve(quote_only, people["ann"]).selector == TextSelector(
        START, START + 14, "Bildproduktion"
    )
    position_only = broken(REFINED, {"type": "TextPositionSelector", "start": 0, "end": 10})
    assert resolve(position_only, people["ann"]).selector.exact == "Ein Archiv"


def test_an_ambiguous_quote_needs_context(people, edition):
    # p3: "Bilder über Bildern, Größe und Maß: „operative Bilder“."
    data = broken("target.selector.value", "p3")
    data["target"]["selector"]["refinedBy"] = [{"type": "TextQuoteSelector", "exact": "Bilder"}]
    with pytest.raises(AnnotationError, match="occurs 3 times") as caught:
        resolve(data, people["ann"])
    assert caught.value.field == f"{REFINED}[0].exact"
    data["target"]["selector"]["refinedBy"][0]["prefix"] = "operative "
    assert resolve(data, people["ann"]).selector.start == 47


def test_motivation_is_inferred_when_missing(people, p2):
    assert resolve(broken("motivation", delete=True), people["ann"]).motivation == "commenting"
    data = broken("motivation", delete=True)
    del data["body"]
    assert resolve(data, people["ann"]).motivation == "highlighting"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (broken("target.source", f"{BASE}/no-such-edition/"), "target.source"),
        (broken("target.selector", delete=True), "target.selector"),
        (broken("target.selector.type", "CssSelector"), "target.selector"),
        (
            broken("target.selector.conformsTo", "http://www.w3.org/TR/media-frags/"),
            "target.selector",
        ),
        (broken("target.selector.value", "p99"), "target.selector.value"),
        (
            broken(REFINED, [{"type": "TextQuoteSelector", "exact": "Kunst"}]),
            f"{REFINED}[0].exact",
        ),
        (
            broken(REFINED, {"type": "TextPositionSelector", "start": 0, "end": 999}),
            f"{REFINED}.end",
        ),
        (broken("target", f"{BASE}/annotations/w3c/{uuid.uuid4()}/"), "target"),
        (broken("target", "https://example.org/annotations/1"), "target"),
        (broken("edition:group", "seminar-x"), "edition:group"),
    ],
)
def test_input_refuses_what_is_not_here(people, edition, data, field):
    with pytest.raises(AnnotationError) as caught:
        resolve(data, people["ann"])
    assert caught.value.field == field


def test_a_reply_may_only_answer_an_annotation_its_author_can_see(people, p2):
    private = note(people, p2, visibility="private")
    data = passage(target=f"{BASE}/annotations/w3c/{private.uuid}/", body=[])
    data["body"] = [{"type": "TextualBody", "value": "Ja."}]
    data["motivation"] = "replying"
    with pytest.raises(AnnotationError) as caught:
        resolve(data, people["ben"])
    assert caught.value.field == "target"
    assert resolve(data, people["ann"]).parent == private
    # The page's permalink names the same annotation.
    data["target"] = f"{BASE}/annotations/{private.uuid}/"
    assert resolve(data, people["ann"]).parent == private


def test_a_group_is_only_one_the_author_belongs_to(people, edition):
    data = passage(**{"edition:visibility": "group", "edition:group": "seminar-a"})
    assert resolve(data, people["ann"]).group == people["group"]
    with pytest.raises(AnnotationError) as caught:
        resolve(data, people["cy"])
    assert caught.value.field == "edition:group"


def test_service_errors_are_named_by_their_w3c_path(people, p2):
    parsed = w3c.w3c_parse(broken(f"{REFINED}.0.exact", "Bildprodukti0n"))
    given = w3c.annotation_input(parsed, user=people["ann"], base_url=BASE)
    with pytest.raises(AnnotationError) as caught:
        services.annotation_create(
            user=people["ann"],
            paragraph=given.paragraph,
            selector=given.selector,
            motivation=given.motivation,
            body=given.body,
        )
    assert w3c.service_error(caught.value, parsed).field == f"{REFINED}[0].exact"
    tags = AnnotationError("tags", "at most 10 tags")
    assert w3c.service_error(tags, parsed).field == "body"
    assert w3c.service_error(AnnotationError("paragraph", "withdrawn"), parsed).field == (
        "target.selector.value"
    )


def test_same_target_compares_paragraph_position_and_quote(people, p2):
    annotation = note(people, p2)
    assert w3c.same_target(annotation, resolve(passage(), people["ann"]))
    other_position = broken(f"{REFINED}.1.start", START + 1)
    assert not w3c.same_target(annotation, resolve(other_position, people["ann"]))
    whole = broken("target.selector.refinedBy", delete=True)
    assert not w3c.same_target(annotation, resolve(whole, people["ann"]))


def test_an_edition_elsewhere_on_this_server_is_another_source(people, edition):
    document = factories.make_document(
        edition={**factories.BASE_DOCUMENT["edition"], "slug": "zwei"}
    )
    factories.make_edition(document)
    given = resolve(broken("target.source", f"{BASE}/zwei/"), people["ann"])
    assert given.paragraph.edition.slug == "zwei"
