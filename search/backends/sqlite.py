"""SQLite: an FTS5 table of German stems (search.text), `bm25()` ranking, snippets in Python.

The FTS5 table `search_fts` holds each entry's fields as stems, its rowid the entry's id; a
search joins it to the entries (the `fts` relation) and matches the query's stems. Column weights
follow PostgreSQL's A–D: passage or paragraph text, note, tags, author. `snippet()` would show
stems, so snippets are cut from the entry's own text by `search.text.highlight`.
"""

from collections.abc import Iterable

from django.db.models import BooleanField, Expression, FloatField, QuerySet

from search.models import FtsRow, SearchEntry
from search.query import ParsedQuery, Term
from search.text import highlight, stem, stemmed

TABLE = FtsRow._meta.db_table
WEIGHTS = "10.0, 4.0, 2.0, 1.0"  # quote, body, tags, author


def _fts_term(term: Term) -> str:
    """Stems are letters and digits only, so quoting them cannot be escaped from."""
    phrase = '"' + " ".join(stem(word) for word in term.words) + '"'
    return phrase + "*" if term.prefix else phrase


def match_text(query: ParsedQuery) -> str:
    clauses = [
        "(" + " OR ".join(_fts_term(term) for term in clause) + ")" for clause in query.clauses
    ]
    text = "(" + " AND ".join(clauses) + ")"
    return text + "".join(f" NOT {_fts_term(term)}" for term in query.excluded)


class FtsMatch(Expression):
    """`search_fts MATCH '<query>'`, for a query that joins the table through `fts`."""

    output_field = BooleanField()

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def as_sql(self, compiler, connection):
        table = connection.ops.quote_name(TABLE)
        return f"{table}.{table} MATCH %s", [self.text]


class Bm25Rank(Expression):
    """`bm25()` of the joined row, negated: higher is better, as with ts_rank."""

    output_field = FloatField()

    def as_sql(self, compiler, connection):
        return f"-bm25({connection.ops.quote_name(TABLE)}, {WEIGHTS})", []


class SqliteBackend:
    def write(self, entries: list[SearchEntry], *, new: bool = False) -> None:
        if not entries:
            return
        if not new:
            FtsRow.objects.filter(entry_id__in=[entry.pk for entry in entries]).delete()
        FtsRow.objects.bulk_create(
            FtsRow(
                entry_id=entry.pk,
                quote=stemmed(entry.quote),
                body=stemmed(entry.body),
                tags=stemmed(entry.tags),
                author=stemmed(entry.author),
            )
            for entry in entries
        )

    def forget(self, entries: QuerySet[SearchEntry]) -> None:
        FtsRow.objects.filter(entry__in=entries).delete()

    def clear(self) -> None:
        """Rows of entries deleted by a cascade (an edition, a user's annotations) stay in the
        FTS5 table, unreachable (entry ids are never reused); a rebuild drops them too."""
        FtsRow.objects.all().delete()

    def matching(self, entries: QuerySet[SearchEntry], query: ParsedQuery) -> QuerySet:
        return (
            entries.filter(fts__isnull=False)
            .filter(FtsMatch(match_text(query)))
            .annotate(rank=Bm25Rank())
        )

    def with_snippets(self, entries: QuerySet[SearchEntry], query: ParsedQuery) -> QuerySet:
        return entries

    def add_snippets(self, entries: Iterable[SearchEntry], query: ParsedQuery) -> None:
        for entry in entries:
            entry.quote_html = highlight(entry.quote, query.matches_stem) if entry.quote else ""
            entry.body_html = highlight(entry.body, query.matches_stem) if entry.body else ""
