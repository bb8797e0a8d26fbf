"""Two students annotate the shipped edition in headless Chromium: selecting words, writing a
Markdown note with tags, replying, keyboard-only annotating, and what each may see."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from annotations.models import Annotation
from annotations.services import TextSelector, annotation_create
from edition.models import Paragraph
from edition.services import edition_import
from edition.source import load_source_file
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shipped_edition(transactional_db):
    edition_import(source=load_source_file(Path(settings.EDITION_SOURCE_DIR) / "erz-2023.yaml"))


@pytest.fixture
def students(shipped_edition):
    return {
        "lena": make_user("lena", display_name="Lena Vogt"),
        "jonas": make_user("jonas", display_name="Jonas Brandt"),
    }


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/?next=/erz-2023/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/erz-2023/")


def read_to(page, paragraph_id: str):
    """Scrolls to a paragraph, as a reader does, and waits for its threads, which the page
    fetches when a paragraph comes near the viewport."""
    page.locator(f"#{paragraph_id}").scroll_into_view_if_needed()
    expect(
        page.locator(f"[data-notes-for={paragraph_id}] > .annotation-list")
    ).not_to_have_attribute("data-threads-src", re.compile(".*"))


def settle(page):
    """Waits for the tag suggestions' requests: the test database (SQLite in memory, shared
    between the server's threads) refuses a read that overlaps a write with "table is locked"."""
    page.wait_for_load_state("networkidle")


def select_words(page, paragraph_id: str, words: str):
    """Drags the mouse across the words, as a reader does."""
    box = page.evaluate(
        """([id, words]) => {
          const p = document.querySelector(`p.para[data-paragraph="${id}"]`);
          const at = p.textContent.indexOf(words);
          const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
          const range = document.createRange();
          let offset = 0;
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const end = offset + node.data.length;
            if (offset <= at && at < end) range.setStart(node, at - offset);
            if (offset < at + words.length && at + words.length <= end) {
              range.setEnd(node, at + words.length - offset);
            }
            offset = end;
          }
          p.scrollIntoView({ block: "center", behavior: "instant" });
          const rects = [...range.getClientRects()];
          const first = rects[0], last = rects[rects.length - 1];
          return {x1: first.left + 1, y1: first.top + first.height / 2,
                  x2: last.right - 1, y2: last.top + last.height / 2};
        }""",
        [paragraph_id, words],
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()


def annotate(user, public_id, exact, body, visibility, **kwargs):
    paragraph = Paragraph.objects.get(edition__slug="erz-2023", public_id=public_id)
    start = paragraph.text.index(exact)
    return annotation_create(
        user=user,
        paragraph=paragraph,
        selector=TextSelector(start, start + len(exact), exact),
        motivation=kwargs.pop("motivation", "commenting"),
        body=body,
        visibility=visibility,
        **kwargs,
    )


WORDS = "Die Begrifflichkeit finde ich nach wie vor schwierig"


def test_student_annotates_selected_words_and_finds_the_note_after_reload(
    page, live_server, students, console_errors, screenshot_dir
):
    page.set_viewport_size({"width": 1400, "height": 1000})
    log_in(page, live_server, "lena")
    select_words(page, "p5", WORDS)
    page.get_by_role("toolbar").get_by_role("button", name="Annotate").click()

    editor = page.get_by_role("dialog", name="New annotation")
    expect(editor.get_by_label("Passage (optional)")).to_have_value(WORDS)
    editor.get_by_role("textbox", name="Note (Markdown)").fill(
        "Das ist *die* Frage:\n\n- Generierung\n- **Synthese**"
    )
    tags = editor.get_by_label("Tags", exact=True)
    tags.fill("Begriff")
    tags.press("Enter")
    tags.fill("Methode,")
    editor.get_by_role("button", name="Preview").click()
    expect(editor.locator("[data-editor-preview] strong")).to_have_text("Synthese")
    settle(page)
    editor.get_by_role("button", name="Save").click()

    expect(page.locator("[data-annotator-status]")).to_have_text("Annotation saved.")
    mark = page.locator("p.para[data-paragraph=p5] mark.highlight")
    expect(mark).to_have_text(WORDS)
    stored = Annotation.objects.get(author=students["lena"])
    assert (stored.quote_exact, stored.visibility) == (WORDS, "private")
    assert sorted(stored.tags.names()) == ["Begriff", "Methode"]
    assert stored.paragraph.text[stored.position_start : stored.position_end] == WORDS

    page.reload()
    mark = page.locator("p.para[data-paragraph=p5] mark.highlight")
    expect(mark).to_have_text(WORDS)
    expect(mark).to_have_attribute("aria-description", "Comment by Lena Vogt; Enter opens the note")
    thread = page.locator(f"#annotation-{stored.uuid}")
    expect(thread.locator(".annotation-body strong")).to_have_text("Synthese")
    expect(thread.locator(".tag")).to_have_text(["Begriff", "Methode"])
    expect(page.locator("#p5 .para-count")).to_have_text("1")
    mark.click()
    expect(thread).to_be_focused()
    page.screenshot(path=screenshot_dir / "annotating.png")
    assert console_errors == []


def test_other_student_sees_public_notes_but_never_private_ones(
    browser, live_server, students, console_errors
):
    private = annotate(students["lena"], "p7", "Trainingsdaten", "Nur für mich", "private")
    public = annotate(students["lena"], "p9", "statistische Synthese", "Für alle", "public")
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server, "jonas")
    read_to(page, "p7")
    read_to(page, "p9")
    expect(page.locator(f'mark[data-annotation="{public.uuid}"]')).to_have_text(
        "statistische Synthese"
    )
    expect(page.locator(f"#annotation-{public.uuid}")).to_contain_text("Für alle")
    assert page.locator(f'[data-annotation="{private.uuid}"]').count() == 0
    assert "Nur für mich" not in page.content()
    # Not even through the permalink.
    page.goto(f"{live_server.url}/annotations/{private.uuid}/")
    assert "Nur für mich" not in page.content()
    context.close()


