"""Every page the URL conf has, rendered as someone who may see it, holds nothing the strict
Content-Security-Policy would block: no style attribute or <style> element, no event-handler
attribute, no inline <script> (JSON data blocks are data, not script), no `javascript:` URL, and
scripts and stylesheets only from this site. A named URL without an entry here fails the test."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.conftest import client_for

pytestmark = pytest.mark.django_db

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


class InlineCode(HTMLParser):
    """What in the markup needs 'unsafe-inline' (or another origin) under the policy."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script":
            src = values.get("src")
            if src is None and values.get("type") not in DATA_SCRIPT_TYPES:
                self.found.append(f"inline <script type={values.get('type')!r}>")
            if src is not None and not _same_site(src):
                self.found.append(f"<script src={src!r}>")
        if tag == "link" and "stylesheet" in (values.get("rel") or "").split():
            if not _same_site(values.get("href") or ""):
                self.found.append(f"<link rel=stylesheet href={values.get('href')!r}>")


def _same_site(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_checker_finds_what_the_policy_blocks():
    html = (
        '<p style="color:red" onclick="x()">a</p><style>p{}</style><script>alert(1)</script>'
        '<a href=" JavaScript:alert(1)">b</a><script src="https://cdn.example/x.js"></script>'
        '<script type="application/ld+json">{"a": 1}</script><script src="/static/a.js"></script>'
        '<link rel="stylesheet" href="//cdn.example/x.css">'
    )
    assert inline_code(html) == [
        "<p style='color:red'>",
        "<p onclick=…>",
        "<style> element",
        "inline <script type=None>",
        "<a href=' JavaScript:alert(1)'>",
        "<script src='https://cdn.example/x.js'>",
        "<link rel=stylesheet href='//cdn.example/x.css'>",
    ]


@dataclass
class Page:
    """One HTML page: who asks, the URL's kwargs and query, a POST if the page is an answer."""

    user: str | None
    kwargs: object = lambda site: {}
    query: object = lambda site: ""
    post: dict | None = None
    status: int = 200
    states: list = field(default_factory=list)


def course(site):
    return {"slug": site["course"].slug}


def assignment(site):
    return {"slug": site["course"].slug, "pk": site["assignment"].pk}


def course_note(site):
    return {"uuid": site["course_note"].uuid}


PAGES = {
    "edition:edition-list": Page(None),
    "reading:edition-detail": Page(
        "stu",
        lambda site: {"slug": site["edition"].slug},
        lambda site: f"?assignment={site['assignment'].pk}&annotation={site['course_note'].uuid}",
    ),
    "reading:paragraph-detail": Page(
        "stu", lambda site: {"slug": site["edition"].slug, "public_id": "p2"}
    ),
    "annotations:tag-detail": Page("stu", lambda site: {"slug": "archiv"}),
    "annotations:my-annotations": Page("stu"),
    "annotations:annotation-new": Page(
        "stu", query=lambda site: f"?edition={site['edition'].slug}&paragraph=p2"
    ),
    "annotations:annotation-history": Page("stu", course_note),
    "annotations:annotation-cite": Page("stu", course_note),
    # A fragment the reading view's script inserts into the page.
    "annotations:thread-fragment": Page("stu", course_note),
    "annotations:paragraph-threads": Page(
        "stu", lambda site: {"slug": site["edition"].slug, "public_id": "p2"}
    ),
    "annotations:deleted-annotations": Page("stu"),
    "annotations:annotation-import": Page("stu"),
    "courses:course-list": Page("ines"),
    "courses:course-new": Page("ines"),
    "courses:join-form": Page("otto"),
    "courses:join-link": Page("otto", lambda site: {"code": site["course"].join_code}),
    "courses:course-detail": Page("ines", course),
    "courses:student-detail": Page(
        "ines", lambda site: {"slug": site["course"].slug, "username": "stu"}
    ),
    "courses:course-annotations": Page("ines", course),
    "courses:annotation-hide": Page(
        "ines", lambda site: {"slug": site["course"].slug, "uuid": site["course_note"].uuid}
    ),
    "courses:assignment-new": Page("ines", course),
    "courses:assignment-detail": Page("stu", assignment),
    "courses:assignment-edit": Page("ines", assignment),
    "courses:assignment-progress": Page("ines", assignment),
    "search:search": Page("stu", query=lambda site: "?q=Archiv"),
    "accounts:signup": Page(None),
    "accounts:login": Page(None),
    "accounts:profile": Page("stu"),
    "accounts:password-change": Page("stu"),
    "accounts:password-change-done": Page("stu"),
    "accounts:password-reset": Page(None),
    "accounts:password-reset-done": Page(None),
    "accounts:password-reset-confirm": Page(
        None, lambda site: {"uidb64": "MQ", "token": "expired-link"}
    ),
    "accounts:password-reset-complete": Page(None),
    "accounts:account-delete": Page("stu"),
    "accounts:account-deleted": Page(None),
}

# Pages that answer a form: its errors, or what it shows once.
ANSWERS = {
    "login with a wrong password": Page(
        None, post={"username": "stu", "password": "wrong"}, states=["accounts:login"]
    ),
    "sign-up with errors": Page(
        None, post={"username": "", "password1": "a", "password2": "b"}, states=["accounts:signup"]
    ),
    "a new API token": Page("stu", post={"name": "Skript"}, states=["accounts:api-token-create"]),
    "a plain annotation form with errors": Page(
        "stu",
        query=lambda site: f"?edition={site['edition'].slug}&paragraph=p2",
        post={"body": "x" * 10_001, "visibility": "private", "motivation": "commenting"},
        states=["annotations:annotation-new"],
    ),
    "a wrong join code": Page(
        "otto", post={"code": "nope"}, status=200, states=["courses:join-form"]
    ),
    "a search with a bad filter": Page(
        "stu", query=lambda site: "?q=Bild&from_paragraph=zwölf", states=["search:search"]
    ),
}

# Named URLs that answer no HTML page of their own: data, files, redirects, POST-only actions.
NOT_PAGES = {
    "annotations:api-collection": "JSON",
    "annotations:api-preview": "JSON",
    "annotations:api-item": "JSON",
    "annotations:api-restore": "JSON",
    "annotations:api-tags": "JSON",
    "annotations:w3c-container": "JSON-LD",
    "annotations:w3c-context": "JSON-LD",
    "annotations:w3c-annotation": "JSON-LD",
    "annotations:annotation-detail": "a redirect to the reading view",
    "annotations:annotation-restore": "POST only",
    "annotations:my-annotations-jsonld": "JSON-LD file",
    "annotations:my-annotations-csv": "CSV file",
    "annotations:my-annotations-markdown": "Markdown file",
    "reading:live": "JSON (the live channel)",
    "edition:edition-json": "JSON",
    "edition:edition-text": "plain text",
    "edition:edition-tei": "XML",
    "edition:cite-bibtex": "BibTeX",
    "edition:cite-ris": "RIS",
    "edition:cite-csl": "CSL-JSON",
    "courses:assignment-students-csv": "CSV",
    "courses:course-annotations-csv": "CSV",
    "courses:course-annotations-jsonld": "JSON-LD file",
    "accounts:account-data": "ZIP file",
    "courses:assignment-annotations-csv": "CSV",
    "accounts:logout": "POST only",
    "set_language": "POST only (sets the language cookie and redirects)",
    "accounts:api-token-revoke": "POST only",
    "courses:join-code-regenerate": "POST only",
    "courses:joining-set": "POST only",
    "courses:member-remove": "POST only",
    "courses:co-instructor-add": "POST only",
    "courses:vocabulary-set": "POST only",
    "courses:annotation-unhide": "POST only",
}


def url_names() -> set[str]:
    """Every named URL outside the Django admin, as namespace:name."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace != "admin":
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns, None))


def test_every_named_url_is_rendered_here_or_answers_no_page():
    answered = {state for page in ANSWERS.values() for state in page.states}
    missing = sorted(url_names() - set(PAGES) - set(NOT_PAGES) - answered)
    assert not missing, f"render these pages in PAGES (or say why not in NOT_PAGES): {missing}"


def fetch(site, name: str, page: Page):
    if name not in url_names():
        pytest.skip(f"no URL {name} in this version")
    url = reverse(name, kwargs=page.kwargs(site)) + page.query(site)
    client = client_for(site[page.user] if page.user else None)
    response = client.post(url, page.post) if page.post is not None else client.get(url)
    return url, response


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_has_no_inline_code(site, name):
    url, response = fetch(site, name, PAGES[name])
    assert response.status_code == PAGES[name].status, url
    assert response["Content-Type"].startswith("text/html")
    assert inline_code(response.content.decode()) == [], url


@pytest.mark.parametrize("state", sorted(ANSWERS))
def test_answer_page_has_no_inline_code(site, state):
    page = ANSWERS[state]
    url, response = fetch(site, page.states[0], page)
    assert response.status_code == page.status, url
    assert inline_code(response.content.decode()) == [], url


@pytest.mark.parametrize(
    "path",
    [
        "/no-such-page/here/",
        "/test-interview/p999/",
        "/courses/not-a-course/",
    ],
)
def test_error_pages_have_no_inline_code(site, path):
    response = client_for(site["stu"]).get(path)
    assert response.status_code == 404
    assert inline_code(response.content.decode()) == []


def test_the_csrf_failure_page_has_no_inline_code(site):
    """Django's own page styles itself inline; ours (templates/403_csrf.html) does not."""
    response = client_for(site["stu"], enforce_csrf_checks=True).post(
        "/accounts/profile/", {"display_name": "x"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert inline_code(html) == []
    assert "The form had expired" in html
