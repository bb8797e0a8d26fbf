"""Importing annotations: W3C JSON-LD (a round trip through the export), a Hypothesis export of
the interview, all-or-nothing and partial imports, bad files, and who ends up seeing what."""

import copy
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from annotations import importing, selectors, w3c
from annotations.importing import files
from annotations.models import Annotation
from annotations.services import TextSelector, annotation_create, annotation_delete
from edition.models import Edition
from edition.services import edition_import
from edition.source import load_source_file

BASE = "http://testserver"
SAMPLE = Path(__file__).parent / "data" / "hypothesis_sample.json"
DOI = "https://doi.org/10.3224/soz.v16i1.06"
P2 = "Ein Archiv ist ein Ort der Bildproduktion, sagt man."


@pytest.fixture
def real_edition(db):
    """The interview itself: the Hypothesis sample quotes its text."""
    edition_import(source=load_source_file(Path(settings.EDITION_SOURCE_DIR) / "erz-2023.yaml"))
    return Edition.objects.get(slug="erz-2023")


@pytest.fixture
def lena(make_user):
    return make_user("lena")


def sample() -> dict:
    return json.loads(SAMPLE.read_text())


def line_of_id(text: str, reference: str) -> int:
    return text[: text.index(f'"id": "{reference}"')].count("\n") + 1


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, content, *, name="annotations.json", **fields):
    if isinstance(content, (dict, list)):
        content = json.dumps(content, ensure_ascii=False, indent=2)
    if isinstance(content, str):
        content = content.encode()
    data = {"file": SimpleUploadedFile(name, content, "application/json"), "visibility": "private"}
    return client.post("/annotations/import/", data | fields)


def live(user) -> list[Annotation]:
    return list(
        Annotation.objects.filter(author=user, deleted_at__isnull=True)
        .select_related("paragraph", "parent")
        .order_by("created", "id")
    )


def tags_of(annotation) -> list[str]:
    return sorted(annotation.tags.names(), key=str.casefold)


def signature(annotation) -> tuple:
    """What must survive a round trip: target, passage, words, tags, kind, colour, thread."""
    return (
        annotation.paragraph.public_id if annotation.paragraph_id else None,
        annotation.position_start,
        annotation.position_end,
        annotation.quote_exact,
        annotation.quote_prefix,
        annotation.quote_suffix,
        annotation.body,
        tuple(tags_of(annotation)),
        annotation.motivation,
        annotation.colour,
        signature(annotation.parent) if annotation.parent_id else None,
    )


# A round trip through the W3C export


@pytest.fixture
def my_notes(people, edition):
    """ann's notes: passages, a whole paragraph, a highlight, a group question, a thread."""
    ann = people["ann"]
    p2, p3 = (edition.paragraphs.get(public_id=pid) for pid in ("p2", "p3"))
    start = P2.index("Bildproduktion")
    comment = annotation_create(
        user=ann,
        paragraph=p2,
        selector=TextSelector(start, start + 14, "Bildproduktion"),
        motivation="commenting",
        body="Vgl. **Farocki**: Größe und Maß.",
        tags=["These", "Bild"],
        visibility="public",
    )
    annotation_create(
        user=ann,
        paragraph=p3,
        selector=TextSelector(0, 6, "Bilder"),
        motivation="questioning",
        body="Welche Bilder?",
        tags=["Frage"],
        visibility="group",
        group=people["group"],
        colour="blue",
    )
    annotation_create(
        user=ann,
        paragraph=p2,
        selector=TextSelector(0, 10, "Ein Archiv"),
        motivation="highlighting",
        colour="green",
        tags=["Archiv"],
    )
    annotation_create(user=ann, paragraph=p3, motivation="commenting", body="Der ganze Absatz.")
    reply = annotation_create(user=ann, parent=comment, motivation="replying", body="Nachtrag.")
    annotation_create(user=ann, parent=reply, motivation="replying", body="Und noch einer.")
    return ann


@pytest.mark.parametrize("visibility", ["private", "file"])
def test_round_trip_export_delete_import_gives_the_same_annotations(my_notes, visibility):
    ann = my_notes
    client = client_for(ann)
    before = live(ann)
    exported = client.get("/annotations/mine/export.jsonld").content
    for annotation in reversed(before):
        annotation_delete(user=ann, annotation=annotation)
    assert live(ann) == []

    response = upload(client, exported, visibility=visibility)

    assert response.status_code == 200, response.content.decode()
    after = live(ann)
    assert sorted(map(signature, after), key=repr) == sorted(map(signature, before), key=repr)
    assert {a.uuid for a in after}.isdisjoint({a.uuid for a in before})
    audiences = sorted((a.visibility, a.group_id) for a in after)
    if visibility == "file":
        assert audiences == sorted((a.visibility, a.group_id) for a in before)
    else:
        assert audiences == [("private", None)] * len(after)


