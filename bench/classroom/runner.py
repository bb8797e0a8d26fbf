"""One classroom run, inside the benchmark's environment (see `bench.config`): build or reuse the
database, start gunicorn as the other scenarios do, and for each step (one number of students,
or with --capacity 100, 200, 300, 500, 800 until one misses the budget) run Locust in a child
process, measure a fixed window after every student has arrived and settled, and report.

Locust monkey-patches its process with gevent, so it never runs in this one (nor in pytest).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from annotations.models import Annotation
from bench import database, meta, server, wire
from bench.classroom import cpu, measure, plan, report
from bench.classroom.protocol import PLAN_VARIABLE, RECORDS_VARIABLE, SPAWNED_MARK
from bench.config import WORKERS, BenchConfig
from bench.runner import _analyze, _prepare, say, show

LOCUST_FILE = Path(__file__).with_name("students.py")
SPAWN_RATE = 10  # students arriving per second: a seminar of 300 opens its pages within 30 s
GRACE_SECONDS = 6  # polls after the window, so its last writes can still arrive
STOP_TIMEOUT = 60
ACCESS_FORMAT = "%(s)s %(D)s %(m)s %(U)s"  # status, microseconds, method, path


def warmup_of(duration: int) -> int:
    """Seconds after the last student arrived before the window opens (their first page and
    poll are behind them)."""
    return min(10, max(2, duration // 4))


def run(config: BenchConfig) -> int:
    loads = [os.getloadavg()[0]]
    started = timezone.now()
    edition, build = _prepare(config)
    _analyze()
    say(f"== collectstatic into {settings.STATIC_ROOT}")
    call_command("collectstatic", interactive=False, verbosity=0)
    steps = _steps(config)
    say(f"== {max(steps)} students' sessions (of {plan.available_students()} in the courses)")
    students = plan.build(edition=edition, students=max(steps), seed=config.sizes.seed)
    database_name = connection.settings_dict["NAME"] if connection.vendor == "postgresql" else None
    connections.close_all()
    results = []
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-class-")))
        say(f"== gunicorn: {WORKERS} sync workers")
        instance = server.start(
            log=workdir / "gunicorn.log",
            probe_path=edition.get_absolute_url(),
            access_format=ACCESS_FORMAT,
        )
        stack.callback(server.stop, instance)
        say(f"   {instance.url}")
        if not _live_answers(instance.port, students):
            say(f"   no live channel at {students['live']} in this version: no pollers")
            students["live"] = ""
        plan_path = workdir / "plan.json"
        plan.write(students, plan_path)
        for count in steps:
            step = _step(config, count, instance, workdir, plan_path, students, database_name)
            results.append(step)
            _show_step(config, step)
            if step["failures"] and config.capacity:
                say(f"== {count} students miss the budget: the capacity steps stop here")
                break
        logs = instance.log_errors()
    loads.append(os.getloadavg()[0])
    _forget_writes(started)
    return _finish(config, build, results, logs, loads)


def _steps(config: BenchConfig) -> list[int]:
    if not config.capacity:
        return [config.students]
    available = plan.available_students()
    steps = [n for n in measure.CAPACITY_STEPS if n <= available]
    if len(steps) < len(measure.CAPACITY_STEPS):
        say(f"   only {available} students in this database: steps {steps}")
    if not steps:
        raise SystemExit(f"--capacity: the database has only {available} students")
    return steps


def _live_answers(port: int, students: dict) -> bool:
    cookie = students["students"][0]["cookie"]
    status, _, _ = wire.fetch(port, students["live"], {"Cookie": cookie})
    return status == 200


def _step(config, count, instance, workdir, plan_path, students, database_name) -> dict:
    warmup = warmup_of(config.duration)
    spawn = count / SPAWN_RATE
    records_path = workdir / f"records-{count}.json"
    log_path = workdir / f"locust-{count}.log"
    run_time = int(spawn + warmup + config.duration + GRACE_SECONDS + 120)
    command = [
        sys.executable,
        "-m",
        "locust",
        f"--locustfile={LOCUST_FILE}",
        "--headless",
        f"--users={count}",
        f"--spawn-rate={SPAWN_RATE}",
        f"--host={instance.url}",
        f"--run-time={run_time}s",
        "--only-summary",
        "--loglevel=WARNING",
    ]
    environment = {**os.environ, PLAN_VARIABLE: str(plan_path), RECORDS_VARIABLE: str(records_path)}
    say(
        f"-- {count} students arrive at {SPAWN_RATE}/s ({spawn:.0f} s), {warmup} s to settle, "
        f"{config.duration} s measured"
    )
    with log_path.open("wb") as output:
        loader = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            preexec_fn=server.die_with_parent,  # safe: this process runs no threads
        )
    try:
        _wait_spawned(loader, log_path, timeout=3 * spawn + 60)
        time.sleep(warmup)
        window = _Window(instance, loader.pid, database_name)
        time.sleep(config.duration)
        window.close()
        time.sleep(GRACE_SECONDS)
    finally:
        _stop(loader)
    if not records_path.exists():
        raise RuntimeError("Locust wrote no records:\n" + _tail(log_path))
    records = json.loads(records_path.read_text(encoding="utf-8"))
    if not records["requests"]:
        raise RuntimeError("the students made no request:\n" + _tail(log_path))
    return _measured(count, config, window, records, students, instance)


class _Window:
    """The measured window: its times, CPU at both ends, the access log it covers."""

    def __init__(self, instance, loader: int, database_name: str | None):
        self.instance, self.loader, self.database_name = instance, loader, database_name
        self.offset = server.access_log_size([instance])[0]
        self.cpu_before = self._cpu()
        self.start = time.time()

    def _cpu(self) -> cpu.Snapshot:
        return cpu.snapshot(
            gunicorn=self.instance.process.pid,
            loader=self.loader,
            database_name=self.database_name,
        )

    def close(self) -> None:
        self.end = time.time()
        self.cpu_after = self._cpu()
        self.end_offset = server.access_log_size([self.instance])[0]

    def access_lines(self) -> list[str]:
        with self.instance.access_log.open("rb") as log:
            log.seek(self.offset)
            chunk = log.read(self.end_offset - self.offset)
        return chunk.decode(errors="replace").splitlines()


def _wait_spawned(loader: subprocess.Popen, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if SPAWNED_MARK in log_path.read_text(errors="replace"):
            return
        if loader.poll() is not None:
            raise RuntimeError(f"Locust exited with {loader.returncode}:\n" + _tail(log_path))
        time.sleep(0.2)
    raise RuntimeError(f"the students did not all arrive within {timeout:.0f} s")


def _stop(loader: subprocess.Popen) -> None:
    """SIGTERM: Locust stops its users, writes the records and its summary, and exits."""
    if loader.poll() is not None:
        return
    loader.send_signal(signal.SIGTERM)
    try:
        loader.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        loader.kill()
        loader.wait()


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _measured(count, config, window, records, students, instance) -> dict:
    start, end = window.start, window.end
    types = measure.request_stats(records["requests"], start, end)
    everything = measure.overall(types, records["requests"], start, end)
    live = measure.live_delay(
        writes=records["writes"],
        changes=records["changes"],
        baselines=records["baselines"],
        groups=[student["group"] for student in students["students"]],
        start=start,
        end=end,
        available=bool(students["live"]),
    )
    workers, ended = cpu.used(window.cpu_before.workers, window.cpu_after.workers)
    loader, _ = cpu.used(window.cpu_before.loader, window.cpu_after.loader)
    used_by_database = None
    if window.database_name:
        used_by_database, gone = cpu.used(window.cpu_before.database, window.cpu_after.database)
        ended += gone
    seconds = end - start
    return {
        "students": count,
        "duration_s": config.duration,
        "window_s": round(seconds, 2),
        "types": {key: measure.as_dict(stats) for key, stats in types.items()},
        "all": measure.as_dict(everything),
        "live": measure.as_dict(live),
        "cpu": {
            "window_s": seconds,
            "cpus": os.cpu_count(),
            "workers_s": workers,
            "requests": everything.n,
            "per_request_ms": 1000 * workers / everything.n if everything.n else 0.0,
            "loader_s": loader,
            "database_s": used_by_database,
            "ended": ended,
        },
        "endpoints": [
            measure.as_dict(e)
            for e in measure.server_times(window.access_lines(), students["page"])
        ],
        "made": measure.made(records["requests"]),
        "failures": measure.failures(types),
        "errors_top": measure.top_errors(types),
        "poller_crashes": records["crashes"][:10],
        "server_exceptions": dict(instance.log_errors()),
    }


def _show_step(config: BenchConfig, step: dict) -> None:
    types = {key: measure.TypeStats(**stats) for key, stats in step["types"].items()}
    show()
    show(
        f"Classroom: {step['students']} students × {step['window_s']:.0f} s measured; "
        f"{database.describe(config.database_url)}; gunicorn {WORKERS} sync workers; "
        f"think time 2–8 s; {os.cpu_count()} CPUs"
    )
    show(report.requests_table(types, measure.TypeStats(**step["all"])))
    if step["errors_top"]:
        show("Errors: " + "; ".join(f"{n:,} × {kind}" for kind, n in step["errors_top"]))
    if step["poller_crashes"]:
        show("Pollers raised: " + "; ".join(step["poller_crashes"][:3]))
    show(report.live_line(step["live"]))
    show(report.cpu_lines(step["cpu"]))
    show(report.endpoints_table([measure.EndpointStats(**e) for e in step["endpoints"]]))
    show("Budget (issue 14):")
    show(report.budget_lines(step))


def _forget_writes(started) -> None:
    """The notes and replies the students wrote go, so a later --reuse meets the built data."""
    writes = Annotation.objects.filter(created__gte=started, body__startswith=plan.MARKER)
    written = writes.delete()[1].get(Annotation._meta.label, 0)
    say(f"== removed the {written:,} annotations the students wrote")


def _finish(config, build, results, logs, loads) -> int:
    capacity = measure.capacity(results) if config.capacity else None
    about = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database.describe(config.database_url),
        "sizes": config.sizes.__dict__,
        "workers": WORKERS,
        "cpus": os.cpu_count(),
        "spawn_rate": SPAWN_RATE,
        "warmup_s": warmup_of(config.duration),
        "load_average_before_after": [round(n, 2) for n in loads],
        "locust": version("locust"),
        **meta.versions(),
    }
    show()
    show(
        f"commit {about['commit']}{' + uncommitted changes' * about['uncommitted_changes']}; "
        f"load average {loads[0]:.1f} before, {loads[1]:.1f} after; Locust {about['locust']}"
    )
    if config.capacity:
        show(report.capacity_table(results, capacity))
    if logs:
        show("Exceptions in the gunicorn log:")
        show("\n".join(f"  {n:6,} × {line[:110]}" for line, n in logs.most_common(8)))
    if config.json_path:
        document = {"meta": about, "build": build, "steps": results, "capacity": capacity}
        Path(config.json_path).write_text(
            json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
        )
        say(f"JSON: {config.json_path}")
    return 0
