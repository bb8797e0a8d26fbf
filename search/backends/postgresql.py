"""PostgreSQL: `tsvector` with the "german" configuration, GIN index, `ts_rank`, `ts_headline`.

Weights: A the paragraph's text or the annotated passage, B the note, C tags, D the author's
name. Snippets: `ts_headline` is given the text with `&`, `<` and `>` already escaped, because
its parser drops anything that looks like an HTML tag (a note about "<script>" would lose those
words); the `<mark>` it puts around matches is then the only markup in its answer. The answer
is still not trusted: it is split at the marks, each piece unescaped and escaped again.
"""

import html
import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Replace
from django.utils.html import escape
from django.utils.safestring import mark_safe

from search.models import SearchEntry
from search.query import ParsedQuery, Term
from search.text import ELLIPSIS, SNIPPET_WORDS

CONFIG = "german"
MARK_START, MARK_STOP = "<mark>", "</mark>"
MARKED = re.compile(f"{MARK_START}(.*?){MARK_STOP}", re.DOTALL)


def entry_vector() -> SearchVector:
    return (
        SearchVector("quote", weight="A", config=CONFIG)
        + SearchVector("body", weight="B", config=CONFIG)
        + SearchVector("tags", weight="C", config=CONFIG)
        + SearchVector("author", weight="D", config=CONFIG)
    )


def _tsquery_term(term: Term) -> str:
    """Words are letters and digits only (see search.query), so they cannot carry operators."""
    words = list(term.words)
    if term.prefix:
        words[-1] += ":*"
    text = " <-> ".join(words)
    return f"({text})" if term.is_phrase else text


def tsquery_text(query: ParsedQuery) -> str:
    clauses = [
        "(" + " | ".join(_tsquery_term(term) for term in clause) + ")" for clause in query.clauses
    ]
    clauses += [f"!({_tsquery_term(term)})" for term in query.excluded]
    return " & ".join(clauses)


def search_query(query: ParsedQuery) -> SearchQuery:
    return SearchQuery(tsquery_text(query), search_type="raw", config=CONFIG)


def _escaped(field: str):
    """The field's text HTML-escaped in SQL, for ts_headline (see the module's docstring)."""
    expression = Replace(F(field), Value("&"), Value("&amp;"))
    expression = Replace(expression, Value("<"), Value("&lt;"))
    return Replace(expression, Value(">"), Value("&gt;"))


def _headline(field: str, query: ParsedQuery) -> SearchHeadline:
    """One fragment of about SNIPPET_WORDS words around the best match (the fragment mode
    centres it; the default mode starts at the first match)."""
    return SearchHeadline(
        _escaped(field),
        search_query(query),
        config=CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_STOP,
        max_words=SNIPPET_WORDS,
        min_words=SNIPPET_WORDS // 2,
        max_fragments=1,
    )


def marked_html(headline: str, source: str = "") -> str:
    """The headline as safe HTML, with an ellipsis where it cut the `source` text."""
    parts, plain = [], []
    position = 0
    for match in MARKED.finditer(headline):
        before, marked = html.unescape(headline[position : match.start()]), html.unescape(match[1])
        parts += [escape(before), f"<mark>{escape(marked)}</mark>"]
        plain += [before, marked]
        position = match.end()
    rest = html.unescape(headline[position:])
    parts.append(escape(rest))
    plain.append(rest)
    fragment = "".join(plain).strip()
    start = source.find(fragment) if fragment else -1
    if start > 0:
        parts.insert(0, ELLIPSIS + " ")
    if start >= 0 and start + len(fragment) < len(source.rstrip()):
        parts.append(" " + ELLIPSIS)
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


class PostgresBackend:
    def write(self, entries: list[SearchEntry], *, new: bool = False) -> None:
        if entries:
            SearchEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(
                vector=entry_vector()
            )

    def forget(self, entries: QuerySet[SearchEntry]) -> None:
        """The vector is a column of the entry: it goes with the row."""

    def clear(self) -> None:
        """Nothing outside the entries' rows."""

    def matching(self, entries: QuerySet[SearchEntry], query: ParsedQuery) -> QuerySet:
        tsquery = search_query(query)
        return entries.filter(vector=tsquery).annotate(rank=SearchRank(F("vector"), tsquery))

    def with_snippets(self, entries: QuerySet[SearchEntry], query: ParsedQuery) -> QuerySet:
        return entries.annotate(
            quote_headline=_headline("quote", query), body_headline=_headline("body", query)
        )

    def add_snippets(self, entries: Iterable[SearchEntry], query: ParsedQuery) -> None:
        for entry in entries:
            entry.quote_html = marked_html(entry.quote_headline, entry.quote) if entry.quote else ""
            entry.body_html = marked_html(entry.body_headline, entry.body) if entry.body else ""