def test_round_trip_keeps_the_thread_of_replies(my_notes):
    client = client_for(my_notes)
    exported = client.get("/annotations/mine/export.jsonld").content
    for annotation in reversed(live(my_notes)):
        annotation_delete(user=my_notes, annotation=annotation)
    upload(client, exported)
    replies = [a for a in live(my_notes) if a.parent_id]
    first, second = sorted(replies, key=lambda a: a.body)
    assert (first.body, second.body) == ("Nachtrag.", "Und noch einer.")
    assert (
        first.parent.body == "Vgl. **Farocki**: Größe und Maß." and first.parent.is_deleted is False
    )
    assert second.parent == first
    assert second.root == first.parent


def test_an_export_imports_on_top_without_touching_what_is_there(my_notes):
    """Importing one's export again adds copies; nothing existing is changed."""
    client = client_for(my_notes)
    before = live(my_notes)
    response = upload(client, client.get("/annotations/mine/export.jsonld").content)
    assert response.status_code == 200
    after = live(my_notes)
    assert len(after) == 2 * len(before)
    assert [signature(a) for a in after[: len(before)]] == [signature(a) for a in before]


# W3C files


def w3c_note(**changes) -> dict:
    start = P2.index("Bildproduktion")
    data = {
        "@context": w3c.ANNO_CONTEXT,
        "id": "https://elsewhere.example/annotations/w3c/11111111-1111-4111-8111-111111111111/",
        "type": "Annotation",
        "motivation": "commenting",
        "bodyValue": "Eine Notiz.",
        "target": {
            "source": "https://elsewhere.example/test-interview/",
            "selector": {
                "type": "FragmentSelector",
                "value": "p2",
                "refinedBy": [
                    {"type": "TextQuoteSelector", "exact": "Bildproduktion"},
                    {"type": "TextPositionSelector", "start": start, "end": start + 14},
                ],
            },
        },
    }
    return data | changes


def test_a_single_w3c_annotation_from_another_host_is_placed(people, edition):
    report = importing.annotations_import(
        user=people["ann"], content=json.dumps(w3c_note()).encode()
    )
    assert report.saved and report.problems == []
    (annotation,) = live(people["ann"])
    assert (annotation.paragraph.public_id, annotation.quote_exact, annotation.body) == (
        "p2",
        "Bildproduktion",
        "Eine Notiz.",
    )
    assert report.format == "W3C Web Annotation"


def test_a_w3c_quote_in_another_paragraph_than_named_is_found_there_with_a_remark(people, edition):
    note = w3c_note()
    note["target"]["selector"] = {
        "type": "FragmentSelector",
        "value": "p2",
        "refinedBy": {"type": "TextQuoteSelector", "exact": "„operative Bilder“"},
    }
    report = importing.annotations_import(user=people["ann"], content=json.dumps(note).encode())
    (taken,) = report.imported
    assert (taken.paragraph, taken.remark) == ("p3", "found in p3, not in p2 as the file says")
    assert taken.annotation.quote_exact == "„operative Bilder“"


def test_a_w3c_note_on_a_whole_paragraph_stays_one(people, edition):
    note = w3c_note()
    note["target"]["selector"] = {"type": "FragmentSelector", "value": "p4"}
    importing.annotations_import(user=people["ann"], content=json.dumps(note).encode())
    (annotation,) = live(people["ann"])
    assert (annotation.paragraph.public_id, annotation.has_selector) == ("p4", False)


def test_an_unknown_w3c_selector_is_refused_for_its_item(people, edition):
    bad = w3c_note(id="urn:uuid:bad")
    bad["target"]["selector"]["refinedBy"] = [{"type": "CssSelector", "value": "p > span"}]
    content = [w3c_note(), bad]

    response = upload(client_for(people["ann"]), content)

    assert response.status_code == 400
    assert live(people["ann"]) == []
    problem = response.context["report"].problems[0]
    assert (problem.number, problem.field) == (2, "[1].target.selector.refinedBy[0].type")
    assert "must be TextQuoteSelector or TextPositionSelector" in problem.reason
    assert "[1].target.selector.refinedBy[0].type" in response.content.decode()


