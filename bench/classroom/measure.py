"""What a classroom run's records say: per request type latency, errors and rate; the live delay;
server time per endpoint; whether a step keeps the budget. Plain Python on the records the
Locust process wrote (see `students`), so it is tested without Locust or a server.

A request counts in the window it was answered in. The live delay of a write for one classmate
is the time from the writer's 201 to the first answer of that classmate's live poll showing a
changed state for the write's paragraph, among the polls answered after the write was sent
(a poll answered between sending and the 201 may already show it: that counts as 0).
"""

import bisect
import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from bench.classroom import protocol

P95_BUDGET_MS = 200.0
LIVE_BUDGET_S = 5.0
CAPACITY_STEPS = (100, 200, 300, 500, 800)

LABELS = {
    protocol.EDITION: "open the edition",
    protocol.THREADS: "a paragraph's threads (scrolling)",
    protocol.THREADS_LIVE: "threads again after a live change",
    protocol.API_LIST: "API: a paragraph's notes",
    protocol.NOTE: "write a note to the course",
    protocol.REPLY: "reply",
    protocol.SEARCH: "search",
    protocol.LIVE: "live channel poll",
}
ENDPOINTS = {
    "edition": "edition page",
    "threads": "threads fragment",
    "api_list": "API list",
    "write": "API create (note, reply)",
    "search": "search",
    "live": "live channel",
    "other": "other",
}


@dataclass
class TypeStats:
    key: str
    label: str
    n: int = 0
    requests_per_second: float = 0.0
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


@dataclass
class LiveStats:
    available: bool
    writes: int = 0  # answered 201 in the window
    writes_arrived: int = 0  # seen changed by at least one classmate's channel
    writes_without_classmates: int = 0  # no classmate's channel was open when it was sent
    pairs: int = 0  # (write, classmate) pairs that arrived
    missed_pairs: int = 0  # … that never arrived before the run ended
    p50_s: float | None = None
    p95_s: float | None = None
    max_s: float | None = None


@dataclass
class EndpointStats:
    key: str
    label: str
    n: int
    p50_ms: float | None
    p95_ms: float | None
    share: float  # of all the server's time in the window


def percentile(values: list[float], q: float) -> float | None:
    """Nearest rank: the smallest value with at least q % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def request_stats(requests: list, start: float, end: float) -> dict[str, TypeStats]:
    """`requests`: (type, start time, seconds, status, error or None) as the students record."""
    seconds = max(end - start, 1e-9)
    times: dict[str, list[float]] = defaultdict(list)
    found = {key: TypeStats(key, label) for key, label in LABELS.items()}
    for kind, started, took, status, error in requests:
        if not start <= started + took <= end:
            continue
        stats = found.setdefault(kind, TypeStats(kind, kind))
        stats.n += 1
        stats.statuses[str(status)] = stats.statuses.get(str(status), 0) + 1
        times[kind].append(took * 1000)
        if error is not None:
            stats.errors += 1
            stats.error_kinds[error] = stats.error_kinds.get(error, 0) + 1
    for key, stats in found.items():
        stats.requests_per_second = stats.n / seconds
        stats.p50_ms, stats.p95_ms, stats.p99_ms = (percentile(times[key], q) for q in (50, 95, 99))
    return found


def made(requests: list) -> dict[str, dict[str, int]]:
    """Requests and errors per type over the whole run, arrival and settling included."""
    counted: dict[str, dict[str, int]] = {key: {"n": 0, "errors": 0} for key in LABELS}
    for kind, _started, _took, _status, error in requests:
        entry = counted.setdefault(kind, {"n": 0, "errors": 0})
        entry["n"] += 1
        entry["errors"] += error is not None
    return counted


def overall(types: dict[str, TypeStats], requests: list, start: float, end: float) -> TypeStats:
    everything = [(("all",) + tuple(r[1:])) for r in requests if r[0] in types]
    return request_stats(everything, start, end).get("all") or TypeStats("all", "all")


def live_delay(
    *,
    writes: list,
    changes: list,
    baselines: list,
    groups: list[str],
    start: float,
    end: float,
    available: bool = True,
) -> LiveStats:
    """`writes`: (writer, group, paragraph, sent, answered, kind); `changes`: (reader,
    paragraph, answered); `baselines`: (reader, answered) of each reader's first live answer;
    `groups[reader]`: the reader's course group."""
    stats = LiveStats(available=available)
    if not available:
        return stats
    seen: dict[tuple[int, str], list[float]] = defaultdict(list)
    for reader, paragraph, answered in changes:
        seen[(reader, paragraph)].append(answered)
    for times in seen.values():
        times.sort()
    listening_since: dict[int, float] = {}
    for reader, answered in baselines:
        listening_since[reader] = min(answered, listening_since.get(reader, answered))
    by_group: dict[str, list[int]] = defaultdict(list)
    for reader, group in enumerate(groups):
        by_group[group].append(reader)
    delays: list[float] = []
    for writer, group, paragraph, sent, answered, _kind in writes:
        if not start <= answered <= end:
            continue
        stats.writes += 1
        readers = [
            reader
            for reader in by_group[group]
            if reader != writer and listening_since.get(reader, math.inf) < sent
        ]
        if not readers:
            stats.writes_without_classmates += 1
            continue
        arrived = False
        for reader in readers:
            times = seen.get((reader, paragraph), [])
            at = bisect.bisect_left(times, sent)
            if at == len(times):
                stats.missed_pairs += 1
                continue
            delays.append(max(0.0, times[at] - answered))
            arrived = True
        stats.writes_arrived += arrived
    stats.pairs = len(delays)
    stats.p50_s, stats.p95_s = percentile(delays, 50), percentile(delays, 95)
    stats.max_s = max(delays) if delays else None
    return stats


