"""Write a consistent copy of the database to PATH while the site keeps running.

SQLite: the online backup API, giving a SQLite file. PostgreSQL: pg_dump in its custom format
(needs the PostgreSQL client: `apt-get install postgresql-client`). An existing PATH is kept
unless --force. Put it back with `manage.py restore PATH`.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ops.backup import BackupError, database_backup, database_label


class Command(BaseCommand):
    help = "Back up the database to PATH (SQLite online backup, or pg_dump custom format)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file to write.")
        parser.add_argument("--force", action="store_true", help="Replace PATH if it exists.")
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database to back up (default: default).",
        )

    def handle(self, *args, path, force, database, **options):
        connection = connections[database]
        try:
            database_backup(connection, path, overwrite=force)
        except BackupError as error:
            raise CommandError(f"{error} Nothing was written.") from error
        size = path.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {database_label(connection)} to {path} ({size:,} bytes)."
            )
        )