def test_a_reply_to_a_note_others_can_see_needs_a_visible_choice(people, edition):
    p2 = edition.paragraphs.get(public_id="p2")
    bens = annotation_create(
        user=people["ben"], paragraph=p2, motivation="commenting", body="Bens", visibility="public"
    )
    reply = {
        "@context": w3c.ANNO_CONTEXT,
        "type": "Annotation",
        "motivation": "replying",
        "bodyValue": "Meine Antwort.",
        "target": w3c.annotation_iri(bens.uuid, base_url=BASE),
    }
    content = json.dumps(reply).encode()

    refused = importing.annotations_import(user=people["ann"], content=content)
    assert not refused.saved
    assert "others can see" in refused.problems[0].reason
    taken = importing.annotations_import(user=people["ann"], content=content, visibility="public")
    assert taken.saved
    assert taken.imported[0].annotation.parent == bens


def test_a_collection_whose_pages_are_not_embedded_is_refused(people, edition):
    collection = {
        "@context": w3c.ANNO_CONTEXT,
        "type": "AnnotationCollection",
        "total": 3,
        "first": f"{BASE}/annotations/w3c/?page=0",
    }
    response = upload(client_for(people["ann"]), collection)
    assert response.status_code == 400
    assert "the collection&#x27;s page is not embedded" in response.content.decode()


def test_a_group_named_in_the_file_must_be_one_of_mine(people, edition):
    note = w3c_note(**{w3c.VISIBILITY: "group", w3c.GROUP: "seminar-a"})
    content = json.dumps(note).encode()
    refused = importing.annotations_import(user=people["cy"], content=content, visibility="file")
    assert refused.problems[0].field == w3c.GROUP
    taken = importing.annotations_import(user=people["ann"], content=content, visibility="file")
    assert taken.imported[0].annotation.group == people["group"]


# The Hypothesis sample


def test_hypothesis_sample_all_or_nothing_saves_nothing_and_reports_every_problem(
    real_edition, lena
):
    text = SAMPLE.read_text()
    rows = sample()["annotations"]

    report = importing.annotations_import(user=lena, content=text.encode())

    assert (report.format, report.total, report.saved) == ("Hypothesis", 9, False)
    assert live(lena) == []
    assert [taken.number for taken in report.imported] == [1, 2, 3, 4, 5]
    assert all(taken.annotation is None for taken in report.imported)
    problems = {problem.number: problem for problem in report.problems}
    assert sorted(problems) == [6, 7, 8, 9]
    for number, problem in problems.items():
        assert problem.reference == rows[number - 1]["id"]
        assert problem.line == line_of_id(text, problem.reference)
    assert (problems[6].field, problems[6].reason) == (
        "annotations[5].target[0].selector",
        "a note on the whole document, not on a passage: this edition annotates paragraphs "
        "(add it to one by hand)",
    )
    assert (problems[7].field, problems[7].reason) == (
        "annotations[6].target[0].selector[1].exact",
        "the quote “Die Fotografie ist am Ende.” is not in the text",
    )
    assert problems[8].field == "annotations[7].target[0].source"
    assert problems[8].reason.startswith("https://example.com/blog/ki-bilder is not an edition")
    assert (problems[9].field, problems[9].reason) == (
        "annotations[8].references",
        "answers an annotation that is neither in this file nor on this site",
    )


def test_hypothesis_sample_partial_import_places_each_annotation_by_its_quote(real_edition, lena):
    report = importing.annotations_import(user=lena, content=SAMPLE.read_bytes(), partial=True)

    assert report.saved
    assert [(t.number, t.paragraph, t.motivation) for t in report.imported] == [
        (1, "p3", "commenting"),
        (2, "p22", "commenting"),
        (3, "p29", "highlighting"),
        (4, "p3", "replying"),
        (5, "p3", "replying"),
    ]
    assert [problem.number for problem in report.problems] == [6, 7, 8, 9]
    first, whitespace, elsewhere, reply, reply_to_reply = (t.annotation for t in report.imported)
    p3 = real_edition.paragraphs.get(public_id="p3").text
    exact = "Bilder der Identifizierung, wie Polizeifotografien oder auch Fingerabdrücke"
    assert (first.position_start, first.quote_exact) == (p3.index(exact), exact)
    assert first.body == (
        "Vgl. Farockis **operative Bilder**.\n\n*Hypothesis: lena_k (hypothes.is), 2023-11-02*"
    )
    assert tags_of(first) == ["Identifizierung", "operative Bilder"]
    assert whitespace.quote_exact == "gewissermaßen einen Latenzraum aufspannen"
    assert (elsewhere.quote_exact, elsewhere.body, tags_of(elsewhere)) == (
        "Es gab immer schon Bildmanipulationen.",
        "",
        ["Bildmanipulation"],
    )
    assert reply.parent == first
    assert reply.body.endswith("*Hypothesis: jonas_b (hypothes.is), 2023-11-04*")
    assert reply_to_reply.parent == reply, "the last of `references` is the parent"
    assert {a.author for a in live(lena)} == {lena}
    assert {a.visibility for a in live(lena)} == {"private"}


