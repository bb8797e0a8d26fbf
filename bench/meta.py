"""What a benchmark run measured on: the code, the database server, the tools."""

import platform
import subprocess

from django.conf import settings
from django.db import connection

from bench import load


def _database_server() -> str:
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if postgres else "SELECT 'SQLite ' || sqlite_version()")
        return cursor.fetchone()[0].split(" on ")[0]


def _git(*args: str) -> str:
    completed = subprocess.run(  # noqa: S603 - git with our own arguments
        ["git", *args],  # noqa: S607 - git from the PATH
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.stdout.strip()


def _wrk() -> str:
    if load.wrk_path() is None:
        return ""  # the classroom runs without it
    wrk = subprocess.run(  # noqa: S603 - our own arguments
        [load.WRK, "--version"], capture_output=True, text=True, check=False
    )
    return (wrk.stdout or wrk.stderr).splitlines()[0] if wrk.stdout or wrk.stderr else ""


def versions() -> dict:
    return {
        "commit": _git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "python": platform.python_version(),
        "wrk": _wrk(),
        "database_server": _database_server(),
    }
