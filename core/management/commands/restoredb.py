"""Restore a backup made by backupdb into the configured database (docs/backup.md).

SQLite: the backup API copies the file into the database, replacing all of its content.
PostgreSQL: pg_restore into an empty database (createdb first); refused when it holds tables.
Stop the app servers first. Afterwards the content generation is new and the cache empty
(done here): no process serves a page cached from the database that was replaced.
"""

import sqlite3
import subprocess
from pathlib import Path

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from core.generation import content_changed

from .backupdb import postgres_environment


class Command(BaseCommand):
    help = "Restore the database from SOURCE, made by backupdb: an SQLite file or a pg_dump archive."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, source: Path, database: str, **options):
        if not source.is_file():
            raise CommandError(f"No backup at {source}.")
        connection = connections[database]
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup:
                backup.backup(connection.connection)
            backup.close()
        elif connection.vendor == "postgresql":
            if connection.introspection.table_names():
                raise CommandError(
                    f"The database {connection.settings_dict['NAME']} is not empty: restore into a new, empty one."
                )
            connection.close()
            result = subprocess.run(
                ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", connection.settings_dict["NAME"],
                 str(source)],
                env=postgres_environment(connection.settings_dict), capture_output=True, text=True,
            )
            if result.returncode:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        else:
            raise CommandError(f"No restore for the {connection.vendor} engine.")
        content_changed(database)
        cache.clear()
        self.stdout.write(f"Database restored from {source}.")