@pytest.mark.parametrize("shape", ["list", "rows"])
def test_hypothesis_rows_as_a_list_or_an_api_result_read_alike(real_edition, lena, shape):
    rows = sample()["annotations"]
    content = rows if shape == "list" else {"total": len(rows), "rows": rows}
    report = importing.annotations_import(
        user=lena, content=json.dumps(content).encode(), partial=True
    )
    assert [t.paragraph for t in report.imported] == ["p3", "p22", "p29", "p3", "p3"]
    prefix = "" if shape == "list" else "rows"
    assert report.problems[0].field == f"{prefix}[5].target[0].selector"


def test_a_hypothesis_page_note_on_a_paragraph_page_is_a_note_on_that_paragraph(real_edition, lena):
    note = copy.deepcopy(sample()["annotations"][5])
    note["uri"] = note["target"][0]["source"] = "https://edition.example.org/erz-2023/p12/"
    report = importing.annotations_import(user=lena, content=json.dumps([note]).encode())
    (taken,) = report.imported
    assert (taken.paragraph, taken.annotation.has_selector) == ("p12", False)


def test_a_quote_found_in_several_paragraphs_alike_is_reported_not_guessed(real_edition, lena):
    row = copy.deepcopy(sample()["annotations"][0])
    row["target"][0]["selector"] = [{"type": "TextQuoteSelector", "exact": "Bilder"}]
    report = importing.annotations_import(user=lena, content=json.dumps([row]).encode())
    assert not report.saved
    assert report.problems[0].reason.startswith("the quote “Bilder” is in p3, p6, p7")
    assert report.problems[0].reason.endswith("its prefix and suffix do not tell which")


def test_a_quote_whose_words_differ_slightly_is_placed_with_a_remark(real_edition, lena):
    row = copy.deepcopy(sample()["annotations"][0])
    row["target"][0]["selector"] = [
        {"type": "TextQuoteSelector", "exact": "Klischeeverstaerker, die die visuellen Muster"}
    ]
    report = importing.annotations_import(user=lena, content=json.dumps([row]).encode())
    (taken,) = report.imported
    assert taken.paragraph == "p26"
    assert taken.remark.startswith("found approximately: the text reads “Klischeeverstärker")


def test_an_unknown_hypothesis_selector_is_a_4xx_and_saves_nothing(real_edition, lena):
    content = sample()
    content["annotations"][0]["target"][0]["selector"].append(
        {"type": "ShapeSelector", "shape": {"type": "rect", "left": 0, "top": 0}}
    )
    response = upload(client_for(lena), content, partial="on")
    text = response.content.decode()
    assert response.status_code == 200, "partial: the rest is imported"
    assert "unknown selector &#x27;ShapeSelector&#x27;" in text
    assert "annotations[0].target[0].selector[4].type" in text
    Annotation.objects.all().delete()

    response = upload(client_for(lena), content)
    assert response.status_code == 400
    assert Annotation.objects.count() == 0


# The page and the command


