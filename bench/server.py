"""gunicorn as in production (DEBUG off, whitenoise, 2 sync workers) on 127.0.0.1.

Each instance runs in its own session, so stopping it ends its master and workers together and
nothing else.
"""

import ctypes
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from bench.config import HOST, WORKERS

PR_SET_PDEATHSIG = 1
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
DRAIN_TIMEOUT = 180.0
EXCEPTION_LINE = re.compile(r"^[\w.]+(?:Error|Exception): .*$", re.M)
REQUEST_ERROR = re.compile(r"^(?=Internal Server Error: )", re.M)
BUSY_STATES = {"01", "08"}  # ESTABLISHED, CLOSE_WAIT (see include/net/tcp_states.h)


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path
    access_log: Path | None = None  # one status code a line

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_errors(self) -> Counter:
        """The exceptions the app logged, counted once per failed request (the last, outermost
        exception of each traceback)."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return Counter()
        last_lines = (EXCEPTION_LINE.findall(block) for block in REQUEST_ERROR.split(text))
        return Counter(found[-1] for found in last_lines if found)


def access_log_size(servers: list[Server]) -> list[int]:
    return [_size(server.access_log) for server in servers]


def _size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path else 0
    except OSError:
        return 0


def statuses_since(servers: list[Server], offsets: list[int]) -> Counter:
    """Responses by status code since `access_log_size` gave `offsets`."""
    counted: Counter = Counter()
    for server, offset in zip(servers, offsets, strict=True):
        if server.access_log is None or not server.access_log.exists():
            continue
        with server.access_log.open("rb") as log:
            log.seek(offset)
            counted.update(line.strip().decode() for line in log if line.strip())
    return counted


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def die_with_parent() -> None:
    """In the child, before gunicorn starts: on Linux, the kernel sends it SIGTERM when the
    benchmark process dies, however it dies (even SIGKILL), so no instance is left behind."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def start(*, log: Path, probe_path: str, access_format: str = "%(s)s") -> Server:
    """A gunicorn on a free port, answering `probe_path` with 200 before this returns. Its
    access log holds only each response's status, to tell errors apart (unless another
    `access_format` is asked for)."""
    port = free_port()
    access_log = log.with_name(f"{log.stem}-access.log")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={WORKERS}",
        "--log-level=warning",
        "--timeout=60",
        f"--access-logfile={access_log}",
        f"--access-logformat={access_format}",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=settings.BASE_DIR,
            env=os.environ,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,  # safe: the benchmark runs no threads
        )
    server = Server(port=port, process=process, log=log, access_log=access_log)
    try:
        _wait_ready(server, probe_path)
    except BaseException:
        stop(server)
        raise
    return server


def _wait_ready(server: Server, path: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with {server.process.returncode}:\n" + server.log_tail()
            )
        try:
            connection = http.client.HTTPConnection(HOST, server.port, timeout=5)
            connection.request("GET", path)
            status = connection.getresponse().status
            connection.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(
        f"gunicorn did not answer {path} within {READY_TIMEOUT:.0f} s:\n" + server.log_tail()
    )


def open_connections(ports: list[int]) -> int | None:
    """Server-side TCP connections on `ports` that gunicorn has not closed yet: queued, being
    served, or abandoned by the client (CLOSE_WAIT) but still to be served. None where the
    kernel does not tell (no /proc/net/tcp)."""
    wanted = {f"{port:04X}" for port in ports}
    count, found = 0, False
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        try:
            lines = table.read_text().splitlines()[1:]
        except OSError:
            continue
        found = True
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            if local.rsplit(":", 1)[1] in wanted and state in BUSY_STATES:
                count += 1
    return count if found else None


def wait_idle(ports: list[int], timeout: float = DRAIN_TIMEOUT) -> float:
    """Wait until every request sent so far has been served, so the next scenario does not
    queue behind the last one's (wrk stops sending, not gunicorn serving). Returns the wait."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        busy = open_connections(ports)
        if busy is None:
            time.sleep(1.0)
            break
        if busy == 0:
            break
        time.sleep(0.1)
    return time.monotonic() - started


def stop(server: Server) -> None:
    """SIGTERM to the instance's process group (graceful), SIGKILL if it lingers."""
    if server.process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(server.process.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
