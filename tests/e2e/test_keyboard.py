"""The reading view without a mouse, in headless Chromium: from the top of the edition page with
the skip link to a paragraph's "Annotate this paragraph", the passage typed, two tags, saved;
then from highlight to highlight with Tab, Enter to a note, and a reply. After every key the
focus is on a visible element with a visible focus outline, never lost to the body."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from annotations.models import Annotation
from annotations.services import TextSelector, annotation_create
from edition.models import Paragraph
from edition.services import edition_import
from edition.source import load_source_file
from tests.e2e.a11y import announced, assert_focus_visible
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def readers(transactional_db):
    edition_import(source=load_source_file(Path(settings.EDITION_SOURCE_DIR) / "erz-2023.yaml"))
    return {
        "lena": make_user("lena", display_name="Lena Vogt"),
        "jonas": make_user("jonas", display_name="Jonas Brandt"),
    }


def words_of(public_id: str, first: int, last: int) -> str:
    paragraph = Paragraph.objects.get(edition__slug="erz-2023", public_id=public_id)
    return " ".join(paragraph.text.split()[first:last])


def public_question(user, public_id: str, exact: str, body: str) -> Annotation:
    paragraph = Paragraph.objects.get(edition__slug="erz-2023", public_id=public_id)
    start = paragraph.text.index(exact)
    return annotation_create(
        user=user,
        paragraph=paragraph,
        selector=TextSelector(start, start + len(exact), exact),
        motivation="questioning",
        body=body,
        visibility="public",
        colour="blue",
    )


def press(page, key: str, step: str) -> dict:
    page.keyboard.press(key)
    return assert_focus_visible(page, f"{step} ({key})")


def type_text(page, text: str, step: str) -> None:
    page.keyboard.type(text)
    assert_focus_visible(page, step)


def tab_to(page, selector: str, step: str, limit: int = 400) -> None:
    """Tab (checking the focus at every stop) until the focused element matches the selector."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        press(page, "Tab", f"{step}: on the way to {selector}")
    raise AssertionError(f"{step}: Tab never reached {selector}")


