"""One benchmark run, inside the benchmark's environment (see `bench.config`): build or reuse
the database, count queries, start gunicorn, load it with wrk, report.

Started by `manage.py bench` as `python -m bench`; it prints progress and the table to stdout.
"""

import os
import shutil
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Q
from django.utils import timezone

from annotations.models import Annotation
from annotations.selectors import annotations_visible_to
from bench import (
    checks,
    consistency,
    data,
    database,
    load,
    meta,
    report,
    scenarios,
    server,
    wire,
)
from bench.config import CONFIG_VARIABLE, WORKERS, BenchConfig
from edition.models import Edition
from edition.services import edition_import
from edition.source import load_source_file

STARTED = time.monotonic()


def say(text: str = "") -> None:
    """Progress, with the seconds since the run started."""
    print(f"[{time.monotonic() - STARTED:6.1f} s] {text}", flush=True)


def show(text: str = "") -> None:
    print(text, flush=True)


def _import_edition() -> Edition:
    edition = Edition.objects.filter(slug=scenarios.EDITION).first()
    if edition is None:
        path = Path(settings.EDITION_SOURCE_DIR) / f"{scenarios.EDITION}.yaml"
        say(edition_import(source=load_source_file(path)).summary())
        edition = Edition.objects.get(slug=scenarios.EDITION)
    return edition


def _analyze() -> None:
    """PostgreSQL's autovacuum analyzes a freshly filled table within a minute or so; do it now,
    so no scenario runs on plans made for empty tables. SQLite never does it by itself: without
    statistics its planner takes "root IS NULL" for a rare value and reads every thread. The
    README asks SQLite sites to run ANALYZE after loading data, as this does."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _prepare(config: BenchConfig) -> tuple[Edition, dict | None]:
    say(f"== {database.describe(config.database_url)}: migrate")
    call_command("migrate", interactive=False, verbosity=0)
    edition = _import_edition()
    sizes = config.sizes
    if config.reuse:
        users = get_user_model().objects.filter(username__startswith=data.PREFIX).count()
        annotations = Annotation.objects.count()
        if users != sizes.users or annotations < sizes.annotations:
            raise SystemExit(
                f"--reuse: the database has {users} bench users and {annotations} annotations, "
                f"not {sizes.users} and {sizes.annotations}; run once without --reuse (and "
                "with --keep)"
            )
        say(f"== reusing {users:,} users and {annotations:,} annotations")
        return edition, None
    say(
        f"== building {sizes.users:,} users, {sizes.courses} courses, "
        f"{sizes.annotations:,} annotations (seed {sizes.seed})"
    )
    built = data.build(edition=edition, sizes=sizes)
    sample = checks.validate_sample(seed=sizes.seed)
    rows = ", ".join(f"{n:,} {name}" for name, n in built.rows.items())
    say(f"   {rows}")
    say(
        f"   {built.total_rows:,} rows in {built.seconds:.1f} s = "
        f"{built.rows_per_second:,.0f} rows/s; {sample} sampled annotations pass the services' "
        "validation"
    )
    return edition, {
        "rows": built.rows,
        "total_rows": built.total_rows,
        "seconds": round(built.seconds, 2),
        "rows_per_second": round(built.rows_per_second),
        "validated_sample": sample,
    }


def _baseline_file(page: bytes) -> None:
    """The static baseline: the anonymous edition page's own bytes, served by whitenoise."""
    target = Path(settings.STATIC_ROOT) / "bench" / "baseline.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(page)


def run(config: BenchConfig) -> int:
    load_before = os.getloadavg()[0]
    started = timezone.now()
    edition, build = _prepare(config)
    _analyze()
    if config.cache_url:
        cache.clear()
        say(f"== cache {config.cache_url}: cleared")
    say(f"== collectstatic into {settings.STATIC_ROOT}")
    call_command("collectstatic", interactive=False, verbosity=0)
    reader = get_user_model().objects.get(username=data.READER)
    visible = annotations_visible_to(reader).count()
    actors = {
        "reader": scenarios.actor(data.READER),
        "instructor": scenarios.actor(data.INSTRUCTOR),
    }
    todo = scenarios.scenarios(edition)
    rows = [report.Row(s.key, s.label, skipped=s.skipped) for s in todo]
    say(f"== SQL queries per request (test Client); {data.READER} sees {visible:,} annotations")
    _count_queries(todo, rows, actors)
    anonymous = scenarios.bench_client().get(edition.get_absolute_url())
    _baseline_file(anonymous.content)
    connections.close_all()
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        servers = []
        for number in range(config.instances):
            say(f"== gunicorn {number + 1}/{config.instances}: {WORKERS} workers")
            instance = server.start(
                log=workdir / f"gunicorn-{number + 1}.log", probe_path=scenarios.BASELINE_PATH
            )
            stack.callback(server.stop, instance)
            servers.append(instance)
            say(f"   {instance.url}")
        ports = [instance.port for instance in servers]
        checked = _consistency(config, ports, edition, actors)
        bare = wire.page_weight(ports[0], f"{edition.get_absolute_url()}?scope=mine", {})
        for scenario, row in zip(todo, rows, strict=True):
            _load(config, scenario, row, actors, servers, workdir, edition)
        logs = sum((instance.log_errors() for instance in servers), Counter())
    loads = (load_before, os.getloadavg()[0])
    _forget_writes(started)
    return _finish(config, build, rows, bare, checked, visible, logs, loads)


