"""Writes that overlap in time both succeed: on PostgreSQL by its row locks, on SQLite because a
transaction takes the write lock when it begins and waits for it (`DATABASES` in settings), so a
second writer waits its turn instead of answering "database is locked"."""

import sqlite3
import threading
import time

import pytest
from django.db import connection

from annotations import services
from annotations.models import Annotation, AnnotationRevision

pytestmark = pytest.mark.django_db(transaction=True)

HOLD = 0.3  # seconds each write keeps its transaction open, so that the two overlap


def use_a_database_file(tmp_path, monkeypatch) -> None:
    """On SQLite, copy the test database to a file that new connections (the threads') open
    with the settings' options: the in-memory test database cannot show how a file behaves."""
    if connection.vendor != "sqlite":
        return
    connection.ensure_connection()
    path = tmp_path / "db.sqlite3"
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    monkeypatch.setitem(connection.settings_dict, "NAME", str(path))


def in_threads(*functions) -> tuple[list, list]:
    """Run each function in its own thread (its own connection), all started together."""
    start = threading.Barrier(len(functions), timeout=10)
    results, errors = [], []

    def run(function):
        try:
            start.wait()
            results.append(function())
        except Exception as exc:  # reported by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_concurrent_edits_and_creates_all_succeed(make_user, edition, tmp_path, monkeypatch):
    people = {name: make_user(name) for name in ("ann", "ben")}
    p2 = edition.paragraphs.get(public_id="p2")
    notes = [
        services.annotation_create(
            user=people[name], paragraph=p2, motivation="commenting", body="Erste.", tags=["A"]
        )
        for name in ("ann", "ben")
    ]
    use_a_database_file(tmp_path, monkeypatch)
    index = services.search_index_update

    def index_slowly(annotation, **options):
        index(annotation, **options)
        time.sleep(HOLD)

    monkeypatch.setattr(services, "search_index_update", index_slowly)

    def edit(note):
        # Reads the row, then writes: the pattern a deferred SQLite transaction cannot complete
        # when another writer committed in between.
        return lambda: services.annotation_update(
            user=note.author, annotation=note, body="Zweite.", tags=["A", "B"]
        )

    def create(name):
        return lambda: services.annotation_create(
            user=people[name], paragraph=p2, motivation="commenting", body="Neu.", tags=["B"]
        )

    results, errors = in_threads(edit(notes[0]), edit(notes[1]), create("ann"), create("ben"))
    assert errors == []
    assert len(results) == 4

    def written():
        return (
            Annotation.objects.count(),
            Annotation.objects.filter(body="Zweite.").count(),
            AnnotationRevision.objects.count(),
        )

    counts, errors = in_threads(written)
    assert errors == []
    assert counts == [(4, 2, 2)]
