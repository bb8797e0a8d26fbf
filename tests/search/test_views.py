"""The search page, the header's search box and the reading view's find box."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.search.conftest import note

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("search:search")


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page(client: Client, **params) -> str:
    response = client.get(SEARCH_URL, params)
    assert response.status_code == 200
    return response.content.decode()


def results(html: str) -> list[str]:
    return re.findall(r'<li class="search-result search-result--(\w+)">', html)


def summary(html: str) -> str:
    match = re.search(r'<p class="list-summary" role="status">(.*?)</p>', html, re.DOTALL)
    return " ".join(match.group(1).split()) if match else ""


# Queries with nothing to look for


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type what you are looking for"),
        ("   ", "Type what you are looking for"),
        ("* & | ! ( ) : \" ' -", "has no word to look for"),
        ("OR", "has no word to look for"),
        ("-Bild", "add at least one word to look for"),
        ("die und der", "Only very common words were given (die, und, der)"),
    ],
)
def test_a_query_without_words_to_find_is_explained(edition, query, message):
    html = page(Client(), q=query)
    assert message in html
    assert results(html) == []


def test_the_bare_search_page_shows_the_form(edition):
    response = Client().get(SEARCH_URL)
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


# Bad filters


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from_paragraph": "zwölf"}, "A paragraph is given by its ID, like p12."),
        ({"from_paragraph": "p99"}, "There is no paragraph p99."),
        ({"from_paragraph": "p4", "to_paragraph": "p2"}, "p2 comes before p4 in the text."),
        ({"from_date": "gestern"}, "Enter a valid date."),
        ({"from_date": "2025-05-02", "to_date": "2025-05-01"}, "The end date is before"),
        ({"motivation": "shouting"}, "Select a valid choice."),
        ({"kind": "everything"}, "Select a valid choice."),
        ({"course": "not-mine"}, "Choose one of your courses."),
        ({"kind": "text", "tag": "x"}, "belong to annotations, not to the text"),
        ({"q": "Bild" * 60}, "Ensure this value has at most 200 characters"),
    ],
)
def test_a_bad_filter_is_a_form_error(edition, params, message):
    html = page(Client(), **{"q": "Bild", **params})
    assert message in html.replace("&#x27;", "'")
    assert results(html) == []
    assert 'aria-invalid="true"' in html


def test_a_course_filter_accepts_only_the_readers_own_courses(edition, paragraphs, people):
    course = people["course"]
    note(people["ann"], paragraphs["p2"], "Im Kurs", visibility="group", group=people["group"])
    assert results(page(client_for(people["ann"]), q="Kurs", course=course.slug)) == ["annotation"]
    assert "Choose one of your courses." in page(
        client_for(people["cy"]), q="Kurs", course=course.slug
    )


def test_paragraph_range_accepts_numbers_as_cited(edition):
    html = page(Client(), q="Bild*", from_paragraph="3", to_paragraph="¶ 4")
    assert results(html) == ["text", "text"]


# Results


def test_results_link_to_the_passage_and_to_the_annotation(edition, paragraphs, people):
    annotation = note(people["ann"], paragraphs["p5"], "Ein Plakat als Bild.")
    html = page(Client(), q="Plakat")
    assert f'href="{annotation.get_absolute_url()}"' in html
    assert 'href="/test-interview/?find=Plakat#p5"' in html
    assert 'href="/test-interview/p5/"' in html
    assert "Ann Archivarin" in html


def test_snippets_mark_the_matching_word_forms(edition):
    html = page(Client(), q="Bilder", kind="text")
    assert "<mark>Bilder</mark> über <mark>Bildern</mark>" in html
    assert "<mark>Bild</mark> nach" in html


def test_a_note_with_markup_is_shown_as_text_with_marks_only_around_matches(
    edition, paragraphs, people
):
    body = 'Vorsicht <script>alert("Bild")</script> & <b onclick="x()">Bilder</b>'
    note(people["ann"], paragraphs["p2"], body, tags=["<i>Tag</i>"])
    html = page(Client(), q="Bild", kind="annotations")
    snippet = re.search(r'<p class="search-snippet">(.*?)</p>', html, re.DOTALL).group(1)
    assert re.findall(r"<mark>(.*?)</mark>", snippet) == ["Bild", "Bilder"]
    assert "&lt;script&gt;alert(&quot;<mark>Bild</mark>&quot;)&lt;/script&gt; &amp; " in snippet
    assert "&lt;b onclick=&quot;x()&quot;&gt;<mark>Bilder</mark>" in snippet
    assert not re.search(r"[<>]", re.sub(r"</?mark>", "", snippet))
    assert "<script>alert" not in html
    assert "&lt;i&gt;Tag&lt;/i&gt;" in html
    assert "<i>Tag</i>" not in html


def test_the_passage_of_an_annotation_is_part_of_its_snippet(edition, paragraphs, people):
    note(people["ann"], paragraphs["p4"], "Siehe oben.", quote="Gesichtserkennung")
    html = page(Client(), q="Gesicht*", kind="annotations")
    assert '<blockquote class="search-snippet search-snippet--quote" lang="de">' in html
    assert "<mark>Gesichtserkennung</mark>" in html


def test_results_are_paginated_by_twenty(edition, paragraphs, people):
    for number in range(25):
        note(people["ann"], paragraphs["p2"], f"Notiz Nummer {number}")
    first = page(Client(), q="Notiz")
    assert len(results(first)) == 20
    assert summary(first).startswith("25 results for “Notiz”")
    assert 'rel="next"' in first
    second = page(Client(), q="Notiz", page=2)
    assert len(results(second)) == 5
    assert '<ol class="search-results" start="21">' in second
    assert len(results(page(Client(), q="Notiz", page="viele"))) == 20


def test_past_the_most_results_shown_the_page_says_so(edition, paragraphs, people, monkeypatch):
    monkeypatch.setattr("search.views.RESULTS_MAX", 5)
    for number in range(7):
        note(people["ann"], paragraphs["p2"], f"Notiz Nummer {number}")
    html = page(Client(), q="Notiz")
    assert summary(html).startswith("More than 5 results for “Notiz”; the best 5 are shown.")
    assert len(results(html)) == 5


def test_counts_include_only_what_the_reader_may_see(edition, paragraphs, people):
    ann = people["ann"]
    note(ann, paragraphs["p2"], "Fundstück privat", visibility="private")
    note(ann, paragraphs["p2"], "Fundstück im Kurs", visibility="group", group=people["group"])
    note(ann, paragraphs["p2"], "Fundstück öffentlich")
    assert summary(page(client_for(ann), q="Fundstück")).startswith("3 results")
    assert summary(page(client_for(people["ben"]), q="Fundstück")).startswith("2 results")
    anonymous = page(Client(), q="Fundstück")
    assert summary(anonymous).startswith("1 result for")
    assert "privat" not in anonymous.replace("Fundstück privat", "")  # not even in a snippet
    assert "Fundstück privat" not in anonymous
    assert "Fundstück im Kurs" not in anonymous


def test_nothing_found_says_so(edition):
    html = page(Client(), q="Quantenphysik")
    assert "Nothing you can see matches “Quantenphysik”." in html


def test_the_number_of_queries_does_not_grow_with_the_results(
    edition, paragraphs, people, settings
):
    settings.READER_CACHE_SECONDS = 0  # counted as rendered, not as kept for the reader
    ann = people["ann"]
    client = client_for(ann)

    def count(**params) -> int:
        with CaptureQueriesContext(connection) as queries:
            page(client, **params)
        return len(queries)

    for number in range(3):
        note(ann, paragraphs["p2"], f"Bild Nummer {number}", tags=[f"t{number}"])
    few = count(q="Bild")
    filtered_few = count(q="Bild", from_paragraph="p1", to_paragraph="p5", tag="t1")
    for number in range(3, 30):
        note(ann, paragraphs["p3"], f"Bild Nummer {number}", tags=[f"t{number}", "x"])
        note(people["ben"], paragraphs["p4"], f"Bild von Ben {number}", visibility="private")
    assert count(q="Bild") == few
    assert count(q="Bild", from_paragraph="p1", to_paragraph="p5", tag="t1") == filtered_few
    assert few <= 8


# The header and the reading view


def test_every_page_has_a_search_box_in_the_header(edition):
    html = Client().get(edition.get_absolute_url()).content.decode()
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert f'action="{SEARCH_URL}"' in header
    assert '<label for="site-search-q"' in header
    assert 'name="q"' in header


def reading_view(client: Client, edition, **params) -> str:
    response = client.get(edition.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def find_box(html: str) -> str:
    return html[html.index('<form class="find-box') : html.index("</form>", html.index("find-box"))]


def test_the_find_box_lists_matching_paragraphs_in_reading_order(edition):
    box = find_box(reading_view(Client(), edition, find="Bilder"))
    assert box.startswith('<form class="find-box find-box--active"')  # stays in view
    assert "“Bilder”: 2 paragraphs match." in box
    assert re.findall(r'data-find-match="(p\d+)"', box) == ["p3", "p4"]
    assert 'href="?find=Bilder&amp;match=1#p3" rel="next"' in box
    assert 'href="?find=Bilder&amp;match=2#p4" rel="prev"' in box


def test_the_find_box_says_match_n_of_m_and_links_to_neighbours(edition):
    box = find_box(reading_view(Client(), edition, find="Bild*", match="2"))
    assert "Match 2 of 3" in box
    assert 'href="?find=Bild%2A&amp;match=2#p3" data-find-match="p3" aria-current="true"' in box
    assert 'href="?find=Bild%2A&amp;match=1#p2" rel="prev"' in box
    assert 'href="?find=Bild%2A&amp;match=3#p4" rel="next"' in box


def test_the_find_box_keeps_the_other_parameters_of_the_reading_view(edition):
    box = find_box(reading_view(Client(), edition, find="Plakat", scope="public", tag="x"))
    assert '<input type="hidden" name="scope" value="public">' in box
    assert '<input type="hidden" name="tag" value="x">' in box


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Quantenphysik", "No paragraph contains “Quantenphysik”."),
        ("!!", "very common words and signs alone are not looked for"),
        ("und", "very common words and signs alone are not looked for"),
    ],
)
def test_the_find_box_explains_an_empty_result(edition, text, message):
    box = find_box(reading_view(Client(), edition, find=text))
    assert box.startswith('<form class="find-box" ')  # not pinned over the text
    assert message in box
    assert "data-find-match" not in box


def test_the_find_box_costs_one_query_and_none_when_unused(edition):
    client = Client()
    # With a query string, as the find box's own: the page without one is the cached shared page.
    reading_view(client, edition, scope="public")  # warm caches of the page itself
    with CaptureQueriesContext(connection) as without:
        reading_view(client, edition, scope="public")
    with CaptureQueriesContext(connection) as with_find:
        reading_view(client, edition, scope="public", find="Bild")
    assert len(with_find) == len(without) + 1


def test_the_find_box_has_its_script_and_styles(edition):
    html = reading_view(Client(), edition)
    assert '<script type="module" src="/static/js/find.js"></script>' in html
    assert 'href="/static/css/search.css"' in html
