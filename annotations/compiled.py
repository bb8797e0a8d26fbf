"""The SQL of a hot query, built by the ORM once per shape and then only bound.

The live channel asks every reader's visible notes on a paragraph every few seconds; the query is
the ORM's `annotations_visible_to` (visibility is applied in the query, as everywhere), but
building and compiling its dozen subqueries costs ten times more than the database's answer
(4 ms of Python for 0.3 ms of SQLite). `compiled` builds it once per shape (the database, whether
the reader is signed in, how many values each list has) for stand-in values that cannot occur,
`bind` puts the real ones in their place. The SQL run is exactly what the ORM builds for the
reader; `tests/annotations/test_compiled.py` compares the answers.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet

# Stand-ins: negative keys, which no row has and no query of ours writes.
READER = -7_000_001
EDITION = -7_000_002
_FIRST_ITEM = -7_100_000

_kept: dict[tuple, tuple[str, tuple]] = {}


def stand_in_reader():
    """A signed-in user who is nobody: the reader's place in a compiled query."""
    return get_user_model()(pk=READER)


def stand_ins(count: int) -> list[int]:
    """Stand-ins for a list of `count` keys (a list's length is part of a query's shape)."""
    return [_FIRST_ITEM - n for n in range(count)]


def compiled(shape: tuple, build: Callable[[], QuerySet]) -> tuple[str, tuple]:
    """The SQL and parameters of `build()`'s query, built once per database and `shape`."""
    key = (connection.alias, connection.vendor, *shape)
    found = _kept.get(key)
    if found is None:
        sql, params = build().query.sql_with_params()
        found = _kept[key] = (sql, tuple(params))
    return found


def bind(params: tuple, values: dict[int, object]) -> list:
    """The parameters with each stand-in replaced by its value."""
    return [values.get(p, p) if type(p) is int else p for p in params]


def run(shape: tuple, build: Callable[[], QuerySet], values: dict[int, object]) -> list[dict]:
    """The rows of the compiled query for these values, as dicts of its columns."""
    sql, params = compiled(shape, build)
    with connection.cursor() as cursor:
        cursor.execute(sql, bind(params, values))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