def test_reply_and_edit_without_reload(page, live_server, students, console_errors):
    question = annotate(
        students["jonas"],
        "p9",
        "statistische Synthese",
        "Welches Archiv?",
        "public",
        motivation="questioning",
    )
    log_in(page, live_server, "lena")
    read_to(page, "p9")
    thread = page.locator(f"#annotation-{question.uuid}")
    thread.get_by_role("button", name="Reply").first.click()
    thread.get_by_label("Your reply (Markdown)").fill("Das *Polizeiarchiv*.")
    thread.get_by_role("button", name="Send reply").click()
    expect(page.locator("[data-annotator-status]")).to_have_text("Reply saved.")
    reply = Annotation.objects.get(parent=question)
    reply_item = page.locator(f"#annotation-{reply.uuid}")
    expect(reply_item.locator("em")).to_have_text("Polizeiarchiv")
    expect(reply_item).to_be_focused()

    reply_item.get_by_role("button", name="Edit").click()
    editor = page.get_by_role("dialog", name="Edit annotation")
    editor.get_by_role("textbox", name="Note (Markdown)").fill("Das **Polizeiarchiv** in Paris.")
    editor.get_by_role("button", name="Save").click()
    expect(page.locator(f"#annotation-{reply.uuid} strong")).to_have_text("Polizeiarchiv")
    assert reply.revisions.count() == 1
    assert console_errors == []


def test_typed_script_never_runs(page, live_server, students, console_errors):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server, "lena")
    select_words(page, "p5", WORDS)
    page.get_by_role("toolbar").get_by_role("button", name="Annotate").click()
    editor = page.get_by_role("dialog", name="New annotation")
    payload = (
        '<script>alert("s")</script><img src=x onerror="alert(\'i\')">'
        "[klick](javascript:alert('l')) <svg onload=alert('v')></svg>"
    )
    editor.get_by_role("textbox", name="Note (Markdown)").fill(payload)
    editor.get_by_label("Tags", exact=True).fill('<b onmouseover=alert("t")>x</b>')
    editor.get_by_label("Tags", exact=True).press("Enter")
    settle(page)
    editor.get_by_role("button", name="Save").click()
    expect(page.locator("[data-annotator-status]")).to_have_text("Annotation saved.")
    page.reload()
    stored = Annotation.objects.get(author=students["lena"])
    assert stored.body == payload  # kept as typed
    thread = page.locator(f"#annotation-{stored.uuid}")
    link = thread.locator(".annotation-body a", has_text="klick")
    link.click()
    thread.locator(".tag").first.hover()
    page.wait_for_timeout(300)
    assert dialogs == []
    assert (
        page.locator(
            "script:not([src]):not([type='application/json']):not([type='application/ld+json'])"
        ).count()
        == 0
    )
    assert page.locator("[onerror], [onload], [onmouseover]").count() == 0
    assert link.get_attribute("href") is None


