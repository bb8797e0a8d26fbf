"""Every annotation shape the site writes, read by a JSON-LD processor (pyld): no key is lost in
expansion (a key no context defines is dropped silently, which is how `edition:visibility`
went unread before the site published its own context at /annotations/context.jsonld).

No network here: the loader serves the site's context from the site itself and, for
http://www.w3.org/ns/anno.jsonld, `data/anno_terms.jsonld`, the terms of the Web Annotation
Vocabulary (w3.org/TR/annotation-vocab, §3 and its JSON-LD context) that these shapes and
the foreign fixtures use, written out from the specification."""

import json
from pathlib import Path

import pytest
from django.test import Client
from pyld import jsonld

from accounts import tokens
from annotations import services, w3c
from annotations.services import TextSelector

DATA = Path(__file__).parent / "data"
SENTINEL = "http://example.org/kept"  # so that a probe with only an `id` is not dropped
LDP = {"@context": {"ldp": "http://www.w3.org/ns/ldp#", "BasicContainer": "ldp:BasicContainer"}}


@pytest.fixture
def loader(db):
    client = Client()

    def load(url, options=None):
        if url == w3c.ANNO_CONTEXT:
            document = json.loads((DATA / "anno_terms.jsonld").read_text())
        elif url == w3c.LDP_CONTEXT:
            document = LDP
        elif url == "http://testserver/annotations/context.jsonld":
            response = client.get("/annotations/context.jsonld")
            assert response["Content-Type"] == "application/ld+json"
            assert response["Access-Control-Allow-Origin"] == "*"
            document = response.json()
        else:
            raise jsonld.JsonLdError(f"no network for {url}", "loading document failed")
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load


def lost_keys(document: dict, loader) -> list[str]:
    """The keys (JSON paths) that expand to nothing, or to no web IRI, under the document's
    `@context`."""
    context = document["@context"]
    lost = []

    def walk(node, path):
        if isinstance(node, list):
            for n, item in enumerate(node):
                walk(item, f"{path}[{n}]")
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    continue
                probe = {"@context": context, SENTINEL: "kept", key: "x"}
                names = set(jsonld.expand(probe, {"documentLoader": loader})[0]) - {SENTINEL}
                # Dropped, or read as an IRI of a made-up scheme ("edition:visibility").
                if not names or not all(name.startswith(("@", "http")) for name in names):
                    lost.append(f"{path}.{key}".lstrip("."))
                walk(value, f"{path}.{key}")

    walk(document, "")
    return lost


@pytest.fixture
def shapes(people, p2):
    ann, group = people["ann"], people["group"]
    passage = services.annotation_create(
        user=ann,
        paragraph=p2,
        selector=TextSelector(4, 10, "Archiv"),
        motivation="commenting",
        body="Ein *Ort*.",
        tags=["Archiv"],
        visibility="group",
        group=group,
        colour="blue",
    )
    whole = services.annotation_create(
        user=ann, paragraph=p2, motivation="highlighting", visibility="public"
    )
    reply = services.annotation_create(
        user=people["ben"], parent=passage, motivation="replying", body="Ja."
    )
    return ann, [passage, whole, reply]


def test_every_shape_of_the_protocol_expands_without_losing_a_key(shapes, loader):
    ann, annotations = shapes
    _token, raw = tokens.api_token_create(user=ann, name="ld")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    documents = [client.get(f"/annotations/w3c/{a.uuid}/").json() for a in annotations]
    documents.append(client.get("/annotations/w3c/").json())
    documents.append(client.get("/annotations/w3c/?iris=0&page=0").json())
    client.force_login(ann)
    documents.append(client.get("/annotations/mine/export.jsonld").json())
    for document in documents:
        assert lost_keys(document, loader) == []
    expanded = jsonld.expand(documents[0], {"documentLoader": loader})[0]
    ours = "http://testserver/annotations/context.jsonld#"
    assert expanded[f"{ours}visibility"] == [{"@value": "group"}]
    assert expanded[f"{ours}group"] == [{"@value": "seminar-a"}]
    assert expanded[f"{ours}colour"] == [{"@value": "blue"}]
    assert expanded["http://www.w3.org/ns/oa#motivatedBy"] == [
        {"@id": "http://www.w3.org/ns/oa#commenting"}
    ]


def test_the_foreign_shapes_expand_without_losing_a_key(loader):
    for name in ("hypothesis", "recogito", "plain_w3c"):
        for document in json.loads((DATA / "foreign" / f"{name}.jsonld").read_text()):
            assert lost_keys(document, loader) == [], name


def test_the_context_defines_the_site_terms_and_the_annotation_names_it(shapes):
    _ann, annotations = shapes
    data = w3c.annotation_as_w3c(annotations[0], base_url="http://testserver")
    assert data["@context"] == [w3c.ANNO_CONTEXT, "http://testserver/annotations/context.jsonld"]
    context = Client().get("/annotations/context.jsonld").json()["@context"]
    for key in (w3c.VISIBILITY, w3c.GROUP, w3c.COLOUR):
        assert key in data and key in context


def test_an_annotation_meets_the_models_shoulds(shapes):
    _ann, annotations = shapes
    passage, _whole, reply = (
        w3c.annotation_as_w3c(a, base_url="http://testserver") for a in annotations
    )
    assert passage["generator"] == {
        "id": "http://testserver/",
        "type": "Software",
        "name": w3c.GENERATOR_NAME,
    }
    note = passage["body"][0]
    assert note["creator"] == passage["creator"]
    assert set(passage["creator"]) == {"id", "type", "name"}
    assert passage["audience"] == {"type": "Audience", "name": "Seminar A"}
    assert "audience" not in _whole_of(annotations)
    assert reply["creator"]["name"] == "ben" and reply["modified"]


def _whole_of(annotations) -> dict:
    return w3c.annotation_as_w3c(annotations[1], base_url="http://testserver")
