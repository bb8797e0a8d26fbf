"""The benchmark only ever destroys a database whose name says it is one."""

import pytest
from django.core.management.base import CommandError

from bench import database


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////srv/edition/db.sqlite3",
        "postgres://postgres@127.0.0.1:5432/edition",
        "postgres://postgres@127.0.0.1:5432/test",
    ],
)
def test_a_database_not_named_bench_is_refused(url):
    with pytest.raises(CommandError, match="must contain 'bench'"):
        database.recreate(url)


def test_only_sqlite_and_postgresql():
    with pytest.raises(CommandError, match="SQLite or PostgreSQL"):
        database.vendor("mysql://root@127.0.0.1/bench")


def test_a_sqlite_benchmark_file_is_recreated_and_dropped(tmp_path):
    path = tmp_path / "runs" / "bench.sqlite3"
    url = f"sqlite:///{path}"
    assert database.vendor(url) == "sqlite"
    assert not database.exists(url)
    database.recreate(url)
    path.write_bytes(b"old")
    path.with_name("bench.sqlite3-wal").write_bytes(b"old")
    database.recreate(url)
    assert not path.exists() and path.parent.is_dir()
    path.write_bytes(b"new")
    assert database.exists(url)
    database.drop(url)
    assert list(path.parent.iterdir()) == []
    assert database.describe(url) == f"SQLite {path}"
