"""`manage.py bench`: what it refuses, and one quick run end to end."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bench import load

ROOT = Path(__file__).resolve().parents[2]
# A Redis database of its own: the benchmark clears the cache it is given.
TEST_REDIS = "redis://127.0.0.1:6379/13"
# Smaller than --quick, so the run takes about 35 s on two busy cores.
TINY_RUN = ["--quick", "--duration=1", "--concurrency=2", "--users=60", "--courses=3"]
TINY_RUN += ["--annotations=1000"]


@pytest.fixture
def with_wrk(monkeypatch):
    monkeypatch.setattr(load, "wrk_path", lambda: "/usr/bin/wrk")


def test_without_wrk_it_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(load, "wrk_path", lambda: None)
    with pytest.raises(CommandError, match="apt-get install -y wrk"):
        call_command("bench", "--quick")


def test_it_refuses_a_database_not_named_for_the_benchmark(with_wrk, tmp_path):
    precious = tmp_path / "db.sqlite3"
    precious.write_bytes(b"data")
    with pytest.raises(CommandError, match="must contain 'bench'"):
        call_command("bench", "--quick", "--database-url", f"sqlite:///{precious}")
    assert precious.read_bytes() == b"data"


def test_several_instances_need_a_shared_cache(with_wrk, tmp_path):
    with pytest.raises(CommandError, match="shared cache"):
        call_command(
            "bench",
            "--instances=2",
            "--cache-url=",
            f"--database-url=sqlite:///{tmp_path}/bench.sqlite3",
        )


def test_connections_are_split_evenly_over_instances(with_wrk, tmp_path):
    with pytest.raises(CommandError, match="multiple of --instances"):
        call_command(
            "bench",
            "--instances=2",
            "--concurrency=3",
            f"--cache-url={TEST_REDIS}",
            f"--database-url=sqlite:///{tmp_path}/bench.sqlite3",
        )


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_a_quick_run_measures_every_scenario_and_two_instances_agree(tmp_path, wrk_installed):
    """Builds, serves with two gunicorn instances sharing the database and Redis, checks that an
    edit through one is seen through the other at once, loads every scenario, reports.
    About 35 s."""
    if connection.vendor != "sqlite":
        pytest.skip("runs once, in the SQLite run of the suite (it builds its own database)")
    if not _redis_reachable() and os.environ.get("CI") == "true":
        pytest.fail("Redis is not reachable at 127.0.0.1:6379")
    two = ["--instances=2", f"--cache-url={TEST_REDIS}"] if _redis_reachable() else []
    database = tmp_path / "bench.sqlite3"
    report = tmp_path / "bench.json"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"DEBUG": "1"}
    completed = subprocess.run(
        [sys.executable, "manage.py", "bench", *TINY_RUN, *two]
        + [f"--database-url=sqlite:///{database}", f"--json={report}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "static file (baseline)" in completed.stdout
    assert "Budgets (issue 6):" in completed.stdout
    assert not database.exists()  # dropped without --keep
    document = json.loads(report.read_text())
    scenarios = {s["scenario"]: s for s in document["scenarios"]}
    assert set(scenarios) == {
        "static",
        "edition_anonymous",
        "edition_student",
        "threads_paragraph",
        "api_paragraph",
        "search",
        "progress",
        "create",
    }
    assert scenarios["static"]["wrk"]["requests"] > 0
    assert scenarios["api_paragraph"]["wrk"]["requests"] > 0
    for key in (
        "edition_anonymous",
        "edition_student",
        "threads_paragraph",
        "api_paragraph",
        "progress",
        "create",
    ):
        assert scenarios[key]["skipped"] is None, scenarios[key]
        assert scenarios[key]["queries_per_request"] > 0
    assert scenarios["edition_anonymous"]["bytes"]["js"] > 0
    assert sum(scenarios["static"]["statuses"].values()) >= scenarios["static"]["wrk"]["requests"]
    assert "create annotation (API): 1 s warm-up, 1 s, 57 writers in turn" in completed.stdout
    assert document["build"]["rows"]["annotations"] == 1_000
    assert document["meta"]["reader_sees"] > 0
    if two:
        assert document["meta"]["instances"] == 2
        assert len(document["consistency"]) == 5
        assert all(check["passed"] for check in document["consistency"]), document["consistency"]
