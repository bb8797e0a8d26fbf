"""`manage.py backup` and `manage.py restore`: a populated database goes to a file and comes back
into a fresh database with the same rows; restore refuses to overwrite data without --force.

The restore runs as its own process against a fresh database (a new SQLite file, or a scratch
PostgreSQL database made and dropped here), as an operator would run it.
"""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.tokens import api_token_create
from annotations import services
from annotations.models import Annotation
from courses.services import course_create, course_join
from ops import backup
from tests.courses.conftest import make_instructor
from tests.factories import make_user

KEY_TABLES = [
    "auth_user",
    "accounts_profile",
    "accounts_apitoken",
    "annotations_group",
    "annotations_group_members",
    "annotations_annotation",
    "annotations_annotationrevision",
    "annotations_taggedannotation",
    "annotations_idempotencykey",
    "taggit_tag",
    "courses_course",
    "courses_membership",
    "edition_edition",
    "edition_paragraph",
    "search_searchentry",
    "django_migrations",
]


def populate(edition) -> None:
    p2, p3 = edition.paragraphs.get(public_id="p2"), edition.paragraphs.get(public_id="p3")
    ada, ben = make_user("ada", display_name="Ada Ä."), make_user("ben")
    course = course_create(user=make_instructor(), title="Bildtheorie")
    course_join(user=ada, code=course.join_code)
    course_join(user=ben, code=course.join_code)
    note = services.annotation_create(
        user=ada,
        paragraph=p2,
        motivation="commenting",
        body="Vgl. **Farocki** – „operative Bilder“.",
        tags=["Archiv", "Bild"],
        visibility="group",
        group=course.group,
        idempotency_key="k1",
    )
    services.annotation_update(user=ada, annotation=note, body="Überarbeitet.")
    services.annotation_create(user=ben, parent=note, motivation="replying", body="Antwort.")
    gone = services.annotation_create(
        user=ben, paragraph=p3, motivation="questioning", body="Frage?", visibility="public"
    )
    services.annotation_delete(user=ben, annotation=gone)
    Annotation.objects.filter(pk=gone.pk).update(deleted_at=timezone.now() - timedelta(days=3))
    api_token_create(user=ada, name="Zotero")


def raw_connect(settings_dict: dict):
    """A plain DB-API connection, the same kind for the source and the restored database."""
    name = str(settings_dict["NAME"])
    if "sqlite" in settings_dict["ENGINE"]:
        return sqlite3.connect(name, uri=name.startswith("file:"))
    import psycopg

    return psycopg.connect(
        dbname=name,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
    )


def fingerprint(settings_dict: dict) -> dict[str, tuple[int, str]]:
    """Per key table: the number of rows and a checksum of all of them, in key order."""
    result = {}
    with raw_connect(settings_dict) as db:
        cursor = db.cursor()
        for table in KEY_TABLES:
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608 - fixed names
            rows = cursor.fetchall()
            result[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    if "sqlite" in settings_dict["ENGINE"]:
        db.close()  # psycopg's `with` closes; sqlite3's only commits
    return result


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    env["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    env.pop("TEST_DB_NAME", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def fresh_database(tmp_path):
    """A database URL no table exists in yet, and its settings."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", {**source, "NAME": str(path)}
        return
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed (apt-get install postgresql-client)")
    import psycopg

    scratch = f"{source['NAME']}_restore"
    admin = {**source, "NAME": "postgres"}
    with raw_connect(admin) as db:
        db.autocommit = True
        db.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{scratch}"')
    user = source.get("USER") or ""
    password = f":{source['PASSWORD']}" if source.get("PASSWORD") else ""
    host, port = source.get("HOST") or "localhost", source.get("PORT") or 5432
    try:
        yield f"postgres://{user}{password}@{host}:{port}/{scratch}", {**source, "NAME": scratch}
    finally:
        with psycopg.connect(**_libpq(admin), autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def _libpq(settings_dict: dict) -> dict:
    keys = {
        "NAME": "dbname",
        "HOST": "host",
        "PORT": "port",
        "USER": "user",
        "PASSWORD": "password",
    }
    return {arg: settings_dict[key] for key, arg in keys.items() if settings_dict.get(key)}


@pytest.fixture
def backup_file(transactional_db, edition, tmp_path) -> Path:
    if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")
    populate(edition)
    path = tmp_path / "site.backup"
    call_command("backup", str(path), stdout=StringIO())
    return path


def test_a_populated_database_round_trips_through_backup_and_restore(backup_file, fresh_database):
    url, restored = fresh_database
    done = manage("restore", str(backup_file), database_url=url)
    assert done.returncode == 0, done.stderr
    assert "Restored" in done.stdout
    before, after = fingerprint(connection.settings_dict), fingerprint(restored)
    assert before["annotations_annotation"][0] == 3 and before["auth_user"][0] == 3
    assert after == before


def test_restore_refuses_a_database_that_holds_data_unless_forced(backup_file, fresh_database):
    url, restored = fresh_database
    assert manage("restore", str(backup_file), database_url=url).returncode == 0
    refused = manage("restore", str(backup_file), database_url=url)
    assert refused.returncode != 0
    assert "holds data; restoring would replace it. Use --force" in refused.stderr
    assert "Nothing was changed." in refused.stderr
    forced = manage("restore", "--force", str(backup_file), database_url=url)
    assert forced.returncode == 0, forced.stderr
    assert fingerprint(restored) == fingerprint(connection.settings_dict)


def test_backup_keeps_an_existing_file_unless_forced(backup_file):
    before = backup_file.read_bytes()
    with pytest.raises(CommandError, match="exists; choose another name or use --force"):
        call_command("backup", str(backup_file))
    assert backup_file.read_bytes() == before
    call_command("backup", "--force", str(backup_file), stdout=StringIO())
    assert not list(backup_file.parent.glob(".*.partial"))


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    if connection.vendor == "postgresql" and shutil.which("pg_restore") is None:
        pytest.skip("pg_restore is not installed (apt-get install postgresql-client)")
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    with pytest.raises(CommandError, match="is not a .*backup.*Nothing was changed"):
        call_command("restore", "--force", str(junk))


@pytest.mark.django_db
def test_a_migrated_database_without_rows_of_its_own_counts_as_empty():
    assert not backup.database_holds_data(connection)
    make_user("ada")
    assert backup.database_holds_data(connection)


def test_a_missing_postgresql_client_is_named_with_its_package(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError, match="apt-get install postgresql-client"):
        backup._postgresql_tool("pg_dump")
