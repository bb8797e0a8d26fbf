"""The run's figures: load held, failures inside and outside the fault windows, writes
acknowledged, the database's verdict, recovery times; as text and as JSON."""

import json
import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ops.loadfaults.client import Exchange
from ops.loadfaults.faults import Window, describe
from ops.loadfaults.ledger import Ledger
from ops.loadfaults.verify import Verdict

RECOVERY_BUDGET = 10.0  # seconds from a fault until the app answers again


@dataclass
class Figures:
    students: int
    duration: float  # seconds the students were sending
    faults: str
    requests: int = 0
    requests_per_second: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    by_action: dict = field(default_factory=dict)
    p50_p95_ms_by_action: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)
    server_errors: int = 0  # 5xx
    server_errors_outside_faults: int = 0
    no_answer: int = 0
    no_answer_outside_faults: int = 0
    no_answer_reasons: dict = field(default_factory=dict)
    writes_acknowledged: dict = field(default_factory=dict)
    writes_unanswered: dict = field(default_factory=dict)
    verdict: dict = field(default_factory=dict)
    windows: list = field(default_factory=list)
    unexpected: list = field(default_factory=list)
    fault_errors: list = field(default_factory=list)
    server_exceptions: dict = field(default_factory=dict)

    @property
    def lost(self) -> int:
        return len(self.verdict["lost"])

    def failures(self) -> list[str]:
        """Why the run fails; empty when it passes."""
        found = []
        if self.requests == 0:
            found.append("no request was sent")
        if self.server_errors_outside_faults:
            found.append(f"{self.server_errors_outside_faults} 5xx outside the fault windows")
        if self.no_answer_outside_faults:
            found.append(f"{self.no_answer_outside_faults} requests unanswered outside the windows")
        if self.lost:
            found.append(f"{self.lost} acknowledged writes lost")
        if self.verdict["duplicates"]:
            found.append(f"{len(self.verdict['duplicates'])} notes saved twice")
        if self.verdict["unexplained"]:
            found.append(f"{len(self.verdict['unexplained'])} notes no write explains")
        if self.unexpected:
            found.append(f"{len(self.unexpected)} unexpected answers")
        found += [f"fault failed: {error}" for error in self.fault_errors]
        for window in self.windows:
            seconds = window["recovery_seconds"]
            if seconds is None or seconds > RECOVERY_BUDGET:
                found.append(f"{window['kind']}: no recovery within {RECOVERY_BUDGET:.0f} s")
        return found


def figures(
    *,
    students: int,
    duration: float,
    faults: str,
    exchanges: list[Exchange],
    windows: list[Window],
    ledger: Ledger,
    verdict: Verdict,
    unexpected: list[str],
    fault_errors: list[str],
    server_exceptions: Counter,
) -> Figures:
    result = Figures(students=students, duration=round(duration, 1), faults=faults)
    result.requests = len(exchanges)
    working = [e for e in exchanges if e.started >= 0]  # after everyone logged in
    result.requests_per_second = round(len(working) / duration, 1) if duration else 0.0
    result.p50_ms, result.p95_ms = _p50_p95(
        [e.ended - e.started for e in exchanges if e.status is not None]
    )
    result.by_action = dict(Counter(e.action for e in exchanges).most_common())
    result.p50_p95_ms_by_action = {
        action: _p50_p95([e.ended - e.started for e in exchanges if e.action == action])
        for action in result.by_action
    }
    result.statuses = {
        str(status): n
        for status, n in sorted(
            Counter(e.status or "no answer" for e in exchanges).items(), key=str
        )
    }
    reasons: dict[str, int] = {}
    for exchange in exchanges:
        failed_by_server = exchange.status is not None and exchange.status >= 500
        unanswered = exchange.status is None
        if not (failed_by_server or unanswered):
            continue
        inside = any(w.overlaps(exchange.started, exchange.ended) for w in windows)
        if failed_by_server:
            result.server_errors += 1
            result.server_errors_outside_faults += not inside
        else:
            result.no_answer += 1
            result.no_answer_outside_faults += not inside
            reason = f"{exchange.action}: {exchange.error.split(':')[0]}"
            reasons[reason] = reasons.get(reason, 0) + 1
    result.no_answer_reasons = reasons
    result.writes_acknowledged = dict(ledger.acknowledged)
    result.writes_unanswered = dict(ledger.unanswered)
    result.verdict = {
        "checked": verdict.checked,
        "rows": verdict.rows,
        "deleted": verdict.deleted,
        "lost": [asdict(problem) for problem in verdict.lost],
        "duplicates": verdict.duplicates,
        "unanswered_saved": verdict.unanswered_saved,
        "unexplained": verdict.unexplained,
    }
    result.windows = [
        {
            "kind": w.kind,
            "at_s": round(w.started, 2),
            "detail": w.detail,
            "text": describe(w),
            "over_after_seconds": None if w.ended is None else round(w.ended - w.started, 2),
            "restored_after_seconds": None
            if w.restored is None
            else round(w.restored - w.started, 2),
            "recovery_seconds": None
            if w.recovery_seconds is None
            else round(w.recovery_seconds, 2),
        }
        for w in windows
    ]
    result.unexpected = unexpected
    result.fault_errors = fault_errors
    result.server_exceptions = dict(server_exceptions)
    return result


