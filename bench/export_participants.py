"""Benchmark: the export_participants command against PostgreSQL's own COPY, same run, same data;
then the same rows as XLSX against the CSV export.

    .venv/bin/python bench/export_participants.py [--rows 100000] [--repeat 5]

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bassin_bench) is created if missing and
migrated; one event with --rows participants is inserted once and reused on later runs. Exits 1
when the CSV command takes more than 3 × COPY's time or its peak RSS grows by 30 MB or more, or
when the XLSX command takes 4 × the CSV command's time or more or its peak RSS grows by 50 MB or more.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bassin_bench"
EVENT_SLUG = "bench-export-participants"
MAX_RATIO = 3.0
MAX_GROWTH_MB = 30.0
MAX_XLSX_RATIO = 4.0  # × the CSV command
MAX_XLSX_GROWTH_MB = 50.0

FIRST_NAMES = ["Émilie", "Zoé", "Jean-Marie", "Anaïs", "Loïc", "Hélène", "Bruno", "Ève", "François", "Camille"]
LAST_NAMES = ["Éluard", "Zola", "Dupont", "Lefèvre", "Œillet", "Durand", "Ångström", "Morel", "Duquesne", "Lemaire"]
JOBS = ["chargée de mission", "directeur ; adjoint", "=1+1", "élue, déléguée", '"cheffe" de projet', "-"]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def create_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    name = database_url.rsplit("/", 1)[1].split("?")[0]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def fill(rows: int):
    """One event with `rows` participants; kept from one run to the next."""
    from django.db import connection, transaction
    from django.utils import timezone

    from events.models import Event, Participation
    from people.models import Organisation, Person

    start = timezone.now()
    event, _ = Event.objects.get_or_create(
        slug=EVENT_SLUG,
        defaults={"title": "Congrès « Bassin minier » – benchmark", "start": start, "end": start},
    )
    if event.participations.count() == rows:
        print(f"reusing {rows} participants of {EVENT_SLUG}")
        return event
    began = time.perf_counter()
    with transaction.atomic():
        event.participations.all().delete()
        Person.objects.filter(slug__startswith="bench-person-", participations__isnull=True).delete()
        organisations = (
            Organisation.objects.bulk_create(
                Organisation(name=f"Communauté d’agglomération n° {n}", slug=f"bench-org-{n}") for n in range(50)
            )
            if not Organisation.objects.filter(slug="bench-org-0").exists()
            else list(Organisation.objects.filter(slug__startswith="bench-org-"))
        )
        batch = 10_000
        for offset in range(0, rows, batch):
            people = Person.objects.bulk_create(
                Person(
                    first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
                    last_name=f"{LAST_NAMES[n % len(LAST_NAMES)]} {n}",
                    slug=f"bench-person-{n}",
                    job_title=JOBS[n % len(JOBS)],
                    email=f"personne{n}@example.org",
                    phone="+33 3 21 08 72 72",
                    organisation=organisations[n % len(organisations)],
                )
                for n in range(offset, min(rows, offset + batch))
            )
            Participation.objects.bulk_create(
                Participation(
                    event=event,
                    person=person,
                    organisation=person.organisation,
                    role=Participation.Role.ATTENDEE if n % 10 else Participation.Role.SPEAKER,
                    status=Participation.Status.CONFIRMED,
                    talk_title="" if n % 10 else f"Intervention n° {n} : friches, « trame verte » ; suite",
                    created=start,
                )
                for n, person in zip(range(offset, offset + batch), people, strict=False)
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"inserted {rows} participants in {time.perf_counter() - began:.1f} s")
    return event


def time_copy(event) -> float:
    """PostgreSQL's own COPY of the same columns, read to the end by the client."""
    from django.db import connection

    statement = (
        "COPY (SELECT person.last_name, person.first_name, organisation.name, person.job_title, "
        "participation.role, participation.talk_title, person.email, person.phone, participation.status, "
        "participation.created, event.title "
        "FROM events_participation participation "
        "JOIN people_person person ON person.id = participation.person_id "
        "JOIN events_event event ON event.id = participation.event_id "
        "LEFT JOIN people_organisation organisation ON organisation.id = participation.organisation_id "
        "WHERE participation.event_id = %s ORDER BY person.last_name, person.first_name) TO STDOUT WITH CSV"
    )
    connection.ensure_connection()
    began = time.perf_counter()
    size = 0
    with connection.connection.cursor() as cursor, cursor.copy(statement, [event.pk]) as copy:
        for data in copy:
            size += len(data)
    assert size
    return time.perf_counter() - began


