"""A consistent copy of the database while the site runs (docs/backup.md).

SQLite: the online backup API, safe with WAL and concurrent writers (copying the file is not).
PostgreSQL: pg_dump in its custom format, compressed, restored with pg_restore (restoredb).
"""

import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


def postgres_environment(settings_dict: dict) -> dict:
    """libpq's variables for the database of the settings; the password never on a command line."""
    import os

    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                          ("NAME", "PGDATABASE")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    if sslmode := settings_dict.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return env


class Command(BaseCommand):
    help = "Back up the database to DEST: an SQLite file, or a pg_dump archive (custom format) on PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, destination: Path, database: str, **options):
        connection = connections[database]
        destination.parent.mkdir(parents=True, exist_ok=True)
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(destination) as target:
                connection.connection.backup(target)
            target.close()
        elif connection.vendor == "postgresql":
            result = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(destination)],
                env=postgres_environment(connection.settings_dict), capture_output=True, text=True,
            )
            if result.returncode:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise CommandError(f"No backup for the {connection.vendor} engine.")
        self.stdout.write(f"Database backed up to {destination} ({destination.stat().st_size} bytes).")