def test_the_import_page_shows_a_form_to_readers(lena):
    response = client_for(lena).get("/annotations/import/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "csrfmiddlewaretoken" in page
    assert 'name="partial"' in page


def test_the_import_page_reports_a_partial_import(real_edition, lena):
    text = SAMPLE.read_text()
    response = upload(client_for(lena), text, partial="on")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Imported 5 of 9 annotations." in page
    assert "the quote “Die Fotografie ist am Ende.” is not in the text" in page
    assert f"<td>{line_of_id(text, 'qF3j7Bv4Ee6u4gZcDK9xG0')}</td>" in page
    assert len(live(lena)) == 5


def test_the_import_page_is_all_or_nothing_by_default(real_edition, lena):
    response = upload(client_for(lena), SAMPLE.read_text())
    assert response.status_code == 400
    assert "Nothing was imported: 4 problems." in response.content.decode()
    assert live(lena) == []


def test_checking_a_file_saves_nothing(real_edition, lena):
    response = upload(client_for(lena), SAMPLE.read_text(), partial="on", check="1")
    assert response.status_code == 200
    assert "Checked: 5 of 9 annotations can be imported. Nothing was saved." in (
        response.content.decode()
    )
    assert live(lena) == []


def test_the_command_is_all_or_nothing_unless_partial(real_edition, lena, capsys):
    with pytest.raises(CommandError, match="nothing saved"):
        call_command("import_annotations", "lena", str(SAMPLE))
    assert live(lena) == []

    call_command("import_annotations", "lena", str(SAMPLE), "--dry-run", "--partial")
    assert "Dry run: nothing saved." in capsys.readouterr().out
    assert live(lena) == []

    call_command("import_annotations", "lena", str(SAMPLE), "--partial")
    out = capsys.readouterr().out
    assert "5 of 9 annotations imported for lena, 4 not." in out
    assert "item 7, line " in out and "is not in the text" in out
    assert len(live(lena)) == 5


def test_the_command_refuses_an_unknown_user_and_a_missing_file(lena, tmp_path):
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("import_annotations", "nobody", str(SAMPLE))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_annotations", "lena", str(tmp_path / "missing.json"))


def test_the_command_names_a_bad_file(lena, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[{"id": 1,}]')
    with pytest.raises(CommandError, match="not valid JSON: .* at line 1, column 11"):
        call_command("import_annotations", "lena", str(path))


# Bad files: a 4xx with a message, and nothing saved


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '[\n  {"id": "a",\n    "text" "x"}\n]',
            "not valid JSON: Expecting &#x27;:&#x27; delimiter at line 3, column 12",
        ),
        ('"just text"', "the file holds a single str"),
        ("42", "the file holds a single int"),
        ('{"foo": []}', "not a format this site reads"),
        ("[1, 2]", "a list of something other than annotations"),
        ("[]", "the file holds no annotations"),
        (b"\xff\xfe{}", "not UTF-8 text"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_message(people, content, message):
    response = upload(client_for(people["ann"]), content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Annotation.objects.count() == 0


def test_a_file_too_large_is_413(people):
    content = b" " * importing.MAX_BYTES + b"[]"
    response = upload(client_for(people["ann"]), content)
    assert response.status_code == 413
    assert "larger than 2 MiB" in response.content.decode()


def test_the_service_refuses_a_file_too_large_as_well(people):
    with pytest.raises(importing.ImportFileError) as refused:
        importing.annotations_import(user=people["ann"], content=b" " * (importing.MAX_BYTES + 1))
    assert refused.value.status == 413


def test_a_file_with_too_many_annotations_is_refused(people, edition, monkeypatch):
    monkeypatch.setattr(files, "MAX_ITEMS", 2)
    response = upload(client_for(people["ann"]), [w3c_note()] * 3)
    assert response.status_code == 400
    assert "the file holds 3 annotations; at most 2" in response.content.decode()
    assert Annotation.objects.count() == 0


def test_a_post_without_a_file_is_refused(people):
    response = client_for(people["ann"]).post("/annotations/import/", {"visibility": "private"})
    assert response.status_code == 400
    assert Annotation.objects.count() == 0


# Who imports, and who sees it


def test_an_anonymous_visitor_is_sent_to_log_in_and_nothing_is_saved(edition):
    for response in (
        Client().get("/annotations/import/"),
        upload(Client(), [w3c_note()]),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert Annotation.objects.count() == 0


def test_the_import_form_needs_its_csrf_token(people, edition):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["ann"])
    response = upload(client, [w3c_note()])
    assert response.status_code == 403
    assert Annotation.objects.count() == 0


def test_a_reader_cannot_import_as_someone_else(people, edition):
    response = upload(
        client_for(people["ann"]),
        [w3c_note(creator={"id": "urn:uuid:x", "type": "Person", "name": "ben"})],
        user=str(people["ben"].pk),
        username="ben",
        author="ben",
    )
    assert response.status_code == 200
    assert [a.author for a in Annotation.objects.all()] == [people["ann"]]


def test_imported_notes_are_private_unless_the_reader_chooses(people, edition, real_edition):
    """The W3C note says public, and the Hypothesis rows were shared with everyone."""
    ann, ben = people["ann"], people["ben"]
    public_w3c = json.dumps(w3c_note(**{w3c.VISIBILITY: "public"})).encode()
    for content in (public_w3c, SAMPLE.read_bytes()):
        importing.annotations_import(user=ann, content=content, partial=True)
    mine = live(ann)
    assert len(mine) == 6
    assert {a.visibility for a in mine} == {"private"}
    assert not selectors.annotations_visible_to(ben).filter(author=ann).exists()

    report = importing.annotations_import(
        user=ann, content=public_w3c, partial=True, visibility="public"
    )
    assert report.imported[0].annotation.visibility == "public"
