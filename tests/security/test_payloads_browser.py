"""The most dangerous payloads of the corpus, stored in every field at once, then every kind of
page opened in headless Chromium: no dialog opens, nothing is logged as an error (a script the
Content-Security-Policy blocks is logged, so it fails too), and the live DOM holds no event
handler attribute and no script URL. A few are also typed through the editor and the search box.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from annotations.models import Annotation
from annotations.services import annotation_create
from courses.services import assignment_create, course_create, course_join
from tests.courses.conftest import make_instructor
from tests.e2e.conftest import (  # noqa: F401 (fixtures)
    CHROMIUM,
    browser_type_launch_args,
    console_errors,
)
from tests.e2e.test_annotating import select_words
from tests.factories import make_user
from tests.security.payloads import BROWSER
from tests.security.test_payload_corpus import tag_accepted, w3c_file

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]

# What the page holds after its scripts ran: handlers as attributes, URLs a click would run.
DOM_PROBLEMS = """() => {
  const found = [];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith("on")) found.push(`${element.localName}[${attribute.name}]`);
    }
  }
  const urls = document.querySelectorAll("[href], [src], [action], [formaction]");
  for (const element of urls) {
    for (const name of ["href", "src", "action", "formAction"]) {
      const value = element[name];
      if (typeof value !== "string" || !value) continue;
      try {
        const scheme = new URL(value, document.baseURI).protocol;
        if (["javascript:", "data:", "vbscript:"].includes(scheme)) {
          found.push(`${element.localName}[${name}=${value.slice(0, 30)}]`);
        }
      } catch (error) {}
    }
  }
  for (const tag of ["iframe", "object", "embed", "base", "svg", "math", "style"]) {
    if (document.body.querySelector(tag)) found.push(`<${tag}> in body`);
  }
  return found;
}"""


POKE = """() => {
  for (const element of document.querySelectorAll(".annotation-body *, .tag, mark")) {
    for (const type of ["mouseover", "mouseenter", "pointerenter", "focus", "toggle"]) {
      element.dispatchEvent(new Event(type, { bubbles: true }));
    }
  }
}"""


def session_cookie(user, url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}


@pytest.fixture
def hostile_site(edition):
    """One course whose title, description and assignments, and whose students' names, notes
    and tags, are the payloads: every field at once."""
    ines = make_instructor("ines")
    texts = [payload.text for payload in BROWSER]
    title = " ".join(texts)[:200]
    course = course_create(user=ines, title=title, description="\n\n".join(texts))
    now = timezone.now()
    assignments = [
        assignment_create(
            user=ines,
            course=course,
            title=text,
            instructions=text,
            edition=edition,
            start="p2",
            end="p3",
            opens_at=now - timedelta(days=1),
            due_at=now + timedelta(days=7),
            min_annotations=1,
            min_replies=0,
        )
        for text in texts
    ]
    p2 = edition.paragraphs.get(public_id="p2")
    notes = []
    for number, text in enumerate(texts):
        student = make_user(f"student{number}", display_name=text)
        course_join(user=student, code=course.join_code)
        notes.append(
            annotation_create(
                user=student,
                paragraph=p2,
                motivation="commenting",
                body=text,
                tags=[text if tag_accepted(text) else "harmlos"],
                visibility="group",
                group=course.group,
            )
        )
        annotation_create(
            user=ines,
            parent=notes[-1],
            motivation="replying",
            body=text,
            visibility="group",
            group=course.group,
        )
    return {"ines": ines, "course": course, "assignments": assignments, "notes": notes}


def urls_of(site) -> dict[str, list[str]]:
    course, notes = site["course"], site["notes"]
    slug = {"slug": course.slug}
    first = {"slug": course.slug, "pk": site["assignments"][0].pk}
    tagged = [note for note in notes if note.tags.get().name != "harmlos"]
    return {
        "student0": [
            "/test-interview/",
            "/test-interview/p2/",
            f"/annotations/{notes[0].uuid}/",
            f"/annotations/{notes[0].uuid}/history/",
            *(f"/tags/{note.tags.get().slug}/" for note in tagged[:6]),
            "/annotations/mine/",
            "/accounts/profile/",
            "/courses/",
            reverse("courses:course-detail", kwargs=slug),
            reverse("courses:assignment-detail", kwargs=first),
            "/search/?q=Bildproduktion",
            "/search/?q=harmlos",
        ],
        "ines": [
            reverse("courses:course-annotations", kwargs=slug),
            reverse("courses:student-detail", kwargs=slug | {"username": "student1"}),
            reverse("courses:assignment-progress", kwargs=first),
            reverse("courses:assignment-edit", kwargs=first),
            *(
                reverse("courses:assignment-detail", kwargs={"slug": course.slug, "pk": a.pk})
                for a in site["assignments"][1:6]
            ),
        ],
    }


def open_checked(page, url: str, dialogs: list[str], errors: list[str]) -> list[str]:
    page.goto(url, wait_until="networkidle")
    problems = page.evaluate(DOM_PROBLEMS)
    return [f"{url}: {p}" for p in problems + dialogs + errors]


def test_no_payload_runs_on_any_page(browser, live_server, hostile_site):
    problems = []
    users = {"student0": Annotation.objects.get(pk=hostile_site["notes"][0].pk).author}
    users["ines"] = hostile_site["ines"]
    for username, urls in urls_of(hostile_site).items():
        context = browser.new_context()
        context.add_cookies([session_cookie(users[username], live_server.url)])
        page = context.new_page()
        dialogs: list[str] = []
        errors: list[str] = []
        page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
        for url in urls:
            problems += open_checked(page, f"{live_server.url}{url}", dialogs, errors)
            dialogs.clear()
            errors.clear()
        if username == "student0":
            # Every element of every note hovered, focused and pointed at: no handler fires.
            page.goto(f"{live_server.url}/test-interview/", wait_until="networkidle")
            page.evaluate(POKE)
            page.wait_for_timeout(200)
            problems += [f"hover: {p}" for p in dialogs + errors]
        context.close()
    assert not problems, "\n".join(problems)


def test_search_for_each_payload_runs_nothing(browser, live_server, hostile_site):
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/search/", wait_until="networkidle")
    problems = []
    for payload in BROWSER[::3]:
        box = page.locator("#site-search-q")
        box.fill(payload.text)
        box.press("Enter")
        page.wait_for_load_state("networkidle")
        expect(page.locator("#site-search-q")).to_have_value("")
        problems += [f"{payload.id}: {p}" for p in page.evaluate(DOM_PROBLEMS) + dialogs + errors]
        shown = page.locator("input[name=q]").last.input_value()
        assert shown.split() == payload.text.split()  # a search box holds one line
    context.close()
    assert not problems, "\n".join(problems)


def test_payloads_typed_in_the_editor_and_imported_run_nothing(
    page,
    live_server,
    edition,
    console_errors,  # noqa: F811 (the imported fixture)
    tmp_path,
):
    author = make_user("mallory", display_name="<img src=x onerror=alert('name')>")
    page.context.add_cookies([session_cookie(author, live_server.url)])
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    typed = [p for p in BROWSER if p.category in ("script", "event-handler", "markdown")][:4]
    for payload, words in zip(typed, ["Archiv", "Ort", "Bildproduktion", "sagt man"], strict=True):
        page.goto(f"{live_server.url}/test-interview/", wait_until="networkidle")
        select_words(page, "p2", words)
        page.get_by_role("toolbar").get_by_role("button", name="Annotate").click()
        editor = page.get_by_role("dialog", name="New annotation")
        editor.get_by_role("textbox", name="Note (Markdown)").fill(payload.text)
        editor.get_by_role("button", name="Preview").click()
        page.wait_for_load_state("networkidle")
        editor.get_by_role("button", name="Save").click()
        expect(page.locator("[data-annotator-status]")).to_have_text("Annotation saved.")
        expect(editor).to_be_hidden()
        page.wait_for_load_state("networkidle")
    stored = sorted(Annotation.objects.filter(author=author).values_list("body", flat=True))
    assert stored == sorted(p.text for p in typed)

    imported = tmp_path / "notes.jsonld"
    imported.write_bytes(w3c_file(BROWSER[0].text, ["harmlos"]))
    page.goto(f"{live_server.url}/annotations/import/", wait_until="networkidle")
    page.set_input_files("input[type=file]", str(imported))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    assert Annotation.objects.filter(author=author, body=BROWSER[0].text).count() == 2

    for url in ("/test-interview/", "/annotations/mine/"):
        page.goto(f"{live_server.url}{url}", wait_until="networkidle")
        assert page.evaluate(DOM_PROBLEMS) == [], url
    assert dialogs == []
    assert console_errors == []


def test_the_dom_check_sees_what_could_run(page):
    """The control: handlers, script URLs and foreign elements in a page are all reported."""
    page.set_content(
        '<a href=" JaVa&#9;script:x" onclick="y">a</a><svg></svg><iframe src="data:,x"></iframe>'
    )
    assert sorted(page.evaluate(DOM_PROBLEMS)) == [
        "<iframe> in body",
        "<svg> in body",
        "a[href=javascript:x]",
        "a[onclick]",
        "iframe[src=data:,x]",
    ]