def _forget_writes(started) -> None:
    """The notes this run wrote go, so a later --reuse meets the data the build made."""
    writes = Annotation.objects.filter(created__gte=started).filter(
        Q(body=scenarios.NOTE_BODY) | Q(body__startswith=consistency.MARKER)
    )
    written = writes.delete()[1].get(Annotation._meta.label, 0)
    say(f"== removed the {written:,} annotations this run wrote")


def _failed(error: Exception) -> str:
    return f"failed: {type(error).__name__}: {error}".splitlines()[0][:120]


def _count_queries(todo, rows, actors) -> None:
    """A page that fails here fails its row, not the run (it may be someone's work in progress)."""
    for scenario, row in zip(todo, rows, strict=True):
        if scenario.skipped or scenario.key == "static":
            continue
        try:
            row.queries, row.status = scenarios.count_queries(scenario, actors)
        except Exception as error:  # noqa: BLE001 - reported in the table
            row.skipped = _failed(error)


def _request(scenario, actors, edition) -> load.Request:
    variants = ()
    if scenario.many_writers:
        variants = tuple(
            (scenarios.headers_of(writer, scenario.method), body)
            for writer, body in scenarios.writers(edition)
        )
    return load.Request(
        scenario.method,
        scenario.path,
        scenarios.headers(scenario, actors),
        scenario.body,
        variants,
    )


def _load(config, scenario, row, actors, servers, workdir, edition) -> None:
    if row.skipped:
        say(f"-- {scenario.label}: skipped ({row.skipped})")
        return
    ports = [instance.port for instance in servers]
    try:
        request = _request(scenario, actors, edition)
        writers = f", {len(request.variants)} writers in turn" if request.variants else ""
        say(f"-- {scenario.label}: {config.warmup} s warm-up, {config.duration} s{writers}")
        if scenario.page:
            row.weight = wire.page_weight(ports[0], scenario.path, request.headers)
        common = {"ports": ports, "concurrency": config.concurrency, "script_dir": workdir}
        load.run(request, duration=config.warmup, **common)
        server.wait_idle(ports)
        offsets = server.access_log_size(servers)
        row.result, _ = load.run(request, duration=config.duration, **common)
        row.drained = server.wait_idle(ports)
        row.statuses = dict(server.statuses_since(servers, offsets))
    except Exception as error:  # noqa: BLE001 - reported in the table
        row.skipped = _failed(error)


def _consistency(config, ports, edition, actors) -> list[consistency.Check]:
    if len(ports) < 2:
        return []
    say("== consistency between instance 1 and 2")
    found = consistency.check(
        ports=ports,
        edition_path=edition.get_absolute_url(),
        edition_slug=edition.slug,
        reader=actors["reader"],
        fresh=scenarios.actor(data.READER),
    )
    for item in found:
        say(f"   {'ok  ' if item.passed else 'FAIL'} {item.name} {item.detail}".rstrip())
    return found


def _finish(config, build, rows, bare, checked, visible, logs, loads) -> int:
    about = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database.describe(config.database_url),
        "sizes": config.sizes.__dict__,
        "reader_sees": visible,
        "duration_s": config.duration,
        "concurrency": config.concurrency,
        "instances": config.instances,
        "workers_per_instance": WORKERS,
        "cache": config.cache_url or "local memory (per process)",
        "cpus": os.cpu_count(),
        "load_average_before_after": [round(n, 2) for n in loads],
        **meta.versions(),
    }
    found = report.budgets(rows, concurrency=config.concurrency, bare_html=bare)
    show()
    show(
        f"{about['database']}; {config.instances} × gunicorn ({WORKERS} sync workers); "
        f"wrk {config.concurrency} connections × {config.duration} s; cache: {about['cache']}; "
        f"{os.cpu_count()} CPUs, load average {loads[0]:.1f} before, {loads[1]:.1f} after; "
        f"commit {about['commit']}{' + uncommitted changes' * about['uncommitted_changes']}"
    )
    show(report.table(rows))
    show(report.LEGEND)
    failed = report.error_statuses(rows)
    if failed:
        show("Responses other than 2xx/3xx (gunicorn's access log):")
        show(failed)
    show()
    show("Budgets (issue 6):")
    show(report.budget_lines(found))
    if logs:
        show("Exceptions in the gunicorn logs:")
        show("\n".join(f"  {n:6,} × {line[:110]}" for line, n in logs.most_common(8)))
    if config.json_path:
        report.write_json(
            Path(config.json_path),
            meta=about,
            build=build,
            rows=rows,
            budgets=[b.__dict__ for b in found],
            consistency=[c.__dict__ for c in checked],
            bare_edition_html=bare.as_dict(),
            server_exceptions=dict(logs),
        )
        say(f"JSON: {config.json_path}")
    return 1 if any(not c.passed for c in checked) else 0


def run_from_environment() -> int:
    """The run `BenchConfig.environment()` describes; its temporary static files go with it."""
    config = BenchConfig.from_json(os.environ[CONFIG_VARIABLE])
    try:
        if config.classroom:
            from bench.classroom.runner import run as run_classroom  # it builds on this module

            return run_classroom(config)
        return run(config)
    finally:
        shutil.rmtree(config.static_root, ignore_errors=True)
