"""Issue 6's query budget for the reading pages and their pieces: the same number of SQL
queries with no annotations and with many, and at most 12 for any page. Counted warm (the
second of two identical requests), as a server under load answers them."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from annotations.models import Group
from annotations.services import TextSelector, annotation_create, annotation_delete
from tests.factories import make_user

PAGE_BUDGET = 12
URLS = {
    "edition page": "/test-interview/",
    "edition page, filtered": "/test-interview/?scope=groups&tag=methode",
    "paragraph page": "/test-interview/p2/",
    "a paragraph's threads": "/test-interview/p2/threads/",
    "a paragraph's threads, filtered": "/test-interview/p2/threads/?tag=methode",
    "API: a paragraph's annotations": "/api/annotations/?edition=test-interview&paragraph=p2",
    "search": "/search/?q=Bild",
}


@pytest.fixture
def readers(edition):
    group = Group.objects.create(name="Seminar", slug="seminar")
    people = [make_user(f"reader{n}", display_name=f"Reader {n}") for n in range(4)]
    group.members.add(*people[:3])
    return people, group


def populate(edition, people, group, threads_per_paragraph: int = 10) -> int:
    """Threads of every visibility on every paragraph, with tags, replies and deletions."""
    made = 0
    for paragraph in edition.paragraphs.all():
        words = paragraph.text.split()[0]
        for n in range(threads_per_paragraph):
            visibility = ("public", "private", "group")[n % 3]
            # The fourth reader is in no group.
            author = people[n % (3 if visibility == "group" else len(people))]
            note = annotation_create(
                user=author,
                paragraph=paragraph,
                motivation="commenting",
                body=f"Notiz {n} zu *{paragraph.public_id}*",
                selector=TextSelector(0, len(words), words),
                visibility=visibility,
                group=group if visibility == "group" else None,
                tags=["Methode", f"Tag {n % 4}"],
            )
            reader = people[(n + 1) % 3]
            annotation_create(user=reader, parent=note, motivation="replying", body="Antwort")
            if n % 5 == 4:
                annotation_delete(user=author, annotation=note)
            made += 2
    return made


def warm_count(client: Client, url: str) -> int:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def counts(client: Client) -> dict[str, int]:
    return {name: warm_count(client, url) for name, url in URLS.items()}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_counts_are_the_same_with_few_annotations_and_with_many(edition, readers, monkeypatch):
    """With none, a page may skip a query (nothing to fetch tags for); from one thread per
    paragraph on, the count is fixed. Counted as rendered: responses kept per reader
    (annotations/reader_cache.py) are off here, or the repeat would cost fewer."""
    monkeypatch.setattr("django.conf.settings.READER_CACHE_SECONDS", 0)
    people, group = readers
    empty = {"anonymous": counts(Client()), "member": counts(signed_in(people[0]))}
    populate(edition, people, group, threads_per_paragraph=1)
    few = {"anonymous": counts(Client()), "member": counts(signed_in(people[0]))}
    populate(edition, people, group, threads_per_paragraph=15)
    many = {"anonymous": counts(Client()), "member": counts(signed_in(people[0]))}
    assert many == few
    for who, pages in many.items():
        assert all(empty[who][name] <= n for name, n in pages.items())
        over = {name: n for name, n in pages.items() if n > PAGE_BUDGET}
        assert not over, f"{who}: over {PAGE_BUDGET} queries: {over}"


def test_a_reader_without_a_session_gets_the_cached_edition_page_for_one_query(edition, readers):
    assert warm_count(Client(), "/test-interview/") == 1
