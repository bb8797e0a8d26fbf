"""The text a classroom run prints: one table per step, the live delay, CPU, where the server's
time went, the budget, and with --capacity the steps side by side."""

from bench.classroom.measure import LIVE_BUDGET_S, P95_BUDGET_MS, EndpointStats, TypeStats

COLUMNS = (
    ("request type", "<", 36),
    ("n", ">", 7),
    ("req/s", ">", 7),
    ("p50 ms", ">", 7),
    ("p95 ms", ">", 7),
    ("p99 ms", ">", 7),
    ("errors", ">", 6),
)


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def _line(cells: list[str], columns=COLUMNS) -> str:
    return "  ".join(
        f"{cell:{align}{width}}" for cell, (_, align, width) in zip(cells, columns, strict=True)
    )


def _row(stats: TypeStats) -> str:
    return _line(
        [
            stats.label,
            f"{stats.n:,}",
            f"{stats.requests_per_second:,.1f}",
            _ms(stats.p50_ms),
            _ms(stats.p95_ms),
            _ms(stats.p99_ms),
            f"{stats.errors:,}",
        ]
    )


def requests_table(types: dict[str, TypeStats], everything: TypeStats) -> str:
    header = _line([name for name, _, _ in COLUMNS])
    lines = [header, "-" * len(header)]
    lines += [_row(stats) for stats in types.values() if stats.n or stats.key != "threads_live"]
    lines.append(_row(everything))
    live = types.get("live")
    if live and live.n:
        unchanged = live.statuses.get("304", 0)
        lines.append(f"(live channel: {unchanged / live.n:.0%} of the polls answered 304)")
    return "\n".join(lines)


def live_line(live: dict) -> str:
    if not live["available"]:
        return "Live channel: not in this version (no live URL answered); no pollers ran."
    return (
        f"Live delay (write's 201 → a classmate's poll shows the paragraph changed): "
        f"p50 {_s(live['p50_s'])}, p95 {_s(live['p95_s'])}, max {_s(live['max_s'])} over "
        f"{live['pairs']:,} (write, classmate) pairs; {live['writes_arrived']:,} of "
        f"{live['writes'] - live['writes_without_classmates']:,} writes arrived in at least one "
        f"classmate's channel; {live['missed_pairs']:,} pairs never arrived"
    )


def cpu_lines(cpu: dict) -> str:
    lines = [
        f"CPU: gunicorn workers {cpu['workers_s']:.1f} s in {cpu['window_s']:.0f} s "
        f"({cpu['workers_s'] / cpu['window_s']:.2f} of {cpu['cpus']} cores) = "
        f"{cpu['per_request_ms']:.2f} ms per request ({cpu['requests']:,} requests)"
    ]
    extra = [f"Locust {cpu['loader_s']:.1f} s ({cpu['loader_s'] / cpu['window_s']:.2f} cores)"]
    if cpu.get("database_s") is not None:
        extra.append(
            f"PostgreSQL backends of the benchmark database {cpu['database_s']:.1f} s "
            f"({cpu['database_s'] / cpu['window_s']:.2f} cores)"
        )
    if cpu.get("ended"):
        extra.append(f"{cpu['ended']} measured processes ended during the window (not counted)")
    lines.append("     " + "; ".join(extra))
    return "\n".join(lines)


ENDPOINT_COLUMNS = (
    ("server time per endpoint", "<", 36),
    ("n", ">", 7),
    ("p50 ms", ">", 7),
    ("p95 ms", ">", 7),
    ("share", ">", 6),
)


def endpoints_table(endpoints: list[EndpointStats]) -> str:
    header = _line([name for name, _, _ in ENDPOINT_COLUMNS], ENDPOINT_COLUMNS)
    lines = [header, "-" * len(header)]
    for stats in endpoints:
        cells = [stats.label, f"{stats.n:,}", _ms(stats.p50_ms), _ms(stats.p95_ms)]
        lines.append(_line([*cells, f"{stats.share:.0%}"], ENDPOINT_COLUMNS))
    lines.append("(gunicorn's own time per request, from reading it to writing the answer; the")
    lines.append(" latencies above add the wait in the listen queue and the network)")
    return "\n".join(lines)


def budget_lines(step: dict) -> str:
    passed = not step["failures"]
    lines = [
        f"  {'pass' if passed else 'FAIL'}  every request type p95 < {P95_BUDGET_MS:.0f} ms, "
        f"no errors{'' if passed else ': ' + '; '.join(step['failures'])}"
    ]
    live = step["live"]
    if live["available"]:
        p95 = live["p95_s"]
        ok = p95 is not None and p95 < LIVE_BUDGET_S and live["missed_pairs"] == 0
        lines.append(
            f"  {'pass' if ok else 'FAIL'}  live delay p95 < {LIVE_BUDGET_S:.0f} s, every write "
            f"arrives: p95 {_s(p95)}, {live['missed_pairs']:,} pairs missed"
        )
    else:
        lines.append("  n/a   live delay p95 < 5 s: no live channel in this version")
    return "\n".join(lines)


CAPACITY_COLUMNS = (
    ("students", ">", 8),
    ("req/s", ">", 7),
    ("worst p95", "<", 44),
    ("errors", ">", 6),
    ("live p95", ">", 8),
    ("CPU ms/req", ">", 10),
    ("", "<", 4),
)


def capacity_table(steps: list[dict], capacity: int | None) -> str:
    header = _line([name for name, _, _ in CAPACITY_COLUMNS], CAPACITY_COLUMNS)
    lines = [header, "-" * len(header)]
    for step in steps:
        ran = [t for t in step["types"].values() if t["n"] and t["p95_ms"] is not None]
        worst = max(ran, key=lambda t: t["p95_ms"]) if ran else None
        cells = [
            f"{step['students']:,}",
            f"{step['all']['requests_per_second']:,.1f}",
            f"{worst['p95_ms']:,.0f} ms ({worst['label']})" if worst else "–",
            f"{step['all']['errors']:,}",
            _s(step["live"]["p95_s"]),
            f"{step['cpu']['per_request_ms']:.2f}",
            "FAIL" if step["failures"] else "pass",
        ]
        lines.append(_line(cells, CAPACITY_COLUMNS))
    lines.append(
        f"Capacity: {capacity:,} students" if capacity else "Capacity: below the first step"
    )
    return "\n".join(lines)