def tab_to(page, selector: str, limit: int = 40):
    """Presses Tab until the focused element matches the CSS selector."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_annotating_of_a_passage_and_reply(page, live_server, students):
    """Without a mouse: the paragraph's "Annotate" link, the passage typed into the editor, tags,
    save; then from the note to its highlight and back, and a reply."""
    log_in(page, live_server, "lena")
    page.locator("[data-annotate-paragraph=p12]").focus()
    page.keyboard.press("Enter")
    editor = page.get_by_role("dialog", name="New annotation")
    expect(editor.get_by_label("Passage (optional)")).to_be_focused()
    page.keyboard.type("Bilder von Gesichtern")  # not in p12: a clear message first
    tab_to(page, "[data-editor-save]")
    page.keyboard.press("Enter")
    expect(editor.get_by_role("alert")).to_contain_text("not in paragraph 12")
    expect(editor.get_by_label("Passage (optional)")).to_be_focused()

    paragraph = Paragraph.objects.get(edition__slug="erz-2023", public_id="p12")
    words = " ".join(paragraph.text.split()[2:6])
    page.keyboard.press("Control+A")
    page.keyboard.type(words)
    tab_to(page, "#editor-body")
    page.keyboard.type("Mit der Tastatur geschrieben.")
    tab_to(page, "#editor-tags")
    page.keyboard.type("Methode")
    page.keyboard.press("Enter")
    tab_to(page, "#editor-visibility")
    page.keyboard.press("End")  # Public
    tab_to(page, "input[name=colour]:checked")
    page.keyboard.press("ArrowRight")  # the next colour: green
    settle(page)
    tab_to(page, "[data-editor-save]")
    page.keyboard.press("Enter")

    expect(page.locator("[data-annotator-status]")).to_have_text("Annotation saved.")
    stored = Annotation.objects.get(author=students["lena"])
    thread = page.locator(f"#annotation-{stored.uuid}")
    expect(thread).to_be_focused()
    assert (stored.quote_exact, stored.visibility, stored.colour) == (words, "public", "green")
    assert list(stored.tags.names()) == ["Methode"]

    tab_to(page, f'#annotation-{stored.uuid} [data-thread-action="passage"]')
    page.keyboard.press("Enter")
    mark = page.locator(f'mark[data-annotation="{stored.uuid}"]')
    expect(mark).to_be_focused()
    expect(mark).to_have_text(words)
    page.keyboard.press("Enter")
    expect(thread).to_be_focused()
    tab_to(page, f'#annotation-{stored.uuid} [data-thread-action="reply"]')
    page.keyboard.press("Enter")
    page.keyboard.type("Antwort per Tastatur.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("[data-annotator-status]")).to_have_text("Reply saved.")
    assert Annotation.objects.get(parent=stored).body == "Antwort per Tastatur."


def test_permalink_opens_the_edition_with_the_thread_open(page, live_server, students):
    note = annotate(students["lena"], "p20", "Archiv", "Siehe hier.", "public")
    page.goto(f"{live_server.url}/annotations/{note.uuid}/")
    assert page.url.endswith(f"/erz-2023/?annotation={note.uuid}#p20")
    thread = page.locator(f"#annotation-{note.uuid}")
    expect(thread).to_have_class(re.compile(r"\bis-active\b"))
    expect(page.locator(f'mark[data-annotation="{note.uuid}"]')).to_be_focused()


def test_stale_edit_is_refused_and_the_newer_text_kept(page, live_server, students):
    from annotations.services import annotation_update

    note = annotate(students["lena"], "p9", "statistische Synthese", "Erste Fassung", "public")
    log_in(page, live_server, "lena")
    read_to(page, "p9")
    page.locator(f"#annotation-{note.uuid}").get_by_role("button", name="Edit").click()
    editor = page.get_by_role("dialog", name="Edit annotation")
    editor.get_by_role("textbox", name="Note (Markdown)").fill("Aus dem alten Fenster")
    # Meanwhile the same note is changed elsewhere (another tab, the API).
    annotation_update(user=students["lena"], annotation=note, body="Neuere Fassung")
    editor.get_by_role("button", name="Save").click()
    expect(editor.get_by_role("alert")).not_to_be_empty()
    note.refresh_from_db()
    assert note.body == "Neuere Fassung"
