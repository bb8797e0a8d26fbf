"""What goes wrong on purpose, when, and how long the app takes to answer again.

- worker: SIGKILL to one gunicorn worker (the master starts another); the requests it was
  serving get no answer.
- connections: PostgreSQL ends every connection to the run's own database
  (`pg_terminate_backend`), as a restart does, without touching anyone else's.
- postgres: the PostgreSQL server restarts (`pg_ctlcluster … restart -m fast`). It serves
  every database on the machine, so this is only done when asked for (`--faults postgres|all`).

A fault's window runs from the moment it strikes until it is over: the worker is dead (at
once), the ended connections are gone, the restarted PostgreSQL accepts connections again. A
request whose time overlaps a window may fail cleanly (a 5xx or no answer): it was in flight
when things broke. Any failure of a request sent after that counts against the run, including
the first request of a worker that still holds a connection the fault broke (which is what
`CONN_HEALTH_CHECKS` prevents). Recovery is measured apart, from the strike until a student's
request that reads the database is answered again after the fault is over (and a killed worker's
replacement is running). A separate probe would measure the queue: 32 students keep 2 workers
busy, so any new request waits seconds for its turn.
"""

import os
import pwd
import shutil
import signal
import subprocess  # noqa: S404 - fixed argument lists, no shell
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg

from bench.config import WORKERS
from bench.server import Server
from ops.loadfaults.client import Clock, Exchange

POLL_EVERY = 0.05
RESTART_TIMEOUT = 60.0
# Answers that come from the database (a signed-in student's session is read there, and then
# the notes), so they tell that the app reaches it again.
DATABASE_ACTIONS = {"read paragraph", "create", "reply", "edit", "delete", "read note"}


class FaultUnavailable(Exception):
    """This machine cannot inject the fault (said before the run starts)."""


@dataclass
class Window:
    kind: str
    started: float
    ended: float | None = None  # None: the fault did not end (the run fails)
    restored: float | None = None  # full capacity again (a killed worker replaced)
    detail: str = ""
    recovered: float | None = None  # see `recover`; None: not before the run ended

    @property
    def recovery_seconds(self) -> float | None:
        return None if self.recovered is None else self.recovered - self.started

    def overlaps(self, started: float, ended: float) -> bool:
        end = self.ended if self.ended is not None else float("inf")
        return started <= end and ended >= self.started


@dataclass(frozen=True)
class Cluster:
    version: str
    name: str
    pg_ctlcluster: str  # its full path

    def restart_command(self) -> list[str]:
        return [
            self.pg_ctlcluster,
            "--skip-systemctl-redirect",
            self.version,
            self.name,
            "restart",
            "-m",
            "fast",
        ]


def local_cluster(database_url: str) -> Cluster:
    """The Debian PostgreSQL cluster serving `database_url` on this machine, which this process
    may restart; `FaultUnavailable` saying why not otherwise."""
    settings = dj_database_url.parse(database_url)
    host, port = settings["HOST"] or "localhost", str(settings["PORT"] or 5432)
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise FaultUnavailable(f"PostgreSQL at {host} is not on this machine")
    lsclusters, ctlcluster = shutil.which("pg_lsclusters"), shutil.which("pg_ctlcluster")
    if lsclusters is None or ctlcluster is None:
        raise FaultUnavailable(
            "pg_lsclusters/pg_ctlcluster not found (Debian's postgresql-common); "
            "restart PostgreSQL by hand instead"
        )
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        raise FaultUnavailable("restarting PostgreSQL needs root or the postgres user")
    listing = subprocess.run(  # noqa: S603 - a fixed argument list
        [lsclusters, "--no-header"], capture_output=True, text=True, check=False, timeout=10
    )
    for line in listing.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[2] == port and fields[3] == "online":
            return Cluster(version=fields[0], name=fields[1], pg_ctlcluster=ctlcluster)
    raise FaultUnavailable(f"no online PostgreSQL cluster on port {port} (pg_lsclusters)")


