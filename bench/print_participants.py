"""Benchmark: print_participants for 1,000 participants, each sheet (sign-in sheet, badges).

    .venv/bin/python bench/print_participants.py [--participants 1000] [--repeat 3]

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bassin_bench) is created if missing and
migrated; one event with --participants participants (French, German and Vietnamese names, long
organisations, a speaker in ten) is inserted once and reused on later runs. Times the whole command
(query, layout, PDF, atomic write) and prints the best of --repeat runs for each sheet; exits 1
when a sheet takes more than 10 seconds.
"""

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bassin_bench"
EVENT_SLUG = "bench-print-participants"
MAX_SECONDS = 10.0

FIRST_NAMES = ["Émilie", "Thị Ánh", "Jean-Marie", "Anaïs", "Jürgen", "Hélène", "Marie-Christophe", "Ève", "François"]
LAST_NAMES = ["Œillet", "Nguyễn", "Großmann", "Lefèvre", "de La Rochefoucauld-Liancourt", "Zola", "Ångström", "Dupont"]
ORGANISATIONS = [
    "Communauté d’agglomération de Lens-Liévin",
    "Établissement public foncier des Hauts-de-France, direction de l’aménagement et du renouvellement urbain",
    "Université de Hanoï",
    "Stadtwerke Gelsenkirchen",
    "Mission Bassin Minier",
]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def create_database(database_url: str) -> None:
    if not database_url.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    name = database_url.rsplit("/", 1)[1].split("?")[0]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def fill(participants: int):
    """One event with `participants` people taking part; kept from one run to the next."""
    from django.db import transaction
    from django.utils import timezone

    from events.models import Event, Participation
    from people.models import Organisation, Person

    start = timezone.now()
    event, _ = Event.objects.get_or_create(
        slug=EVENT_SLUG,
        defaults={
            "title": "Congrès international sur la requalification des friches industrielles – benchmark",
            "start": start,
            "end": start,
            "venue": "Centre des congrès",
            "city": "Thetford Mines",
            "region": "Québec",
            "country": "Canada",
        },
    )
    if event.participations.count() == participants:
        print(f"reusing {participants} participants of {EVENT_SLUG}")
        return event
    with transaction.atomic():
        event.participations.all().delete()
        Person.objects.filter(slug__startswith="bench-print-", participations__isnull=True).delete()
        organisations = list(Organisation.objects.filter(slug__startswith="bench-print-org-")) or (
            Organisation.objects.bulk_create(
                Organisation(name=name, slug=f"bench-print-org-{n}") for n, name in enumerate(ORGANISATIONS)
            )
        )
        people = Person.objects.bulk_create(
            Person(
                first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
                last_name=f"{LAST_NAMES[n % len(LAST_NAMES)]} {n}",
                slug=f"bench-print-{n}",
                organisation=organisations[n % len(organisations)],
            )
            for n in range(participants)
        )
        roles = [Participation.Role.SPEAKER, Participation.Role.ORGANISER] + [Participation.Role.ATTENDEE] * 8
        Participation.objects.bulk_create(
            Participation(
                event=event,
                person=person,
                organisation=person.organisation,
                role=roles[n % len(roles)],
                status=Participation.Status.CONFIRMED,
            )
            for n, person in enumerate(people)
        )
    print(f"inserted {participants} participants")
    return event


def time_sheet(sheet: str, directory: Path) -> tuple[float, int]:
    from django.core.management import call_command

    target = directory / f"{sheet}.pdf"
    began = time.perf_counter()
    call_command("print_participants", EVENT_SLUG, "--sheet", sheet, "--output", str(target), verbosity=0)
    return time.perf_counter() - began, target.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    create_database(database_url)
    setup_django(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    event = fill(args.participants)
    failed = False
    with tempfile.TemporaryDirectory() as directory:
        for sheet in ("signin", "badges"):
            runs = [time_sheet(sheet, Path(directory)) for _ in range(args.repeat)]
            best = min(seconds for seconds, _size in runs)
            size = runs[-1][1]
            failed |= best > MAX_SECONDS
            print(
                f"{sheet}: {event.participations.count()} participants in {best:.2f} s "
                f"(best of {args.repeat}; {size / 1024:.0f} KiB)"
            )
    if failed:
        print(f"FAILED: a sheet took more than {MAX_SECONDS:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
