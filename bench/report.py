"""The benchmark's one table, its budgets (issue 6) and its JSON."""

import json
from dataclasses import dataclass
from pathlib import Path

from bench.load import WrkResult
from bench.wire import Weight

KB = 1000
QUERY_BUDGET = 12
ANONYMOUS_SHARE_BUDGET = 0.5
P95_BUDGET_MS = 100.0
P95_SCENARIOS = ("edition_student", "threads_paragraph", "api_paragraph", "search", "create")
BUDGET_CONCURRENCY = 8
JS_BUDGET, CSS_BUDGET, HTML_BUDGET = 20 * KB, 12 * KB, 40 * KB

LEGEND = """\
n: requests answered in the run. Latency in ms. errors: non-2xx/3xx responses + socket errors.
÷ static: req/s against the static file of the same size, served in the same run.
queries: SQL per request (test Client, warm). kB = 1,000 bytes on the wire with Accept-Encoding:
gzip: HTML as sent (gz: if it were gzipped); CSS and JS: all the page links (JS with imports)."""

COLUMNS = (
    ("scenario", "<", 34),
    ("req/s", ">", 8),
    ("n", ">", 6),
    ("p50 ms", ">", 7),
    ("p95 ms", ">", 7),
    ("p99 ms", ">", 7),
    ("errors", ">", 6),
    ("÷ static", ">", 8),
    ("queries", ">", 7),
    ("HTML kB", ">", 7),
    ("gz kB", ">", 6),
    ("CSS kB", ">", 6),
    ("JS kB", ">", 6),
)


@dataclass
class Row:
    key: str
    label: str
    result: WrkResult | None = None
    queries: int | None = None
    status: int | None = None
    weight: Weight | None = None
    skipped: str = ""
    drained: float = 0.0  # seconds the server still worked after wrk stopped
    statuses: dict[str, int] | None = None  # responses by status, from gunicorn's access log

    def as_dict(self, baseline: float) -> dict:
        return {
            "scenario": self.key,
            "label": self.label,
            "skipped": self.skipped or None,
            "wrk": self.result.as_dict() if self.result else None,
            "ratio_to_static": _ratio(self, baseline),
            "queries_per_request": self.queries,
            "status_in_test_client": self.status,
            "bytes": self.weight.as_dict() if self.weight else None,
            "drain_seconds": round(self.drained, 2),
            "statuses": self.statuses,
        }


@dataclass(frozen=True)
class Budget:
    name: str
    measured: str
    passed: bool | None  # None: not measured in this run


def _ratio(row: Row, baseline: float) -> float | None:
    if not row.result or not baseline:
        return None
    return row.result.requests_per_second / baseline


def _kb(size: int | None) -> str:
    return "–" if size is None else f"{size / KB:.1f}"


def _number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _cells(row: Row, baseline: float) -> list[str]:
    if row.skipped:
        return [row.label, f"skipped: {row.skipped}"]
    result, weight, ratio = row.result, row.weight, _ratio(row, baseline)
    answered = result.requests > 0  # else wrk has no latency to report
    return [
        row.label,
        _number(result.requests_per_second),
        f"{result.requests:,}",
        _number(result.p50_ms if answered else None),
        _number(result.p95_ms if answered else None),
        _number(result.p99_ms if answered else None),
        f"{result.errors:,}",
        "–" if ratio is None else f"{ratio:.0%}",
        "–" if row.queries is None else str(row.queries),
        _kb(weight.html if weight else None),
        _kb(weight.html_gzipped if weight else None),
        _kb(weight.css if weight else None),
        _kb(weight.js if weight else None),
    ]


def _line(cells: list[str]) -> str:
    if len(cells) == 2:  # a skipped scenario: its reason spans the columns
        return f"{cells[0]:<{COLUMNS[0][2]}}  {cells[1][:95]}"
    return "  ".join(
        f"{cell:{align}{width}}" for cell, (_, align, width) in zip(cells, COLUMNS, strict=True)
    )


def baseline_of(rows: list[Row]) -> float:
    static = next((row for row in rows if row.key == "static" and row.result), None)
    return static.result.requests_per_second if static else 0.0


