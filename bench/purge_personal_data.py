"""Benchmark: ``personal_data purge`` (people/personal_data.py) on a copy of the load dataset.

    .venv/bin/python bench/purge_personal_data.py [--source bassin_load] [--batch 500]

Copies the PostgreSQL database --source (made by bench/load.py: 50,000 people, 200,000
participations or more; nothing in it is changed) to bassin_rgpd_purge, migrates the copy, gives
every participation a note and every person an e-mail, then times on the copy: the dry run (what
falls due), the purge itself (people anonymised in batches, by the erasure's code), and a second
purge, which must find nothing. Prints rows a second. Exits 1 when the second run finds anything.
"""

import argparse
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
COPY = "bassin_rgpd_purge"


def copy_database(source: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [source]).fetchone():
            sys.exit(f"No database {source}: run bench/load.py first (it generates the load dataset).")
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(COPY)))
        began = time.perf_counter()
        try:  # fast, but only while nobody is connected to the source
            connection.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(COPY), sql.Identifier(source))
            )
        except psycopg.errors.ObjectInUse:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(COPY)))
            dump = subprocess.Popen(
                ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "-Fc", source], stdout=subprocess.PIPE
            )
            subprocess.run(
                ["pg_restore", "-h", "127.0.0.1", "-U", "postgres", "--no-owner", "-d", COPY],
                stdin=dump.stdout,
                check=True,
            )
            dump.wait()
    print(f"copied {source} to {COPY} in {time.perf_counter() - began:.1f} s")


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{COPY}"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ["DATABASE_STATEMENT_TIMEOUT"] = "0"
    os.environ["DATABASE_LOCK_TIMEOUT"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default="bassin_load")
    parser.add_argument("--batch", type=int, default=500)
    arguments = parser.parse_args()
    copy_database(arguments.source)
    setup_django()

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from events.models import Participation
    from people import personal_data
    from people.models import Person

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:  # something to purge in every row
        cursor.execute("UPDATE events_participation SET notes = 'Régime végétarien' WHERE notes = ''")
        cursor.execute("UPDATE people_person SET email = 'p' || id || '@example.org' WHERE email = ''")
        cursor.execute("ANALYZE")
    people, participations = Person.objects.count(), Participation.objects.count()
    print(f"{people} people, {participations} participations")

    now = timezone.now()
    began = time.perf_counter()
    report = personal_data.purge(now, dry_run=True)
    dry = time.perf_counter() - began
    print(
        f"dry run: {dry:.2f} s: {len(report.former_participants)} former participants and {len(report.inactive)} "
        f"inactive people to anonymise, {report.public_contacts} public contacts, {report.notes} notes, "
        f"{report.export_audits} export records"
    )

    began = time.perf_counter()
    report = personal_data.purge(now, batch_size=arguments.batch, by="bench")
    elapsed = time.perf_counter() - began
    touched = Participation.objects.filter(person__in=report.people).count()
    print(
        f"purge: {elapsed:.1f} s: {report.anonymised} people anonymised ({report.anonymised / elapsed:.0f} people/s, "
        f"with {touched} participations: {touched / elapsed:.0f} participations/s), "
        f"{report.public_contacts} public contacts and {report.notes} notes cleared"
    )

    began = time.perf_counter()
    again = personal_data.purge(timezone.now(), batch_size=arguments.batch)
    print(f"second purge: {time.perf_counter() - began:.2f} s, {len(again.people)} people, {again.notes} notes")
    if again.people or again.notes or again.public_contacts or again.export_audits:
        print("FAIL: the second purge found something: the purge is not idempotent")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
