"""The benchmark database: a SQLite file or a PostgreSQL database that the benchmark may destroy.

Destroying is loud and guarded: the database's name must contain "bench", so a typo cannot
point the benchmark at the development or production database.
"""

from pathlib import Path

import dj_database_url
import psycopg
from django.core.management.base import CommandError
from psycopg import sql

MAINTENANCE_DATABASE = "postgres"


def _parsed(url: str) -> dict:
    settings = dj_database_url.parse(url)
    if "sqlite" not in settings["ENGINE"] and "postgresql" not in settings["ENGINE"]:
        raise CommandError(f"The benchmark runs on SQLite or PostgreSQL, not {settings['ENGINE']}")
    if "bench" not in Path(str(settings["NAME"])).name:
        raise CommandError(
            f"Refusing to use {settings['NAME']!r}: the benchmark drops and rebuilds its database, "
            "so the name must contain 'bench' (e.g. postgres://postgres@127.0.0.1:5432/bench)."
        )
    return settings


def vendor(url: str) -> str:
    return "sqlite" if "sqlite" in _parsed(url)["ENGINE"] else "postgresql"


def describe(url: str) -> str:
    settings = _parsed(url)
    if vendor(url) == "sqlite":
        return f"SQLite {settings['NAME']}"
    host, port = settings["HOST"] or "localhost", settings["PORT"] or 5432
    return f"PostgreSQL {host}:{port}/{settings['NAME']}"


def _sqlite_files(name: str) -> list[Path]:
    return [Path(name + suffix) for suffix in ("", "-journal", "-wal", "-shm")]


def _maintenance(settings: dict) -> psycopg.Connection:
    return psycopg.connect(
        dbname=MAINTENANCE_DATABASE,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
        connect_timeout=5,
    )


def exists(url: str) -> bool:
    settings = _parsed(url)
    if vendor(url) == "sqlite":
        return Path(settings["NAME"]).exists()
    with _maintenance(settings) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]
        ).fetchone()
    return found is not None


def drop(url: str) -> None:
    settings = _parsed(url)
    if vendor(url) == "sqlite":
        for path in _sqlite_files(settings["NAME"]):
            path.unlink(missing_ok=True)
        return
    with _maintenance(settings) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(settings["NAME"])
            )
        )


def recreate(url: str) -> None:
    """An empty database at `url`; whatever was there is gone."""
    drop(url)
    settings = _parsed(url)
    if vendor(url) == "sqlite":
        Path(settings["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        return
    with _maintenance(settings) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings["NAME"])))