def endpoint_of(method: str, path: str, page: str) -> str:
    if path == page:
        return "edition"
    if path == f"{page}live/":
        return "live"
    if path.startswith(page) and path.endswith("/threads/"):
        return "threads"
    if path == "/api/annotations/":
        return "write" if method == "POST" else "api_list"
    if path.startswith("/search/"):
        return "search"
    return "other"


def server_times(lines: list[str], page: str) -> list[EndpointStats]:
    """From gunicorn's access log lines "status microseconds method path": where the server's
    time went (time from reading the request to writing the response, not the queue before)."""
    times: dict[str, list[float]] = defaultdict(list)
    for line in lines:
        parts = line.split()
        if len(parts) < 4 or not parts[1].isdigit():
            continue
        times[endpoint_of(parts[2], parts[3], page)].append(int(parts[1]) / 1000)
    total = sum(sum(values) for values in times.values()) or 1.0
    return [
        EndpointStats(
            key,
            label,
            len(times[key]),
            percentile(times[key], 50),
            percentile(times[key], 95),
            sum(times[key]) / total,
        )
        for key, label in ENDPOINTS.items()
        if times[key]
    ]


def failures(types: dict[str, TypeStats]) -> list[str]:
    """Why a step misses the budget (empty when it keeps it): every request type that ran has
    p95 < 200 ms and no errors."""
    found = []
    for stats in types.values():
        if stats.n == 0:
            continue
        if stats.p95_ms is not None and stats.p95_ms >= P95_BUDGET_MS:
            found.append(f"{stats.label}: p95 {stats.p95_ms:,.0f} ms")
        if stats.errors:
            found.append(f"{stats.label}: {stats.errors:,} errors")
    return found


def capacity(steps: list[dict]) -> int | None:
    """The largest number of students of consecutive passing steps, from the first."""
    largest = None
    for step in steps:
        if step["failures"]:
            break
        largest = step["students"]
    return largest


def as_dict(value) -> dict:
    return asdict(value)


def top_errors(types: dict[str, TypeStats], count: int = 6) -> list[tuple[str, int]]:
    counted: Counter = Counter()
    for stats in types.values():
        counted.update({f"{stats.key}: {kind}": n for kind, n in stats.error_kinds.items()})
    return counted.most_common(count)
