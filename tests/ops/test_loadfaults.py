"""`manage.py loadfaults`: the ledger check finds what went missing, failures are judged by the
fault windows, and one quick run on PostgreSQL with a gunicorn worker killed loses nothing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from annotations.models import Annotation
from annotations.services import annotation_create, annotation_delete
from ops.loadfaults import report, verify
from ops.loadfaults.client import Exchange
from ops.loadfaults.faults import FaultUnavailable, Window, local_cluster, recover
from ops.loadfaults.ledger import Ledger

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def student(make_user):
    return make_user("loadfaults-student-001")


@pytest.fixture
def note(edition, student):
    """Made by a student, acknowledged to them, and so in the ledger."""

    def make(ledger: Ledger, number: int) -> Annotation:
        body = f"[lf-001-{number:05d}] Notiz."
        annotation = annotation_create(
            user=student, paragraph=edition.paragraphs.first(), motivation="commenting", body=body
        )
        ledger.created(uuid=str(annotation.uuid), body=body, author=student.username, kind="create")
        return annotation

    return make


def _lost(ledger: Ledger) -> list[str]:
    return [problem.what for problem in verify.verify(ledger).lost]


def test_a_database_holding_every_acknowledged_write_passes(note):
    ledger = Ledger()
    first, second = note(ledger, 1), note(ledger, 2)
    annotation_delete(user=second.author, annotation=second)
    ledger.deleted(str(second.uuid))
    Annotation.objects.filter(pk=first.pk).update(body="[lf-001-00003] Überarbeitet.")
    ledger.edit_sent(str(first.uuid), "[lf-001-00003] Überarbeitet.")
    ledger.edited(str(first.uuid), "[lf-001-00003] Überarbeitet.")
    verdict = verify.verify(ledger)
    assert verdict.passed
    assert (verdict.checked, verdict.rows, verdict.deleted) == (2, 2, 1)


def test_a_row_deleted_behind_the_ledgers_back_is_a_lost_write(note):
    ledger = Ledger()
    kept, gone = note(ledger, 1), note(ledger, 2)
    Annotation.objects.filter(pk=gone.pk).delete()
    verdict = verify.verify(ledger)
    assert not verdict.passed
    assert [(p.uuid, p.what) for p in verdict.lost] == [
        (str(gone.uuid), "missing from the database")
    ]
    assert kept.pk


def test_an_acknowledged_edit_overwritten_by_an_older_body_is_a_lost_write(note):
    ledger = Ledger()
    annotation = note(ledger, 1)
    ledger.edit_sent(str(annotation.uuid), "[lf-001-00002] Neu.")
    ledger.edited(str(annotation.uuid), "[lf-001-00002] Neu.")
    assert _lost(ledger) == [
        "body '[lf-001-00001] Notiz.' is not the acknowledged '[lf-001-00002] Neu.'"
    ]


def test_an_acknowledged_delete_that_did_not_happen_is_a_lost_write(note):
    ledger = Ledger()
    annotation = note(ledger, 1)
    ledger.deleted(str(annotation.uuid))
    assert _lost(ledger) == ["its acknowledged delete is undone"]


def test_a_note_deleted_without_any_delete_asked_is_a_lost_write(note):
    ledger = Ledger()
    annotation = note(ledger, 1)
    Annotation.objects.filter(pk=annotation.pk).update(deleted_at=annotation.created)
    assert _lost(ledger) == ["deleted, though no delete was asked for"]


def test_writes_that_got_no_answer_may_or_may_not_have_happened(note):
    ledger = Ledger()
    edited, deleted = note(ledger, 1), note(ledger, 2)
    ledger.edit_sent(str(edited.uuid), "[lf-001-00003] Vielleicht.")
    ledger.edit_unanswered()
    Annotation.objects.filter(pk=edited.pk).update(body="[lf-001-00003] Vielleicht.")
    ledger.delete_unanswered(str(deleted.uuid))  # and it did not happen: also fine
    assert verify.verify(ledger).passed


def test_a_create_that_got_no_answer_but_was_saved_is_counted_not_lost(note, student, edition):
    ledger = Ledger()
    note(ledger, 1)
    annotation_create(
        user=student,
        paragraph=edition.paragraphs.first(),
        motivation="commenting",
        body="[lf-001-00002] x",
    )
    ledger.create_unanswered(marker="[lf-001-00002]", kind="create")
    verdict = verify.verify(ledger)
    assert verdict.passed
    assert verdict.unanswered_saved == 1


def test_a_note_saved_twice_or_that_no_write_explains_fails(note, student, edition):
    ledger = Ledger()
    note(ledger, 1)
    annotation_create(
        user=student,
        paragraph=edition.paragraphs.first(),
        motivation="commenting",
        body="[lf-001-00001] x",
    )
    annotation_create(
        user=student,
        paragraph=edition.paragraphs.first(),
        motivation="commenting",
        body="[lf-001-00009] y",
    )
    verdict = verify.verify(ledger)
    assert not verdict.passed
    assert verdict.duplicates == ["[lf-001-00001]"]
    assert [row.split()[1] for row in verdict.unexplained] == ["[lf-001-00001]", "[lf-001-00009]"]


def _exchange(started: float, ended: float, status: int | None) -> Exchange:
    return Exchange("s", "create", "POST", started, ended, status)


def test_only_requests_in_flight_during_a_fault_may_fail():
    window = Window(kind="postgres", started=10.0, ended=13.0, recovered=13.2)
    assert window.overlaps(9.5, 10.1)  # in flight when it struck
    assert window.overlaps(12.0, 12.5)
    assert not window.overlaps(13.1, 13.3)  # sent once PostgreSQL was back
    verdict = verify.Verdict()
    figures = report.figures(
        students=1,
        duration=20.0,
        faults="postgres",
        exchanges=[
            _exchange(9.5, 10.2, None),
            _exchange(11.0, 11.1, 500),
            _exchange(13.5, 13.6, 500),
            _exchange(14.0, 14.1, 201),
        ],
        windows=[window],
        ledger=Ledger(),
        verdict=verdict,
        unexpected=[],
        fault_errors=[],
        server_exceptions={},
    )
    assert (figures.server_errors, figures.server_errors_outside_faults) == (2, 1)
    assert (figures.no_answer, figures.no_answer_outside_faults) == (1, 0)
    assert figures.failures() == ["1 5xx outside the fault windows"]


def test_recovery_is_the_first_answer_from_the_database_once_the_fault_is_over():
    restart = Window(kind="postgres", started=10.0, ended=13.0, restored=13.0)
    worker = Window(kind="worker", started=20.0, ended=20.0, restored=21.5)
    recover(
        [restart, worker],
        [
            Exchange("s", "create", "POST", 11.0, 12.9, 201),  # before the restart was over
            Exchange("s", "log in", "GET", 13.0, 13.1, 200),  # not from the database
            Exchange("s", "edit", "PATCH", 13.0, 13.2, 500),
            Exchange("s", "read paragraph", "GET", 12.5, 13.4, 200),
            Exchange("s", "create", "POST", 20.0, 20.3, 201),  # the other worker answered
        ],
    )
    assert restart.recovery_seconds == pytest.approx(3.4)
    assert worker.recovery_seconds == pytest.approx(1.5)  # until the replacement ran


def test_a_fault_without_recovery_fails_the_run():
    figures = report.Figures(students=1, duration=1.0, faults="worker", requests=1)
    figures.verdict = {"lost": [], "duplicates": [], "unexplained": []}
    figures.windows = [{"kind": "worker", "recovery_seconds": None}]
    assert figures.failures() == ["worker: no recovery within 10 s"]


def test_postgresql_on_another_machine_is_not_restarted():
    with pytest.raises(FaultUnavailable, match="not on this machine"):
        local_cluster("postgres://postgres@db.example.org:5432/bench_loadfaults")


def test_the_command_says_when_it_cannot_restart_postgresql():
    with pytest.raises(
        CommandError, match="Cannot restart PostgreSQL here: .* not on this machine"
    ):
        call_command(
            "loadfaults",
            "--quick",
            "--faults=postgres",
            "--database-url=postgres://postgres@db.example.org:5432/bench_loadfaults",
        )


def test_the_command_needs_postgresql_and_a_database_it_may_drop(tmp_path):
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("loadfaults", "--quick", f"--database-url=sqlite:///{tmp_path}/bench.db")
    with pytest.raises(CommandError, match="must contain 'bench'"):
        call_command(
            "loadfaults", "--quick", "--database-url=postgres://postgres@127.0.0.1/edition"
        )


def _server_url() -> str:
    """The suite's PostgreSQL server, with a database name of the run's own."""
    source = connection.settings_dict
    user = source.get("USER") or ""
    password = f":{source['PASSWORD']}" if source.get("PASSWORD") else ""
    host, port = source.get("HOST") or "localhost", source.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/bench_loadfaults_test_{os.getpid()}"


def _reachable(url: str) -> str:
    """Why PostgreSQL cannot be used here, or ""."""
    try:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            return ""
    except psycopg.Error as error:
        return str(error).splitlines()[0]


def test_a_quick_run_with_a_worker_killed_loses_no_acknowledged_write(tmp_path):
    """8 students for 10 s against gunicorn + PostgreSQL; one worker gets SIGKILL at 2.5 s.
    About 30 s."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "runs once, in the PostgreSQL run of the suite (it needs gunicorn + PostgreSQL)"
        )
    url = _server_url()
    if reason := _reachable(url):
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is not reachable: {reason}")
        pytest.skip(f"PostgreSQL is not reachable: {reason}")
    figures_path = tmp_path / "loadfaults.json"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"DEBUG": "1"}
    completed = subprocess.run(
        [sys.executable, "manage.py", "loadfaults", "--quick", "--faults=worker"]
        + [f"--database-url={url}", f"--json={figures_path}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-3000:]
    figures = json.loads(figures_path.read_text())
    assert figures["failures"] == []
    assert figures["verdict"]["lost"] == []
    assert figures["verdict"]["duplicates"] == []
    assert figures["server_errors_outside_faults"] == 0
    assert figures["no_answer_outside_faults"] == 0
    assert figures["writes_acknowledged"]["create"] > 0
    assert (
        figures["verdict"]["checked"]
        == figures["verdict"]["rows"] - figures["verdict"]["unanswered_saved"]
    )
    (window,) = figures["windows"]
    assert window["kind"] == "worker" and window["detail"].startswith("SIGKILL to worker")
    assert 0 <= window["recovery_seconds"] <= report.RECOVERY_BUDGET
    assert "Database dropped" in completed.stdout
    assert _reachable(url) == ""
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres") as admin:
        left = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [url.rsplit("/", 1)[1]]
        ).fetchone()
    assert left is None
