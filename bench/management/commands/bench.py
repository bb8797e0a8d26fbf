"""Benchmark the edition as it runs in production: build a database with the real edition and
deterministic synthetic readers, start gunicorn, load it with wrk, and print one table.

DESTROYS the benchmark database it is given (its name must contain "bench") and rebuilds it,
unless --reuse; drops it afterwards unless --keep. The run itself happens in a child process
(`python -m bench`) under the production settings, so this command works from any settings.

    DEBUG=1 python manage.py bench --quick
    DEBUG=1 python manage.py bench --database-url postgres://postgres@127.0.0.1:5432/bench
    DEBUG=1 python manage.py bench --instances 2 --cache-url redis://127.0.0.1:6379/3 \\
        --database-url postgres://postgres@127.0.0.1:5432/bench
    DEBUG=1 python manage.py bench --classroom [--students 300] [--capacity] [--quick]

--classroom replaces wrk's scenarios with a seminar: distinct signed-in students reading,
writing and polling the live channel at once, driven by Locust (see bench/classroom/).
"""

import os
import tempfile

from django.core.management.base import BaseCommand, CommandError

from bench import database, load
from bench.child import run_module
from bench.config import DEFAULT_SQLITE, BenchConfig
from bench.data import QUICK, Sizes

CLASSROOM_STUDENTS = 300
QUICK_STUDENTS = 20


class Command(BaseCommand):
    help = (
        "Build a benchmark database (real edition + synthetic data), run gunicorn, load it with "
        "wrk per scenario beside a static-file baseline, and print requests/s, latency, errors, "
        "SQL queries and bytes per page. Drops and rebuilds the benchmark database."
    )

    def add_arguments(self, parser):
        full = Sizes()
        parser.add_argument(
            "--database-url",
            default=f"sqlite:///{DEFAULT_SQLITE}",
            help="SQLite or PostgreSQL URL; its name must contain 'bench' (default: %(default)s)",
        )
        parser.add_argument("--users", type=int, help=f"default {full.users:,}")
        parser.add_argument("--courses", type=int, help=f"default {full.courses}")
        parser.add_argument("--annotations", type=int, help=f"default {full.annotations:,}")
        parser.add_argument("--seed", type=int, default=full.seed)
        parser.add_argument("--duration", type=int, help="seconds of load per scenario (10)")
        parser.add_argument("--concurrency", type=int, default=8, help="wrk connections (8)")
        parser.add_argument(
            "--quick",
            action="store_true",
            help=f"{QUICK.users} users, {QUICK.courses} courses, {QUICK.annotations:,} "
            "annotations and 2 s per scenario (CI, development)",
        )
        parser.add_argument(
            "--instances", type=int, default=1, help="gunicorn instances on one database (1)"
        )
        parser.add_argument(
            "--cache-url",
            default="",
            help="redis:// URL of the cache the instances share, which is CLEARED first "
            "(default: none, each process caches for itself); never taken from CACHE_URL",
        )
        parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
        parser.add_argument(
            "--reuse", action="store_true", help="use the database a --keep run left; no build"
        )
        parser.add_argument("--json", default="", metavar="PATH", help="also write the results")
        parser.add_argument(
            "--classroom",
            action="store_true",
            help="instead of wrk's scenarios: distinct signed-in students of the courses read, "
            "write and poll the live channel at once (Locust, 2–8 s think time)",
        )
        parser.add_argument(
            "--students",
            type=int,
            help=f"--classroom: how many (default {CLASSROOM_STUDENTS}; {QUICK_STUDENTS} with "
            "--quick)",
        )
        parser.add_argument(
            "--capacity",
            action="store_true",
            help="--classroom: run 100, 200, 300, 500, 800 students until one misses the budget "
            "(every request type p95 < 200 ms, no errors)",
        )

    def handle(self, *args, **options):
        config = self._config(options)
        if not config.classroom and load.wrk_path() is None:
            raise CommandError(f"wrk is not installed. Install it with: {load.INSTALL_HINT}")
        url = config.database_url
        self.stdout.write(f"Benchmark database: {database.describe(url)}")
        if config.reuse:
            if not database.exists(url):
                raise CommandError("--reuse: there is no benchmark database; run with --keep first")
        else:
            self.stdout.write("   dropped and created again (destroys what was there)")
            database.recreate(url)
        try:
            code = run_module(
                "bench",
                environment=config.environment(),
                write=self.stdout.write,
                interrupted="Interrupted; the gunicorn instances are stopped.",
            )
        finally:
            if not options["keep"]:
                database.drop(url)
                self.stdout.write("Benchmark database dropped (use --keep to keep it).")
        if code:
            raise CommandError(f"The benchmark run failed (exit code {code}).")

    def _config(self, options) -> BenchConfig:
        base = QUICK if options["quick"] else Sizes()
        try:
            sizes = Sizes(
                users=options["users"] or base.users,
                courses=options["courses"] or base.courses,
                annotations=options["annotations"] or base.annotations,
                seed=options["seed"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        classroom = options["classroom"]
        if (options["students"] or options["capacity"]) and not classroom:
            raise CommandError("--students and --capacity belong to --classroom")
        if classroom and options["instances"] != 1:
            raise CommandError("--classroom runs one gunicorn instance (2 workers)")
        default = QUICK_STUDENTS if options["quick"] else CLASSROOM_STUDENTS
        students = options["students"] or default
        if students < 2:
            raise CommandError("--students: at least 2 (a note needs a classmate to arrive at)")
        instances, concurrency = options["instances"], options["concurrency"]
        if instances < 1 or concurrency < instances or concurrency % instances:
            raise CommandError("--concurrency must be a multiple of --instances (≥ 1)")
        if instances > 1 and not options["cache_url"]:
            raise CommandError(
                "Several instances need a shared cache: --cache-url redis://127.0.0.1:6379/3 "
                "(or set CACHE_URL / REDIS_URL)"
            )
        database.vendor(options["database_url"])  # validates the URL and its name
        return BenchConfig(
            database_url=options["database_url"],
            static_root=tempfile.mkdtemp(prefix="bench-static-"),
            sizes=sizes,
            duration=options["duration"] or _default_duration(classroom, options["quick"]),
            concurrency=concurrency,
            instances=instances,
            cache_url=options["cache_url"],
            reuse=options["reuse"],
            json_path=os.path.abspath(options["json"]) if options["json"] else "",
            classroom=classroom,
            students=students,
            capacity=options["capacity"],
        )


def _default_duration(classroom: bool, quick: bool) -> int:
    if classroom:
        return 15 if quick else 60
    return 2 if quick else 10
