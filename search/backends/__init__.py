"""The two full-text engines behind one interface, chosen by the database in use.

`postgresql`: a weighted `tsvector` per entry with the "german" configuration, `ts_rank` and
`ts_headline`. `sqlite`: an FTS5 table of Snowball stems, `bm25()` and snippets built in Python.
Both rank higher-is-better as `rank`, and give each result `quote_html` and `body_html`: escaped
text with `<mark>` around the words that matched.
"""

from collections.abc import Iterable
from typing import Protocol

from django.db import connection
from django.db.models import QuerySet

from search.models import SearchEntry
from search.query import ParsedQuery


class Backend(Protocol):
    def write(self, entries: list[SearchEntry], *, new: bool = False) -> None:
        """Bring the engine's copy of these (saved) entries up to date; `new` ones have none."""

    def forget(self, entries: QuerySet[SearchEntry]) -> None:
        """Drop the engine's copy of entries about to be deleted."""

    def clear(self) -> None:
        """Drop the engine's copy of every entry, strays included (before a rebuild)."""

    def matching(self, entries: QuerySet[SearchEntry], query: ParsedQuery) -> QuerySet:
        """The entries that match, annotated with `rank` (higher is better)."""

    def with_snippets(self, entries: QuerySet[SearchEntry], query: ParsedQuery) -> QuerySet:
        """The entries with whatever the engine needs to build snippets, in the same query."""

    def add_snippets(self, entries: Iterable[SearchEntry], query: ParsedQuery) -> None:
        """Set `quote_html` and `body_html` on each (already fetched) entry."""


def backend() -> Backend:
    if connection.vendor == "postgresql":
        from search.backends.postgresql import PostgresBackend

        return PostgresBackend()
    from search.backends.sqlite import SqliteBackend

    return SqliteBackend()
