"""Replace the database's contents with the backup at PATH (made by `manage.py backup`).

DESTRUCTIVE with --force: a database that holds data is refused unless --force, and then its
data is replaced by the backup's. Stop the app servers first. SQLite: the online backup API
copies the file over the configured database. PostgreSQL: pg_restore in one transaction (all or
nothing), dropping the backup's tables first where they exist (needs the PostgreSQL client:
`apt-get install postgresql-client`). The restored database has the backup's migrations; run
`manage.py migrate` afterwards when the code is newer than the backup.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ops.backup import BackupError, database_label, database_restore


class Command(BaseCommand):
    help = "Restore the database from a backup made by `backup` (refuses a non-empty one)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file to restore.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the data of a database that is not empty.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database to restore into."
        )

    def handle(self, *args, path, force, database, **options):
        connection = connections[database]
        try:
            database_restore(connection, path, force=force)
        except BackupError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        self.stdout.write(self.style.SUCCESS(f"Restored {database_label(connection)} from {path}."))
