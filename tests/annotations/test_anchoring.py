"""Finding an annotation's passage again, also after an emendation changed the paragraph."""

from django.test import Client

from annotations.anchoring import AnchorStatus, anchor_quote
from annotations.services import TextSelector, annotation_create
from tests.factories import import_document, make_document

TEXT = "Ein Archiv ist ein Ort der Bildproduktion, sagt man; ein Archiv ist auch ein Speicher."


def test_quote_at_its_recorded_position_is_exact():
    anchor = anchor_quote(TEXT, exact="Ort der Bildproduktion", start=19)
    assert (anchor.status, anchor.start, anchor.end) == (AnchorStatus.EXACT, 19, 41)


def test_quote_that_moved_is_found_by_its_words():
    moved = "Man sagt: " + TEXT
    anchor = anchor_quote(moved, exact="Ort der Bildproduktion", start=19)
    assert anchor.status == AnchorStatus.MOVED
    assert moved[anchor.start : anchor.end] == "Ort der Bildproduktion"


def test_context_chooses_between_repeated_words():
    second = TEXT.index("Archiv ist auch")
    anchor = anchor_quote(
        "Neu: " + TEXT, exact="Archiv", prefix="sagt man; ein ", suffix=" ist auch", start=second
    )
    assert anchor.status == AnchorStatus.MOVED
    assert anchor.start == second + len("Neu: ")


def test_context_wins_over_nearness():
    text = "Archiv A. Archiv B."
    anchor = anchor_quote(text, exact="Archiv", prefix="A. ", suffix=" B.", start=2)
    assert (anchor.status, anchor.start) == (AnchorStatus.MOVED, 10)


def test_slightly_changed_words_are_found_fuzzily_on_word_boundaries():
    corrected = TEXT.replace("Bildproduktion", "Bild-Produktion")
    anchor = anchor_quote(corrected, exact="ein Ort der Bildproduktion", start=15)
    assert anchor.status == AnchorStatus.FUZZY
    assert corrected[anchor.start : anchor.end] == "ein Ort der Bild-Produktion"


def test_words_that_are_gone_leave_the_annotation_orphaned():
    anchor = anchor_quote(TEXT, exact="völlig andere Formulierung hier", start=3)
    assert anchor.status == AnchorStatus.ORPHANED
    assert not anchor.is_placed and anchor.start is None


def test_short_quotes_are_never_guessed():
    assert anchor_quote("Bilder", exact="Bild!", start=0).status == AnchorStatus.ORPHANED


def test_offsets_count_characters_not_bytes():
    text = "Größe, Maß und 𝔅ild: operative Bilder."
    anchor = anchor_quote(text, exact="operative", start=0)
    assert text[anchor.start : anchor.end] == "operative"


def _annotate(user, paragraph, exact, **kwargs):
    start = paragraph.text.index(exact)
    return annotation_create(
        user=user,
        paragraph=paragraph,
        selector=TextSelector(start, start + len(exact), exact),
        motivation="commenting",
        body=f"Zu „{exact}“",
        visibility="public",
        **kwargs,
    )


def _thread_html(html: str, annotation) -> str:
    start = html.index(f'id="annotation-{annotation.uuid}"')
    return html[html.rindex("<li", 0, start) : html.index("</li>", start)]


def test_emendation_re_anchors_annotations_on_the_reading_page(people, edition):
    """An emendation rewrites p2 after three notes were made on it: one passage only moves, one
    is reworded slightly, one disappears. The page places the first two on the new words and
    marks the third as orphaned, still listed under its paragraph."""
    p2 = edition.paragraphs.get(public_id="p2")
    ann = people["ann"]
    moved = _annotate(ann, p2, "sagt man")
    reworded = _annotate(ann, p2, "Ort der Bildproduktion")
    gone = _annotate(ann, p2, "Ein Archiv ist")

    document = make_document()
    document["turns"][1]["paragraphs"][0]["text"] = (
        "Man nennt das Archiv einen Ort der Bild-Produktion, sagt man."
    )
    document["emendations"][0]["edition"] = "Bild-Produktion"
    import_document(document)
    p2.refresh_from_db()
    assert p2.revisions.count() == 1

    html = Client().get("/test-interview/p2/threads/").content.decode()
    moved_li = _thread_html(html, moved)
    start = p2.text.index("sagt man")
    assert f'data-start="{start}" data-end="{start + 8}" data-anchor="moved"' in moved_li

    reworded_li = _thread_html(html, reworded)
    start = p2.text.index("Ort der Bild-Produktion")
    assert f'data-start="{start}" data-end="{start + 23}" data-anchor="fuzzy"' in reworded_li
    assert "closest matching words" in reworded_li

    gone_li = _thread_html(html, gone)
    assert "annotation--orphaned" in gone_li and "data-start" not in gone_li
    assert "Orphaned:" in gone_li and "Ein Archiv ist" in gone_li
    # The stored selectors still describe the text the note was made on.
    gone.refresh_from_db()
    assert (gone.quote_exact, gone.position_start) == ("Ein Archiv ist", 0)


def test_threads_are_listed_in_the_order_of_their_passages(people, p2):
    ann = people["ann"]
    later = _annotate(ann, p2, "sagt man")
    earlier = _annotate(ann, p2, "Ein Archiv")
    whole = annotation_create(
        user=ann, paragraph=p2, motivation="commenting", body="Ganz", visibility="public"
    )
    html = Client().get("/test-interview/p2/threads/").content.decode()
    positions = [html.index(f'id="annotation-{a.uuid}"') for a in (whole, earlier, later)]
    assert positions == sorted(positions)
