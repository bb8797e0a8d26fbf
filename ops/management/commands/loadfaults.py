"""Load the site as it runs in production and break it on purpose: simulated students log in,
read, annotate, reply, edit and delete through gunicorn and PostgreSQL while, if asked, a
worker is killed, the app's database connections are ended, or PostgreSQL restarts; afterwards
the database must hold every write the students were told was saved.

Creates a PostgreSQL database of its own (its name must contain "bench", the guard the benchmark's
database code keeps), and drops it afterwards unless --keep. `--faults postgres` (and `all`)
RESTARTS the PostgreSQL server, which every database on it shares: a fast restart of a few
seconds; never in the tests.

    DEBUG=1 python manage.py loadfaults --quick --faults worker
    DEBUG=1 python manage.py loadfaults --students 32 --duration 60 --faults all
"""

import os
import tempfile

import dj_database_url
from django.core.management.base import BaseCommand, CommandError

from bench import database
from bench.child import run_module
from ops.loadfaults.config import (
    FAULT_CHOICES,
    FAULTS_OF,
    QUICK_DURATION,
    QUICK_STUDENTS,
    LoadFaultsConfig,
)
from ops.loadfaults.faults import FaultUnavailable, local_cluster

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"


class Command(BaseCommand):
    help = (
        "Simulated students against gunicorn + PostgreSQL for a fixed time, optionally while a "
        "worker is killed and PostgreSQL restarts; checks that no acknowledged write is lost. "
        "Uses a database of its own, dropped afterwards; --faults postgres|all restarts the "
        "PostgreSQL server."
    )

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, help="simulated students (32)")
        parser.add_argument("--duration", type=int, help="seconds of load (60)")
        parser.add_argument(
            "--faults",
            choices=FAULT_CHOICES,
            default="none",
            help="worker: SIGKILL one gunicorn worker; connections: PostgreSQL ends the app's "
            "connections; postgres: restart the PostgreSQL server; all: the three in turn",
        )
        parser.add_argument(
            "--quick",
            action="store_true",
            help=f"{QUICK_STUDENTS} students for {QUICK_DURATION} s (tests, development)",
        )
        parser.add_argument(
            "--database-url",
            default="",
            help=f"the run's PostgreSQL database, CREATED and DROPPED; its name must contain "
            f"'bench' (default: {DEFAULT_SERVER}/bench_loadfaults_<pid>)",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
        parser.add_argument("--json", default="", metavar="PATH", help="also write the figures")

    def handle(self, *args, **options):
        config = self._config(options)
        url = config.database_url
        if "postgres" in FAULTS_OF[config.faults]:
            try:
                cluster = local_cluster(url)
            except FaultUnavailable as error:
                raise CommandError(f"Cannot restart PostgreSQL here: {error}.") from error
            self.stdout.write(
                f"PostgreSQL {cluster.version}/{cluster.name} will be RESTARTED during the run "
                "(every database on it loses its connections for a few seconds)."
            )
        self.stdout.write(f"Database of this run: {database.describe(url)} (created now)")
        database.recreate(url)
        try:
            code = run_module(
                "ops.loadfaults",
                environment=config.environment(),
                write=self.stdout.write,
                interrupted="Interrupted; gunicorn is stopped.",
            )
        finally:
            if not options["keep"]:
                database.drop(url)
                self.stdout.write("Database dropped (use --keep to keep it).")
        if code:
            raise CommandError(f"The load-and-faults run failed (exit code {code}).")

    def _config(self, options) -> LoadFaultsConfig:
        quick = options["quick"]
        students = options["students"] or (QUICK_STUDENTS if quick else 32)
        duration = options["duration"] or (QUICK_DURATION if quick else 60)
        if students < 1 or duration < 1:
            raise CommandError("--students and --duration must be at least 1")
        url = options["database_url"] or f"{DEFAULT_SERVER}/bench_loadfaults_{os.getpid()}"
        if "postgresql" not in dj_database_url.parse(url)["ENGINE"]:
            raise CommandError("The run needs PostgreSQL: --database-url postgres://…")
        database.vendor(url)  # validates the name
        return LoadFaultsConfig(
            database_url=url,
            static_root=tempfile.mkdtemp(prefix="loadfaults-static-"),
            students=students,
            duration=duration,
            faults=options["faults"],
            seed=options["seed"],
            json_path=os.path.abspath(options["json"]) if options["json"] else "",
        )