def table(rows: list[Row]) -> str:
    baseline = baseline_of(rows)
    header = _line([name for name, _, _ in COLUMNS])
    lines = [header, "-" * len(header)]
    lines += [_line(_cells(row, baseline)) for row in rows]
    return "\n".join(lines)


def error_statuses(rows: list[Row]) -> str:
    """Which statuses the errors were (the server also answered what wrk no longer waited for)."""
    lines = []
    for row in rows:
        failed = {s: n for s, n in (row.statuses or {}).items() if not s.startswith(("2", "3"))}
        if failed:
            counts = ", ".join(f"{n:,} × {status}" for status, n in sorted(failed.items()))
            lines.append(f"  {row.label}: {counts}")
    return "\n".join(lines)


def budgets(rows: list[Row], *, concurrency: int, bare_html: Weight | None) -> list[Budget]:
    by_key = {row.key: row for row in rows if not row.skipped and row.result}
    found: list[Budget] = []
    counted = [row for row in by_key.values() if row.queries is not None and row.key != "static"]
    if counted:
        worst = max(counted, key=lambda row: row.queries)
        found.append(
            Budget(
                f"SQL queries per request ≤ {QUERY_BUDGET}",
                f"at most {worst.queries} ({worst.label})",
                worst.queries <= QUERY_BUDGET,
            )
        )
    anonymous, baseline = by_key.get("edition_anonymous"), baseline_of(rows)
    if anonymous and baseline:
        share = anonymous.result.requests_per_second / baseline
        found.append(
            Budget(
                f"anonymous edition ≥ {ANONYMOUS_SHARE_BUDGET:.0%} of the static file's req/s",
                f"{share:.0%}",
                share >= ANONYMOUS_SHARE_BUDGET,
            )
        )
    at = "" if concurrency == BUDGET_CONCURRENCY else f" (set for c={BUDGET_CONCURRENCY})"
    for key in P95_SCENARIOS:
        row = by_key.get(key)
        if row is None:
            found.append(Budget(f"{key}: p95 < {P95_BUDGET_MS:.0f} ms, no errors", "–", None))
            continue
        result = row.result
        if result.requests == 0:
            measured, passed = f"no response within the run, {result.errors} errors", False
        else:
            p95 = result.p95_ms if result.p95_ms is not None else result.p99_ms
            measured = f"p95 {p95:,.1f} ms, {result.errors} errors"
            passed = p95 < P95_BUDGET_MS and result.errors == 0
        found.append(
            Budget(f"{row.label}: p95 < {P95_BUDGET_MS:.0f} ms, no errors{at}", measured, passed)
        )
    reading = by_key.get("edition_anonymous")
    if reading and reading.weight:
        found.append(
            Budget(
                f"reading view JS ≤ {JS_BUDGET // KB} kB gzipped",
                f"{_kb(reading.weight.js)} kB",
                reading.weight.js <= JS_BUDGET,
            )
        )
        found.append(
            Budget(
                f"reading view CSS ≤ {CSS_BUDGET // KB} kB gzipped",
                f"{_kb(reading.weight.css)} kB",
                reading.weight.css <= CSS_BUDGET,
            )
        )
    if bare_html:
        found.append(
            Budget(
                f"edition HTML without annotations ≤ {HTML_BUDGET // KB} kB gzipped",
                f"{_kb(bare_html.html_gzipped)} kB (sent: {_kb(bare_html.html)} kB)",
                bare_html.html_gzipped <= HTML_BUDGET,
            )
        )
    return found


def budget_lines(found: list[Budget]) -> str:
    mark = {True: "pass", False: "FAIL", None: "n/a "}
    return "\n".join(f"  {mark[b.passed]}  {b.name}: {b.measured}" for b in found)


def write_json(path: Path, *, meta: dict, build: dict | None, rows: list[Row], **extra) -> None:
    baseline = baseline_of(rows)
    document = {
        "meta": meta,
        "build": build,
        "scenarios": [row.as_dict(baseline) for row in rows],
        **extra,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
