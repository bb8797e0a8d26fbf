"""The XSS corpus typed into every field a reader controls on an annotation: the note, its tags
and the author's display name. Stored as typed; rendered with nothing executable."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from accounts.services import user_register
from annotations.models import TAG_MAX_LENGTH, Annotation
from annotations.services import annotation_create
from tests.annotations.test_rendering import XSS_PAYLOADS

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "form", "meta", "base", "style", "svg"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Markup(HTMLParser):
    """What in a page could run: elements, event-handler attributes and script URLs, as parsed
    (text that only looks like markup inside an attribute or text node is not counted)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            kind = dict(attrs).get("type") or ("module" if dict(attrs).get("src") else "")
            self.found.append(f"<{tag} {kind}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                if value.strip().lower().startswith(DANGEROUS_SCHEMES):
                    self.found.append(f"{tag}[{name}={value[:20]}]")


def _executable(html: str) -> list[str]:
    parser = _Markup()
    parser.feed(html)
    return sorted(parser.found)


def _tag(payload: str) -> str:
    tag = payload.replace(",", " ").replace('"', " ")[:TAG_MAX_LENGTH]
    return tag if re.search(r"\w", tag) else f"x{tag}"[:TAG_MAX_LENGTH]


def _pages(edition, body: str, tag: str, name: str, username: str) -> tuple[Annotation, dict]:
    author = user_register(
        username=username,
        email=f"{username}@example.org",
        password="quiet-archive-lantern-42",
        display_name=name,
    )
    note = annotation_create(
        user=author,
        paragraph=edition.paragraphs.get(public_id="p2"),
        motivation="commenting",
        body=body,
        tags=[tag],
        visibility="public",
    )
    slug = note.tags.get().slug
    urls = ["/test-interview/", f"/annotations/{note.uuid}/thread/", f"/tags/{slug}/"]
    pages = {url: Client().get(url).content.decode() for url in urls}
    note.delete()
    return note, pages


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_in_note_tag_and_display_name_is_kept_and_never_executable(payload, edition):
    """The pages with the payload have exactly the scripts, handlers and forms of the same pages
    with harmless input: nothing the reader typed became markup."""
    _, baseline = _pages(edition, "harmlos", "harmlos", "Harmlos", "harmless")
    note, hostile = _pages(edition, payload, _tag(payload), payload[:80], "mallory")
    for (url, page), expected in zip(hostile.items(), baseline.values(), strict=True):
        assert _executable(page) == _executable(expected), url
    stored = Annotation.objects.filter(body=payload)
    assert not stored.exists()  # deleted by _pages; what was stored is checked next


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_is_stored_and_served_as_typed(payload, edition):
    author = user_register(
        username="mallory",
        email="mallory@example.org",
        password="quiet-archive-lantern-42",
        display_name=payload[:80],
    )
    note = annotation_create(
        user=author,
        paragraph=edition.paragraphs.get(public_id="p2"),
        motivation="commenting",
        body=payload,
        tags=[_tag(payload)],
        visibility="public",
    )
    stored = Annotation.objects.get(pk=note.pk)
    assert stored.body == payload
    assert list(stored.tags.names()) == [" ".join(_tag(payload).split())]
    data = Client().get(f"/api/annotations/{note.uuid}/").json()
    assert data["body"] == payload
    assert data["author"]["name"] == author.profile.display_name