def _p50_p95(seconds: list[float]) -> tuple[float, float]:
    if not seconds:
        return 0.0, 0.0
    cuts = statistics.quantiles(seconds, n=100) if len(seconds) > 1 else seconds * 99
    return round(cuts[49] * 1000, 1), round(cuts[94] * 1000, 1)


def text(result: Figures) -> str:
    acknowledged = result.writes_acknowledged
    verdict = result.verdict
    lines = [
        f"{result.students} students, {result.duration:.0f} s, faults: {result.faults}",
        f"requests     {result.requests:,} ({result.requests_per_second:.1f}/s), "
        f"p50 {result.p50_ms:,.0f} ms, p95 {result.p95_ms:,.0f} ms",
        "  by action  " + ", ".join(f"{k} {v:,}" for k, v in result.by_action.items()),
        "  p50/p95 ms "
        + ", ".join(f"{k} {a:,.0f}/{b:,.0f}" for k, (a, b) in result.p50_p95_ms_by_action.items()),
        "  statuses   " + ", ".join(f"{k}: {v:,}" for k, v in result.statuses.items()),
        f"5xx          {result.server_errors} ({result.server_errors_outside_faults} outside "
        f"the fault windows)",
        f"no answer    {result.no_answer} ({result.no_answer_outside_faults} outside the fault "
        "windows)" + "".join(f"; {reason} × {n}" for reason, n in result.no_answer_reasons.items()),
        f"acknowledged {sum(acknowledged.values()):,} writes: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(acknowledged.items())),
        "unanswered   "
        + (", ".join(f"{k} {v}" for k, v in sorted(result.writes_unanswered.items())) or "none")
        + " (sent again or read back; never counted as saved)",
        f"database     {verdict['rows']:,} notes by the students ({verdict['deleted']:,} deleted);"
        f" {verdict['checked']:,} acknowledged compared",
        f"  lost {result.lost}, saved twice {len(verdict['duplicates'])}, unexplained "
        f"{len(verdict['unexplained'])}, saved though unanswered {verdict['unanswered_saved']}",
    ]
    lines += [f"fault        {window['text']}" for window in result.windows]
    for problem in verdict["lost"][:10]:
        lines.append(f"  LOST {problem['marker']} {problem['uuid']}: {problem['what']}")
    for answer in result.unexpected[:10]:
        lines.append(f"  UNEXPECTED {answer}")
    if result.server_exceptions:
        lines.append("exceptions in gunicorn's log:")
        lines += [f"  {n:5,} × {line[:110]}" for line, n in result.server_exceptions.items()]
    failures = result.failures()
    lines.append("PASSED" if not failures else "FAILED: " + "; ".join(failures))
    return "\n".join(lines)


def write_json(path: Path, result: Figures, meta: dict) -> None:
    document = {"meta": meta, **asdict(result), "failures": result.failures()}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
