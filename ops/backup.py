"""A consistent copy of the database, and putting one back.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the database page by page
under one read transaction, so the copy is consistent while the site keeps running; the copy
is itself a SQLite database. Restoring copies it back the same way over the configured one.

PostgreSQL: `pg_dump --format=custom` (one snapshot, consistent while the site runs) and
`pg_restore --clean --if-exists --no-owner --single-transaction` (all or nothing). Both come
with the PostgreSQL client (Debian: `apt-get install postgresql-client`, of the server's major
version or newer). The connection settings are Django's (`DATABASE_URL`), passed to them in the
environment, so a password never shows in the process list.

Restoring refuses a database that holds data unless forced: any row in a table of the project's
models counts, except the content types and permissions that `migrate` creates by itself. A
backup file is written beside its destination and renamed into place when complete, so a
failed backup never leaves a half file under the name.
"""

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with an argument list, no shell
from pathlib import Path

from django.apps import apps
from django.db.backends.base.base import BaseDatabaseWrapper

POSTGRESQL_CLIENT = "postgresql-client"
# Tables `migrate` fills in any database: rows there do not make it "holding data".
CREATED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    """What went wrong, said for the person at the terminal."""


def database_label(connection: BaseDatabaseWrapper) -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {settings['NAME']}"
    host = settings.get("HOST") or "localhost"
    return f"PostgreSQL {settings['NAME']} on {host}:{settings.get('PORT') or 5432}"


def database_holds_data(connection: BaseDatabaseWrapper) -> bool:
    existing = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.label_lower in CREATED_BY_MIGRATE or not meta.managed or meta.proxy:
            continue
        if meta.db_table in existing and model._base_manager.using(connection.alias).exists():
            return True
    return False


def database_backup(connection: BaseDatabaseWrapper, path: Path, *, overwrite: bool) -> None:
    """Write a consistent copy of the database to `path`."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} exists; choose another name or use --force to replace it.")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a directory.")
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if connection.vendor == "sqlite":
            _sqlite_backup(connection, partial)
        elif connection.vendor == "postgresql":
            _postgresql_backup(connection, partial)
        else:
            raise BackupError(f"No backup for {connection.vendor} databases.")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def database_restore(connection: BaseDatabaseWrapper, path: Path, *, force: bool) -> None:
    """Replace the database's contents with the backup at `path`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    if connection.vendor == "sqlite":
        check, restore = _sqlite_check, _sqlite_restore
    elif connection.vendor == "postgresql":
        check, restore = _postgresql_check, _postgresql_restore
    else:
        raise BackupError(f"No restore for {connection.vendor} databases.")
    check(path)
    if not force and database_holds_data(connection):
        raise BackupError(
            f"{database_label(connection)} holds data; restoring would replace it. "
            "Use --force if that is what you want (make a backup of it first)."
        )
    restore(connection, path)


# SQLite ---------------------------------------------------------------------------------------


def _sqlite_backup(connection: BaseDatabaseWrapper, path: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def _sqlite_check(path: Path) -> None:
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            (result,) = source.execute("PRAGMA quick_check").fetchone()
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
        finally:
            source.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite backup: {error}.") from error
    if result != "ok":
        raise BackupError(f"{path} is damaged: {result}.")
    if "django_migrations" not in tables:
        raise BackupError(f"{path} is a SQLite database, but not a backup of this site.")


def _sqlite_restore(connection: BaseDatabaseWrapper, path: Path) -> None:
    connection.close()
    connection.ensure_connection()
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


# PostgreSQL -----------------------------------------------------------------------------------


def _postgresql_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            f"{name} is not installed; it comes with the PostgreSQL client "
            f"(Debian/Ubuntu: apt-get install {POSTGRESQL_CLIENT})."
        )
    return tool


def _postgresql_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """libpq's variables for Django's connection settings (password and TLS included)."""
    settings = connection.settings_dict
    _args, env = connection.client.settings_to_cmd_args_env(settings, [])
    values = {
        "PGHOST": settings.get("HOST"),
        "PGPORT": settings.get("PORT"),
        "PGUSER": settings.get("USER"),
        "PGDATABASE": settings.get("NAME"),
    }
    return {**os.environ, **(env or {}), **{k: str(v) for k, v in values.items() if v}}


def _run(command: list[str], *, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise BackupError(f"{Path(command[0]).name} failed: {detail}")


def _postgresql_backup(connection: BaseDatabaseWrapper, path: Path) -> None:
    pg_dump = _postgresql_tool("pg_dump")
    _run(
        [pg_dump, "--format=custom", "--no-password", f"--file={path}"],
        env=_postgresql_env(connection),
    )


def _postgresql_check(path: Path) -> None:
    pg_restore = _postgresql_tool("pg_restore")
    try:
        _run([pg_restore, "--list", str(path)])
    except BackupError as error:
        raise BackupError(f"{path} is not a pg_dump backup (custom format): {error}") from error


def _postgresql_restore(connection: BaseDatabaseWrapper, path: Path) -> None:
    pg_restore = _postgresql_tool("pg_restore")
    env = _postgresql_env(connection)
    connection.close()
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--no-password",
            f"--dbname={env['PGDATABASE']}",
            str(path),
        ],
        env=env,
    )
