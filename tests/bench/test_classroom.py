"""`manage.py bench --classroom`: what it refuses, and the quick classroom end to end on the
database the suite runs on (SQLite, or PostgreSQL in the suite's PostgreSQL run). Counts only,
never times: the machine may be busy."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
TYPES = ("edition", "threads", "api_list", "note", "reply", "search", "live")


def test_students_and_capacity_belong_to_the_classroom(tmp_path):
    with pytest.raises(CommandError, match="belong to --classroom"):
        call_command("bench", "--students=5", f"--database-url=sqlite:///{tmp_path}/bench.db")


def test_the_classroom_runs_on_one_instance(tmp_path):
    with pytest.raises(CommandError, match="one gunicorn instance"):
        call_command(
            "bench",
            "--classroom",
            "--instances=2",
            "--cache-url=redis://127.0.0.1:6379/13",
            f"--database-url=sqlite:///{tmp_path}/bench.db",
        )


def test_a_note_needs_a_classmate(tmp_path):
    with pytest.raises(CommandError, match="at least 2"):
        call_command(
            "bench", "--classroom", "--students=1", f"--database-url=sqlite:///{tmp_path}/b.db"
        )


def _benchmark_database(tmp_path: Path) -> str:
    """A database of the suite's kind that the benchmark may drop: a file, or a PostgreSQL
    database of this run's own on the suite's server."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    server = connection.settings_dict
    login = server["USER"] + (f":{server['PASSWORD']}" if server["PASSWORD"] else "")
    host = f"{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}"
    return f"postgres://{login}@{host}/bench_classroom_{os.getpid()}"


def test_a_quick_classroom_reads_writes_and_sees_every_note_arrive_live(tmp_path):
    """20 students of one course for 15 s: every request type is asked, nothing fails, and
    every note and reply shows in at least one classmate's live channel. About 45 s."""
    report = tmp_path / "classroom.json"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"DEBUG": "1"}
    completed = subprocess.run(
        [sys.executable, "manage.py", "bench", "--classroom", "--quick"]
        + [f"--database-url={_benchmark_database(tmp_path)}", f"--json={report}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = completed.stdout[-4000:] + completed.stderr[-4000:]
    assert completed.returncode == 0, output
    for heading in ("Classroom: 20 students", "Live delay", "CPU: gunicorn", "Budget (issue 14)"):
        assert heading in completed.stdout, output
    document = json.loads(report.read_text())
    assert document["meta"]["workers"] == 2
    assert document["meta"]["database"].startswith(
        "SQLite" if connection.vendor == "sqlite" else "PostgreSQL"
    )
    (step,) = document["steps"]
    assert step["students"] == 20
    for kind in TYPES:
        assert step["made"][kind]["n"] > 0, (kind, step["made"])
        assert step["made"][kind]["errors"] == 0, (kind, step["made"], step["errors_top"])
        assert {"n", "p50_ms", "p95_ms", "p99_ms", "errors", "requests_per_second"} <= set(
            step["types"][kind]
        )
    assert step["all"]["n"] > 0 and step["all"]["errors"] == 0, step["errors_top"]
    assert step["poller_crashes"] == [] and step["server_exceptions"] == {}
    live = step["live"]
    assert live["available"], "no live channel answered"
    heard = live["writes"] - live["writes_without_classmates"]  # a classmate's page was open
    assert heard > 0 and live["writes_arrived"] == heard, live
    assert live["pairs"] > 0 and live["p95_s"] is not None
    assert step["cpu"]["workers_s"] > 0 and step["cpu"]["per_request_ms"] > 0
    assert {e["key"] for e in step["endpoints"]} >= {"edition", "threads", "live", "write"}
    assert "removed the" in completed.stdout
