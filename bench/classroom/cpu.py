"""CPU time (user + system) of the processes that serve and load the classroom, from /proc.

Snapshots are compared pid by pid: a process present at both ends counts its difference, one
that started in between counts all it used; one that ended in between is lost (and counted, so
the report can say so). PostgreSQL backends are told apart by the database in their process
title, so other databases' work is not counted.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class Process:
    pid: int
    parent: int
    seconds: float
    title: str


@dataclass
class Snapshot:
    workers: dict[int, float] = field(default_factory=dict)
    loader: dict[int, float] = field(default_factory=dict)
    database: dict[int, float] = field(default_factory=dict)


def _read(pid: int) -> Process | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
        title = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    seconds = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return Process(pid=pid, parent=int(fields[1]), seconds=seconds, title=title.strip())


def processes() -> list[Process]:
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (process := _read(int(entry.name))) is not None:
            found.append(process)
    return found


def snapshot(*, gunicorn: int, loader: int | None, database_name: str | None) -> Snapshot:
    """The gunicorn master's children (its workers), the load generator and, on PostgreSQL,
    the backends of `database_name`."""
    taken = Snapshot()
    for process in processes():
        if process.parent == gunicorn:
            taken.workers[process.pid] = process.seconds
        if process.pid == loader:
            taken.loader[process.pid] = process.seconds
        if database_name and _backend_of(process.title, database_name):
            taken.database[process.pid] = process.seconds
    return taken


def _backend_of(title: str, database_name: str) -> bool:
    """ "postgres: [cluster: ]user database host(port) state", e.g. Debian's
    "postgres: 15/main: postgres bench 127.0.0.1(5123) idle"."""
    words = title.split()
    if not words or words[0] != "postgres:":
        return False
    if len(words) > 1 and words[1].endswith(":"):  # the cluster_name
        words = words[1:]
    return len(words) >= 3 and words[2] == database_name


def used(before: dict[int, float], after: dict[int, float]) -> tuple[float, int]:
    """Seconds used between two snapshots of one kind, and how many processes ended between."""
    seconds = sum(after[pid] - before.get(pid, 0.0) for pid in after)
    return seconds, len(before.keys() - after.keys())
