"""Accessibility in headless Chromium: axe-core's WCAG 2.0/2.1/2.2 A and AA rules on every page
type, in light and dark colour schemes and in German and English; the page structure (skip link,
landmarks, headings in order); the contrast of text on the five highlight colours; reduced motion;
200% zoom and 320 px width without loss of content."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from annotations.services import TextSelector, annotation_create
from edition.models import Edition, Paragraph
from edition.services import edition_import
from edition.source import load_source_file
from tests.e2e.a11y import axe_violations, describe, with_axe
from tests.factories import (
    DEFAULT_PASSWORD,
    make_assignment,
    make_course_with_students,
    make_instructor,
    make_user,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COLOURS = ["yellow", "green", "blue", "pink", "purple"]


def note(user, public_id: str, exact: str = "", **kwargs):
    paragraph = Paragraph.objects.get(edition__slug="erz-2023", public_id=public_id)
    selector = None
    if exact:
        start = paragraph.text.index(exact)
        selector = TextSelector(start, start + len(exact), exact)
    return annotation_create(
        user=user,
        paragraph=paragraph,
        selector=selector,
        motivation=kwargs.pop("motivation", "commenting"),
        **kwargs,
    )


def words_of(public_id: str, first: int, last: int) -> str:
    paragraph = Paragraph.objects.get(edition__slug="erz-2023", public_id=public_id)
    return " ".join(paragraph.text.split()[first:last])


@pytest.fixture
def seminar(transactional_db):
    """A course reading p12–p19 with notes in all five colours, a question, a whole-paragraph
    note, a highlight and a reply: everything the pages can show."""
    edition_import(source=load_source_file(Path(settings.EDITION_SOURCE_DIR) / "erz-2023.yaml"))
    edition = Edition.objects.get(slug="erz-2023")
    instructor = make_instructor("katrin", display_name="Katrin Held")
    lena = make_user("lena", display_name="Lena Vogt")
    jonas = make_user("jonas", display_name="Jonas Brandt")
    course = make_course_with_students(
        instructor, [lena, jonas], title="Kunst und KI", term="Sommersemester 2027"
    )
    assignment = make_assignment(
        course,
        instructor,
        edition,
        start="p12",
        end="p19",
        title="Kunst, Arbeit und KI",
        instructions="Lesen Sie **Abs. 12–19**:\n\n- Wer autorisiert Kunst?",
        opened_ago=timedelta(hours=1),
    )
    group = {"visibility": "group", "group": course.group}
    notes = [
        note(
            lena,
            f"p{12 + index}",
            words_of(f"p{12 + index}", 1, 5),
            body=f"Notiz in *{colour}*.",
            tags=["Begriff", "Methode"],
            colour=colour,
            motivation="questioning" if index % 2 else "commenting",
            **group,
        )
        for index, colour in enumerate(COLOURS)
    ]
    note(jonas, "p13", body="Der ganze Absatz.", visibility="public")
    note(jonas, "p20", words_of("p20", 0, 4), body="Öffentlich.", visibility="public")
    note(lena, "p18", words_of("p18", 2, 4), motivation="highlighting", colour="pink")
    annotation_create(
        user=jonas, parent=notes[0], motivation="replying", body="Eine Antwort.", **group
    )
    return {"course": course, "assignment": assignment, "notes": notes}


def log_in(page, live_server, username: str):
    page.goto(f"{live_server.url}/accounts/login/?next=/courses/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/courses/")


def reading_ready(page, uuid=None):
    """Threads and highlights are drawn by script, and may be fetched paragraph by paragraph as
    the reader scrolls: this scrolls through the interview so every thread is in the page."""
    if uuid:
        expect(page.locator(f"#annotation-{uuid}")).to_have_class(re.compile(r"\bis-active\b"))
    at = page.evaluate("() => window.scrollY")
    page.evaluate(
        """async () => {
          // A frame, or 200 ms where the browser renders none (a page it thinks hidden, with
          // other contexts open, may never run an animation frame: the test waited forever).
          const frame = () => new Promise((resolve) => {
            requestAnimationFrame(resolve);
            setTimeout(resolve, 200);
          });
          for (let y = 0; y < document.documentElement.scrollHeight; y += 600) {
            window.scrollTo({ top: y, behavior: "instant" });
            await frame();
            await frame();  // the intersection observers report after a rendered frame
          }
        }"""
    )
    page.wait_for_function(
        "() => !document.querySelector('.annotation-list[aria-busy]')"
        " && ![...document.querySelectorAll('.annotation-list[data-threads-src]')]"
        ".some((list) => list.dataset.threadCount !== '0')"
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(".thread", state="attached")
    page.wait_for_selector("mark.highlight[data-annotation]", state="attached")
    page.evaluate("(y) => window.scrollTo({ top: y, behavior: 'instant' })", at)


def open_editor(page):
    reading_ready(page)
    page.locator("[data-annotate-paragraph=p12]").click()
    expect(page.locator("dialog[data-editor]")).to_be_visible()


def page_types(seminar):
    """(who, label, path, preparation) for every page type."""
    course = seminar["course"].slug
    assignment = seminar["assignment"].pk
    first = seminar["notes"][0].uuid
    return [
        (None, "login", "/accounts/login/", None),
        (None, "sign-up", "/accounts/signup/", None),
        (None, "editions", "/", None),
        (None, "edition (anonymous)", "/erz-2023/", reading_ready),
        (
            "lena",
            "edition, annotation open",
            f"/erz-2023/?annotation={first}#p12",
            lambda page: reading_ready(page, first),
        ),
        ("lena", "edition, editor open", "/erz-2023/#p12", open_editor),
        ("lena", "edition, assignment", f"/erz-2023/?assignment={assignment}#p12", reading_ready),
        ("lena", "paragraph page", "/erz-2023/p12/", None),
        ("lena", "dashboard", "/courses/", None),
        ("lena", "course (student)", f"/courses/{course}/", None),
        ("lena", "assignment", f"/courses/{course}/assignments/{assignment}/", None),
        ("lena", "search", "/search/?q=Archiv", None),
        ("lena", "profile", "/accounts/profile/", None),
        ("lena", "my annotations", "/annotations/mine/", None),
        ("lena", "tag", "/tags/begriff/", None),
        ("lena", "annotation citation", f"/annotations/{first}/cite/", None),
        ("katrin", "course (instructor)", f"/courses/{course}/", None),
        ("katrin", "new assignment", f"/courses/{course}/assignments/new/", None),
        ("katrin", "edit assignment", f"/courses/{course}/assignments/{assignment}/edit/", None),
        ("katrin", "progress", f"/courses/{course}/assignments/{assignment}/progress/", None),
        ("katrin", "student's work", f"/courses/{course}/students/lena/", None),
        ("katrin", "course annotations", f"/courses/{course}/annotations/", None),
        ("katrin", "heat map", f"/erz-2023/?heatmap={course}", reading_ready),
    ]


@pytest.mark.parametrize("colour_scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_page_type_has_no_wcag_a_or_aa_violation(
    browser, live_server, seminar, colour_scheme, language, console_errors
):
    contexts = {}
    found: list[str] = []
    try:
        for who, label, path, prepare in page_types(seminar):
            if who not in contexts:
                context = with_axe(
                    browser.new_context(
                        locale=language,
                        color_scheme=colour_scheme,
                        viewport={"width": 1400, "height": 1000},
                    )
                )
                contexts[who] = context.new_page()
                if who:
                    log_in(contexts[who], live_server, who)
            page = contexts[who]
            response = page.goto(live_server.url + path)
            assert response.ok, f"{label}: {response.status}"
            assert page.locator("html").get_attribute("lang") == language
            if prepare:
                prepare(page)
            found += describe(f"{label} [{language}, {colour_scheme}]", axe_violations(page))
    finally:
        for page in contexts.values():
            page.context.close()
    assert not found, f"{len(found)} accessibility violations:\n" + "\n".join(found)


STRUCTURE = """() => {
  const problems = [];
  const count = (selector) => document.querySelectorAll(selector).length;
  if (count("header.site-header, [role=banner]") !== 1) problems.push("not one banner");
  if (count("main") !== 1) problems.push("not one main");
  if (count("footer.site-footer, [role=contentinfo]") !== 1) problems.push("not one contentinfo");
  if (count("h1") !== 1) problems.push(`${count("h1")} h1 elements`);
  let previous = 0;
  for (const heading of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    if (heading.closest("dialog:not([open]), [hidden]")) continue;
    const level = Number(heading.tagName[1]);
    if (level > previous + 1) {
      problems.push(`h${level} after h${previous}: ${heading.textContent.trim().slice(0, 40)}`);
    }
    previous = level;
  }
  const skip = document.querySelector("a.skip-link");
  const target = skip && document.querySelector(skip.getAttribute("href"));
  if (!target || target.tagName !== "MAIN") problems.push("no skip link to main");
  return problems;
}"""


def test_every_page_type_has_a_skip_link_landmarks_and_headings_in_order(
    browser, live_server, seminar
):
    contexts = {}
    found: list[str] = []
    try:
        for who, label, path, prepare in page_types(seminar):
            if who not in contexts:
                contexts[who] = browser.new_context(viewport={"width": 1400, "height": 1000})
                contexts[who] = contexts[who].new_page()
                if who:
                    log_in(contexts[who], live_server, who)
            page = contexts[who]
            page.goto(live_server.url + path)
            if prepare:
                prepare(page)
            found += [f"{label}: {problem}" for problem in page.evaluate(STRUCTURE)]
            if "#" in path or page.evaluate("() => document.activeElement !== document.body"):
                # The page puts the focus somewhere itself (autofocus, a note, a dialog), or the
                # fragment moves the keyboard's starting point to its target, as it should.
                continue
            # The skip link is the first stop of the keyboard and moves the focus to the content.
            page.keyboard.press("Tab")
            skip = page.locator(":focus")
            if skip.get_attribute("class") != "skip-link" or not skip.is_visible():
                found.append(f"{label}: the first Tab does not show the skip link")
                continue
            page.keyboard.press("Enter")
            if page.evaluate("() => document.activeElement.id") != "main":
                found.append(f"{label}: the skip link does not move the focus to main")
    finally:
        for page in contexts.values():
            page.context.close()
    assert not found, "\n".join(found)


CONTRAST = """(pairs) => {
  const channels = (css) => css.match(/[\\d.]+/g).map(Number);
  const luminance = (css) => {
    const [r, g, b] = channels(css).slice(0, 3).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (fg, bg) => {
    const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    return Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100;
  };
  const result = [];
  for (const element of document.querySelectorAll("mark.highlight, .swatch")) {
    const style = getComputedStyle(element);
    result.push({
      what: `${element.className.split(" ").find((c) => /--(yellow|green|blue|pink|purple)$/.test(c))}`
        + ` (${element.tagName.toLowerCase()})`,
      alpha: channels(style.backgroundColor)[3] ?? 1,
      ratio: ratio(style.color, style.backgroundColor),
    });
  }
  const probe = document.createElement("span");
  document.body.append(probe);
  for (const [fg, bg] of pairs) {
    probe.style.color = `var(${fg})`;
    probe.style.backgroundColor = `var(${bg})`;
    const style = getComputedStyle(probe);
    result.push({ what: `${fg} on ${bg}`, alpha: 1, ratio: ratio(style.color, style.backgroundColor) });
  }
  probe.remove();
  return result;
}"""

THEME_PAIRS = [
    ("--text", "--paper"),
    ("--muted", "--paper"),
    ("--muted", "--question-bg"),
    ("--text", "--question-bg"),
    ("--link", "--paper"),
    ("--link", "--question-bg"),
    ("--accent", "--paper"),
    ("--accent", "--question-bg"),
    ("--paper", "--accent"),  # the note count in the margin
    ("--paper", "--link"),  # buttons
    ("--error", "--paper"),
]


@pytest.mark.parametrize("colour_scheme", ["light", "dark"])
def test_text_on_every_highlight_colour_and_theme_colour_has_4_5_to_1(
    browser, live_server, seminar, colour_scheme
):
    """Computed in Chromium from the styles in force, so a change to a custom property or to the
    dark scheme is measured, not assumed; axe's color-contrast rule checks the same marks."""
    context = browser.new_context(
        color_scheme=colour_scheme, viewport={"width": 1400, "height": 1000}
    )
    page = context.new_page()
    log_in(page, live_server, "lena")
    page.goto(f"{live_server.url}/erz-2023/#p12")
    open_editor(page)  # the colour swatches
    measured = page.evaluate(CONTRAST, THEME_PAIRS)
    context.close()
    covered = {m["what"] for m in measured}
    for colour in COLOURS:
        assert f"highlight--{colour} (mark)" in covered, colour
        assert f"swatch--{colour} (label)" in covered, colour
    assert all(m["alpha"] == 1 for m in measured), "highlight colours must be opaque"
    low = [f"{m['what']}: {m['ratio']}:1" for m in measured if m["ratio"] < 4.5]
    assert not low, f"below 4.5:1 in {colour_scheme} mode: {low}"


def test_dark_colour_scheme_is_honoured(browser, live_server, seminar, screenshot_dir):
    colours = {}
    first = seminar["notes"][0].uuid
    for scheme in ("light", "dark"):
        context = browser.new_context(
            color_scheme=scheme, reduced_motion="reduce", viewport={"width": 1400, "height": 1000}
        )
        page = context.new_page()
        log_in(page, live_server, "lena")
        page.goto(f"{live_server.url}/erz-2023/?annotation={first}#p12")
        reading_ready(page, first)
        if scheme == "dark":
            page.screenshot(path=screenshot_dir / "dark-mode.png")
        open_editor(page)
        colours[scheme] = page.evaluate(
            """() => Object.fromEntries(["body", "dialog[data-editor]", "#site-search-q",
                                         "#editor-visibility", "#editor-body"]
              .map((s) => [s, getComputedStyle(document.querySelector(s)).backgroundColor]))"""
        )
        context.close()
    # The page's colours and the browser's own form controls (color-scheme) follow the scheme.
    light, dark = "rgb(255, 253, 248)", "rgb(26, 25, 23)"
    assert colours["light"]["body"] == colours["light"]["dialog[data-editor]"] == light
    assert colours["dark"]["body"] == colours["dark"]["dialog[data-editor]"] == dark
    for selector in ("#site-search-q", "#editor-visibility", "#editor-body"):
        assert luminance(colours["light"][selector]) > 0.8, selector
        assert luminance(colours["dark"][selector]) < 0.1, selector


def luminance(css: str) -> float:
    red, green, blue = (int(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


MOTION = """() => {
  const seconds = (value) => Math.max(...value.split(",").map((v) => parseFloat(v) * (v.trim().endsWith("ms") ? 0.001 : 1)));
  const moving = [];
  for (const element of document.querySelectorAll("*")) {
    const style = getComputedStyle(element);
    const longest = Math.max(seconds(style.transitionDuration), seconds(style.animationDuration));
    if (longest > 0.01) moving.push(`${element.tagName}.${element.className}: ${longest}s`);
  }
  return {
    moving,
    running: document.getAnimations().length,
    scroll: getComputedStyle(document.documentElement).scrollBehavior,
  };
}"""


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_reduced_motion_stops_animations_and_smooth_scrolling(
    browser, live_server, seminar, motion
):
    context = browser.new_context(reduced_motion=motion, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    log_in(page, live_server, "lena")
    first = seminar["notes"][0].uuid
    page.goto(f"{live_server.url}/erz-2023/?annotation={first}#p12")  # opens and flashes it
    expect(page.locator(f"#annotation-{first}")).to_have_class(re.compile(r"\bis-active\b"))
    state = page.evaluate(MOTION)
    context.close()
    if motion == "reduce":
        assert state == {"moving": [], "running": 0, "scroll": "auto"}
    else:
        assert state["scroll"] == "smooth"  # so the check above measures the media query


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (element) => {
    for (let e = element.parentElement; e; e = e.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(e).overflowX)) return true;
    }
    return false;
  };
  const outside = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (!box.width || element.closest(".visually-hidden, .skip-link, dialog:not([open])")) continue;
    if ((box.right > width + 1 || box.left < -1) && !scrolls(element)) {
      outside.push(`${element.tagName.toLowerCase()}.${element.className}`);
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, width, outside: outside.slice(0, 5) };
}"""


@pytest.mark.parametrize(
    "viewport",
    [
        pytest.param({"width": 320, "height": 640, "device_scale_factor": 1}, id="320px"),
        # A 1280 px window at 200% zoom lays out as 640 CSS px at twice the pixel density.
        pytest.param({"width": 640, "height": 400, "device_scale_factor": 2}, id="200pc-zoom"),
    ],
)
def test_no_horizontal_scrolling_or_content_off_screen_when_narrow_or_zoomed(
    browser, live_server, seminar, viewport
):
    scale = viewport.pop("device_scale_factor")
    contexts = {}
    found: list[str] = []
    try:
        for who, label, path, prepare in page_types(seminar):
            if who not in contexts:
                context = browser.new_context(viewport=viewport, device_scale_factor=scale)
                contexts[who] = context.new_page()
                if who:
                    log_in(contexts[who], live_server, who)
            page = contexts[who]
            page.goto(live_server.url + path)
            if prepare:
                prepare(page)
            state = page.evaluate(OVERFLOW)
            if state["scrollWidth"] > state["width"] or state["outside"]:
                found.append(f"{label}: {state}")
    finally:
        for page in contexts.values():
            page.context.close()
    assert not found, "\n".join(found)
