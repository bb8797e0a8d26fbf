"""One load-and-faults run, inside the environment `manage.py loadfaults` prepared (see
`ops.loadfaults.config`): prepare the database, start gunicorn, let the students work while the
faults strike, stop, compare the database with the ledger, report.

Started as `python -m ops.loadfaults`; it prints progress and the figures to stdout and exits
1 when the run fails (a 5xx or an unanswered request outside the fault windows, a lost or
doubled write, a fault without recovery).
"""

import os
import shutil
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from django.core.management import call_command
from django.db import connection, connections

from bench import database, server
from bench.config import WORKERS
from ops.loadfaults import data, report, verify
from ops.loadfaults.client import Clock, Journal
from ops.loadfaults.config import CONFIG_VARIABLE, FAULTS_OF, LoadFaultsConfig
from ops.loadfaults.faults import Injector, local_cluster, recover
from ops.loadfaults.ledger import Ledger
from ops.loadfaults.students import Student

PROBE_PATH = f"/api/annotations/?edition={data.EDITION}&limit=1"  # reads the database
FINISH_TIMEOUT = 150.0
LOGIN_TIMEOUT = 300.0  # for the last requests after the run's time is up
STARTED = time.monotonic()


def say(text: str = "") -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {text}", flush=True)


def run(config: LoadFaultsConfig) -> int:
    say(f"== {database.describe(config.database_url)}")
    course = data.prepare(students=config.students, seed=config.seed, say=lambda t: say("   " + t))
    say("   collectstatic")
    call_command("collectstatic", interactive=False, verbosity=0)
    cluster = local_cluster(config.database_url) if "postgres" in FAULTS_OF[config.faults] else None
    connections.close_all()  # the students' writes are read back with a fresh connection
    with tempfile.TemporaryDirectory(prefix="loadfaults-") as workdir:
        say(f"== gunicorn: {WORKERS} workers, DEBUG off")
        instance = server.start(log=Path(workdir) / "gunicorn.log", probe_path=PROBE_PATH)
        try:
            say(f"   {instance.url}")
            result = _load(config, course, instance, cluster)
        finally:
            server.stop(instance)
        exceptions = instance.log_errors()
    connections.close_all()
    verdict = verify.verify(result["ledger"])
    figures = report.figures(
        students=config.students,
        faults=config.faults,
        verdict=verdict,
        server_exceptions=exceptions,
        **{k: v for k, v in result.items() if k != "ledger"},
        ledger=result["ledger"],
    )
    print(report.text(figures), flush=True)
    if config.json_path:
        about = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": database.describe(config.database_url),
            "workers": WORKERS,
            "cpus": os.cpu_count(),
            "load_average_after": round(os.getloadavg()[0], 2),
            "database_server": _database_server(),
        }
        report.write_json(Path(config.json_path), figures, about)
        say(f"JSON: {config.json_path}")
    return 1 if figures.failures() else 0


def _load(config, course, instance, cluster) -> dict:
    clock, journal, ledger = Clock(), Journal(), Ledger()
    students = [
        Student(
            number=number,
            username=data.username(number),
            course=course,
            port=instance.port,
            journal=journal,
            ledger=ledger,
            clock=clock,
            seed=config.seed,
        )
        for number in range(1, config.students + 1)
    ]
    plan = config.fault_plan()
    faults = Injector(
        plan=plan,
        server=instance,
        database_url=config.database_url,
        clock=clock,
        cluster=cluster,
        say=say,
    )
    # Everyone logs in first (through the form, a password hash each), then the clock starts.
    ready = threading.Barrier(len(students) + 1, action=clock.restart, timeout=LOGIN_TIMEOUT)
    threads = [
        threading.Thread(target=s.run, args=(config.duration, ready), name=s.username, daemon=True)
        for s in students
    ]
    for thread in threads:
        thread.start()
    say(f"== {config.students} students log in")
    ready.wait()
    planned = ", ".join(f"{kind} at {second:.0f} s" for second, kind in plan) or "none"
    logged_in = sum(s.logged_in for s in students)
    say(f"== {logged_in} logged in; {config.duration} s of work; faults: {planned}")
    faults.start()
    deadline = time.monotonic() + config.duration + FINISH_TIMEOUT
    for thread in [*threads, faults]:
        thread.join(max(0.0, deadline - time.monotonic()))
    running = [t.name for t in [*threads, faults] if t.is_alive()]
    if running:
        raise RuntimeError(f"still running {FINISH_TIMEOUT:.0f} s after the end: {running}")
    say(f"== stopped after {clock.now():.1f} s")
    exchanges = journal.snapshot()
    recover(faults.windows, exchanges)
    return {
        "duration": clock.now(),
        "exchanges": exchanges,
        "windows": faults.windows,
        "ledger": ledger,
        "unexpected": [f"{s.username}: {u}" for s in students for u in s.unexpected],
        "fault_errors": faults.errors,
    }


def _database_server() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        return cursor.fetchone()[0].split(" on ")[0]


def run_from_environment() -> int:
    config = LoadFaultsConfig.from_json(os.environ[CONFIG_VARIABLE])
    try:
        return run(config)
    finally:
        shutil.rmtree(config.static_root, ignore_errors=True)