def worker_pids(master: int) -> list[int]:
    """gunicorn's workers: the master's children."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.append(int(stat.parent.name))
    return sorted(children)


def describe(window: Window) -> str:
    over = (
        "never over"
        if window.ended is None
        else f"over after {window.ended - window.started:.2f} s"
    )
    if window.restored is not None and window.restored != window.ended:
        over += f", replaced after {window.restored - window.started:.2f} s"
    seconds = window.recovery_seconds
    again = "NOT answering again" if seconds is None else f"answering again after {seconds:.2f} s"
    return f"{window.kind} at {window.started:.1f} s: {window.detail}; {over}, {again}"


def recover(windows: list[Window], exchanges: list[Exchange]) -> None:
    """Set each window's recovery: the first answer from the database that a student got after
    the fault was over, or the restoring of full capacity, whichever is later."""
    for window in windows:
        if window.ended is None or window.restored is None:
            continue
        answered = [
            e.ended
            for e in exchanges
            if e.action in DATABASE_ACTIONS
            and e.status is not None
            and e.status < 500
            and e.ended > window.ended
        ]
        if answered:
            window.recovered = max(window.restored, min(answered))


class Injector(threading.Thread):
    """Strikes each planned fault at its second and measures the recovery."""

    def __init__(
        self,
        *,
        plan: list[tuple[float, str]],
        server: Server,
        database_url: str,
        clock: Clock,
        cluster: Cluster | None,
        say,
    ) -> None:
        super().__init__(name="faults", daemon=True)
        self.plan = plan
        self.server = server
        self.database_url = database_url
        self.clock = clock
        self.cluster = cluster
        self.say = say
        self.windows: list[Window] = []
        self.errors: list[str] = []

    def run(self) -> None:
        for second, kind in self.plan:
            time.sleep(max(0.0, second - self.clock.now()))
            window = Window(kind=kind, started=self.clock.now())
            self.windows.append(window)
            try:
                getattr(self, f"_{kind}")(window)
            except Exception as error:  # noqa: BLE001 - reported as a failed fault
                self.errors.append(f"{kind}: {type(error).__name__}: {error}")
                window.detail = f"failed: {error}"
            self.say(f"   fault {kind} at {window.started:.1f} s: {window.detail}")

    def _worker(self, window: Window) -> None:
        before = worker_pids(self.server.process.pid)
        if not before:
            raise RuntimeError("gunicorn has no workers to kill")
        victim = before[0]
        os.kill(victim, signal.SIGKILL)
        window.ended = self.clock.now()
        window.detail = f"SIGKILL to worker {victim} of {len(before)}"

        deadline = time.monotonic() + RESTART_TIMEOUT
        while time.monotonic() < deadline:
            now = worker_pids(self.server.process.pid)
            if victim not in now and len(now) >= WORKERS:
                window.restored = self.clock.now()
                return
            time.sleep(POLL_EVERY)

    def _connections(self, window: Window) -> None:
        settings = dj_database_url.parse(self.database_url)
        with psycopg.connect(
            dbname="postgres",
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            autocommit=True,
            connect_timeout=5,
        ) as admin:
            # Chosen first, ended second: in one query PostgreSQL may call the function on rows
            # before filtering them, i.e. on everyone's connections.
            ended = [
                pid
                for (pid,) in admin.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s", [settings["NAME"]]
                )
            ]
            admin.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [ended])
            # pg_terminate_backend only signals: the fault is over once they are gone.
            deadline = time.monotonic() + RESTART_TIMEOUT
            while (
                time.monotonic() < deadline
                and admin.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = ANY(%s)", [ended]
                ).fetchone()
            ):
                time.sleep(0.01)
        window.ended = window.restored = self.clock.now()
        window.detail = f"{len(ended)} connections of the app ended by PostgreSQL"

    def _postgres(self, window: Window) -> None:
        if self.cluster is None:
            raise RuntimeError("no PostgreSQL cluster to restart")
        started = time.monotonic()
        done = subprocess.run(  # noqa: S603 - fixed arguments
            self.cluster.restart_command(),
            capture_output=True,
            text=True,
            check=False,
            timeout=RESTART_TIMEOUT,
        )
        took = time.monotonic() - started
        window.ended = window.restored = self.clock.now()
        if done.returncode:
            raise RuntimeError(f"{' '.join(self.cluster.restart_command())}: {done.stderr.strip()}")
        window.detail = (
            f"PostgreSQL {self.cluster.version}/{self.cluster.name} restarted (-m fast) "
            f"in {took:.1f} s"
        )
