"""Reading what a reader typed, and the German words of the SQLite index (no database)."""

import pytest

from search.backends.postgresql import marked_html, tsquery_text
from search.backends.sqlite import match_text
from search.query import Problem, Term, parse_query
from search.text import highlight, stem, stemmed


def test_words_phrases_alternatives_exclusions_and_prefixes():
    query = parse_query('Bilder "Ort der Produktion" Archiv OR Sammlung -Kunst Gesicht*')
    assert query.clauses == (
        (Term(("Bilder",)),),
        (Term(("Ort", "der", "Produktion")),),
        (Term(("Archiv",)), Term(("Sammlung",))),
        (Term(("Gesicht",), prefix=True),),
    )
    assert query.excluded == (Term(("Kunst",)),)
    assert query.is_runnable


def test_only_letters_and_digits_reach_the_engines():
    query = parse_query("Bild:* & !(Archiv) | 'x' <-> NEAR(y) \"z")
    assert tsquery_text(query) == "(Bild:*) & (Archiv) & (x) & ((NEAR <-> y)) & (z)"
    assert match_text(query) == '(("bild"*) AND ("archiv") AND ("x") AND ("near y") AND ("z"))'


def test_a_hyphenated_word_is_a_phrase_and_a_trailing_star_a_prefix():
    query = parse_query("KI-Künstler Gesichts*")
    assert match_text(query) == '(("ki kunstl") AND ("gesicht"*))'
    assert tsquery_text(query) == "((KI <-> Künstler)) & (Gesichts:*)"


def test_exclusions_in_both_engines():
    query = parse_query("Bild -Gesicht")
    assert match_text(query) == '(("bild")) NOT "gesicht"'
    assert tsquery_text(query) == "(Bild) & !(Gesicht)"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", Problem.EMPTY),
        ("   ", Problem.EMPTY),
        ('* ! & | ( ) : - "" \'', Problem.NO_WORDS),
        ("OR OR", Problem.NO_WORDS),
        ("-Bild", Problem.ONLY_EXCLUDED),
        ("die und", Problem.ONLY_STOPWORDS),
        ('"der die das"', Problem.ONLY_STOPWORDS),
    ],
)
def test_queries_with_nothing_to_look_for_say_why(text, problem):
    query = parse_query(text)
    assert query.problem == problem
    assert not query.is_runnable


def test_common_words_are_dropped_but_reported():
    query = parse_query("die Bilder und")
    assert query.clauses == ((Term(("Bilder",)),),)
    assert query.stopwords_dropped == ("die", "und")


@pytest.mark.parametrize(
    ("words", "stem_"),
    [
        (["Bild", "Bilder", "Bildern", "Bildes"], "bild"),
        (["Größe", "Grösse", "größe"], "gross"),
        (["Maß", "Masse"], "mass"),
        (["Straße", "Strasse"], "strass"),
    ],
)
def test_german_word_forms_share_a_stem(words, stem_):
    assert {stem(word) for word in words} == {stem_}


def test_the_index_holds_every_word_as_its_stem():
    assert stemmed("Die Gesichtserkennung, KI-Künstler!") == "die gesichtserkenn ki kunstl"


def test_highlight_escapes_everything_and_marks_matches():
    query = parse_query("Bild")
    html = highlight('<b>Bilder</b> & "Bildern"', query.matches_stem)
    assert html == "&lt;b&gt;<mark>Bilder</mark>&lt;/b&gt; &amp; &quot;<mark>Bildern</mark>&quot;"


def test_highlight_marks_a_prefix_and_cuts_long_texts_around_the_match():
    text = " ".join(["Wort"] * 60 + ["Gesichtserkennung"] + ["Ende"] * 60)
    html = highlight(text, parse_query("Gesicht*").matches_stem)
    assert html.startswith("… Wort")
    assert html.endswith("Ende …")
    assert "<mark>Gesichtserkennung</mark>" in html
    assert len(html.split()) < 40


def test_a_postgres_headline_is_escaped_again_around_its_marks():
    headline = "&lt;script&gt;<mark>Bild</mark>&amp;<mark>x&quot;</mark> <b>y</b>"
    assert marked_html(headline) == (
        "&lt;script&gt;<mark>Bild</mark>&amp;<mark>x&quot;</mark> &lt;b&gt;y&lt;/b&gt;"
    )