def test_keyboard_only_annotating_moving_between_highlights_and_replying(
    page, live_server, readers, console_errors, screenshot_dir
):
    later = words_of("p12", 20, 24)
    question = public_question(readers["jonas"], "p12", later, "Was heißt das hier?")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{live_server.url}/accounts/login/?next=/erz-2023/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/erz-2023/")

    # From the top: the skip link comes first, shows itself, and takes the focus to the content.
    state = press(page, "Tab", "first Tab")
    assert (state["tag"], state["text"]) == ("A", "Skip to content")
    state = press(page, "Enter", "skip link")
    assert (state["tag"], state["id"]) == ("MAIN", "main")

    # On through the text to paragraph 12's "Annotate this paragraph".
    tab_to(page, "[data-annotate-paragraph=p12]", "to paragraph 12")
    press(page, "Enter", "Annotate this paragraph")
    editor = page.get_by_role("dialog", name="New annotation")
    expect(editor.get_by_label("Passage (optional)")).to_be_focused()

    # A passage that is not in the paragraph: the message is an alert, the focus stays put.
    type_text(page, "Bilder von Gesichtern", "wrong passage")
    tab_to(page, "[data-editor-save]", "to Save")
    press(page, "Enter", "Save with a wrong passage")
    expect(editor.get_by_role("alert")).to_contain_text("not in paragraph 12")
    expect(editor.get_by_label("Passage (optional)")).to_be_focused()
    assert_focus_visible(page, "after the message")

    words = words_of("p12", 2, 6)
    press(page, "Control+A", "select the wrong passage")
    type_text(page, words, "passage")
    tab_to(page, "#editor-body", "to the note")
    type_text(page, "Mit der Tastatur geschrieben.", "note")
    tab_to(page, "#editor-tags", "to the tags")
    type_text(page, "Methode", "first tag")
    press(page, "Enter", "first tag added")
    type_text(page, "Begriff,", "second tag, added by the comma")
    expect(editor.locator("[data-editor-chips] li")).to_have_count(2)
    tab_to(page, "#editor-visibility", "to the audience")
    press(page, "End", "public")
    page.wait_for_load_state("networkidle")  # tag suggestions (SQLite locks a read over a write)
    tab_to(page, "[data-editor-save]", "to Save")
    page.keyboard.press("Enter")  # the focus while saving: see the test below

    status = page.get_by_role("status").filter(has_text="Annotation saved.")
    expect(status).to_have_text("Annotation saved.")
    stored = Annotation.objects.get(author=readers["lena"])
    assert (stored.quote_exact, stored.visibility) == (words, "public")
    assert sorted(stored.tags.names()) == ["Begriff", "Methode"]
    thread = page.locator(f"#annotation-{stored.uuid}")
    expect(thread).to_be_focused()
    assert_focus_visible(page, "the new note after saving")

    # From the note to its words, then with Tab to the next highlight in the text.
    tab_to(page, f'#annotation-{stored.uuid} [data-thread-action="passage"]', "to Show passage")
    press(page, "Enter", "Show passage")
    mine = page.locator(f'mark[data-annotation="{stored.uuid}"]')
    expect(mine).to_be_focused()
    spoken = announced(page)
    assert spoken["role"] == "mark"
    assert (
        "Comment by Lena Vogt; Enter opens the note" in f"{spoken['name']} {spoken['description']}"
    )
    page.screenshot(path=screenshot_dir / "keyboard-focus-on-highlight.png")
    press(page, "Tab", "to the next highlight")
    theirs = page.locator(f'mark[data-annotation="{question.uuid}"]')
    expect(theirs).to_be_focused()
    expect(theirs).to_have_text(later)
    spoken = announced(page)
    assert "Question by Jonas Brandt; Enter opens the note" in (
        f"{spoken['name']} {spoken['description']}"
    )

    # Enter opens that note; reply to it.
    press(page, "Enter", "open the question")
    expect(page.locator(f"#annotation-{question.uuid}")).to_be_focused()
    tab_to(page, f'#annotation-{question.uuid} [data-thread-action="reply"]', "to Reply")
    press(page, "Enter", "Reply")
    expect(page.get_by_label("Your reply (Markdown)")).to_be_focused()
    type_text(page, "Antwort per Tastatur.", "reply")
    press(page, "Tab", "to Send reply")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Reply saved.")).to_have_text("Reply saved.")
    reply = Annotation.objects.get(parent=question)
    assert reply.body == "Antwort per Tastatur."
    expect(page.locator(f"#annotation-{reply.uuid}")).to_be_focused()
    assert_focus_visible(page, "the reply after sending")
    assert console_errors == []


WATCH_FOCUS = """() => {
  window.focusLostTo = [];
  const watch = () => {
    if (document.activeElement === document.body) window.focusLostTo.push("body");
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
}"""


def test_focus_never_falls_to_the_body_while_a_note_or_reply_is_saved(page, live_server, readers):
    question = public_question(readers["jonas"], "p12", words_of("p12", 2, 6), "Welche?")
    page.goto(f"{live_server.url}/accounts/login/?next=/erz-2023/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/erz-2023/")
    page.locator("[data-annotate-paragraph=p12]").focus()
    page.evaluate(WATCH_FOCUS)  # from the first focused control on (a loaded page has none)
    page.keyboard.press("Enter")
    page.keyboard.type(words_of("p12", 20, 24))
    tab_to(page, "#editor-body", "to the note")
    page.keyboard.type("Gespeichert ohne Fokusverlust.")
    page.wait_for_load_state("networkidle")
    tab_to(page, "[data-editor-save]", "to Save")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Annotation saved.")).to_be_attached()

    page.locator(f'#annotation-{question.uuid} [data-thread-action="reply"]').focus()
    page.keyboard.press("Enter")
    page.keyboard.type("Antwort.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Reply saved.")).to_be_attached()
    assert page.evaluate("() => window.focusLostTo") == []