def time_command(event, directory: Path, format: str = "excel") -> float:
    from django.core.management import call_command

    target = directory / f"participants.{'xlsx' if format == 'xlsx' else 'csv'}"
    began = time.perf_counter()
    call_command("export_participants", event.slug, "--format", format, "--output", str(target), verbosity=0)
    elapsed = time.perf_counter() - began
    assert target.stat().st_size
    return elapsed


def time_portable(event) -> float:
    """For the record: the ORM source on PostgreSQL, which SQLite uses."""
    from events.exporters import ParticipantExporter

    exporter = ParticipantExporter(event.participations.all(), use_copy=False)
    began = time.perf_counter()
    for _chunk in exporter.stream():
        pass
    return time.perf_counter() - began


def rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def memory_probe(database_url: str, format: str) -> None:
    """Run in a fresh process: peak RSS growth (Linux VmHWM, reset before) and Python heap peak."""
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    import events.management.commands.export_participants  # noqa: F401

    connection.ensure_connection()
    Path("/proc/self/clear_refs").write_text("5")  # the high-water mark starts again from here
    before = rss_mb("VmRSS")
    tracemalloc.start()
    with tempfile.TemporaryDirectory() as directory:
        target = f"{directory}/p.{format}"
        call_command("export_participants", EVENT_SLUG, "--format", format, "--output", target, verbosity=0)
        size = Path(target).stat().st_size
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{rss_mb('VmHWM') - before:.2f} {peak / 1024 / 1024:.2f} {size}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--memory-probe", metavar="FORMAT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if args.memory_probe:
        memory_probe(database_url, args.memory_probe)
        return 0

    create_database(database_url)
    setup_django(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    event = fill(args.rows)

    with tempfile.TemporaryDirectory() as directory:
        time_copy(event), time_command(event, Path(directory))  # warm the caches
        copy_times, command_times, xlsx_times = [], [], []
        for _ in range(args.repeat):
            copy_times.append(time_copy(event))
            command_times.append(time_command(event, Path(directory)))
            xlsx_times.append(time_command(event, Path(directory), "xlsx"))
    portable = time_portable(event)
    copy_time, command_time = statistics.median(copy_times), statistics.median(command_times)
    xlsx_time = statistics.median(xlsx_times)
    ratio, xlsx_ratio = command_time / copy_time, xlsx_time / command_time

    def probe(format):
        result = subprocess.run(
            [sys.executable, __file__, "--memory-probe", format],
            env={**os.environ, "DATABASE_URL": database_url},
            capture_output=True,
            text=True,
            check=True,
        )
        rss_growth, heap_peak, size = result.stdout.split()
        return float(rss_growth), float(heap_peak), int(size)

    rss_growth, heap_peak, size = probe("excel")
    xlsx_growth, xlsx_heap, xlsx_size = probe("xlsx")

    print(f"rows: {args.rows}, file: {size / 1024 / 1024:.1f} MB, median of {args.repeat} runs")
    print(f"COPY (same columns, plain CSV):       {copy_time:.3f} s")
    print(f"export_participants --output FILE:    {command_time:.3f} s  ({ratio:.2f} × COPY, target ≤ {MAX_RATIO})")
    print(f"portable ORM source, for the record:  {portable:.3f} s  ({portable / copy_time:.2f} × COPY)")
    print(f"peak RSS growth of one export:        {rss_growth:.1f} MB (VmHWM - VmRSS; target < {MAX_GROWTH_MB:.0f} MB)")
    print(f"peak Python heap (tracemalloc):       {heap_peak:.1f} MB")
    print(f"XLSX: export_participants --format xlsx, file {xlsx_size / 1024 / 1024:.1f} MB")
    print(
        f"  time:                               {xlsx_time:.3f} s  ({xlsx_ratio:.2f} × the CSV command, "
        f"target < {MAX_XLSX_RATIO})"
    )
    print(f"  peak RSS growth:                    {xlsx_growth:.1f} MB (target < {MAX_XLSX_GROWTH_MB:.0f} MB)")
    print(f"  peak Python heap (tracemalloc):     {xlsx_heap:.1f} MB")
    failed = ratio > MAX_RATIO or rss_growth >= MAX_GROWTH_MB
    failed = failed or xlsx_ratio >= MAX_XLSX_RATIO or xlsx_growth >= MAX_XLSX_GROWTH_MB
    print("FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
