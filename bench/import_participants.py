"""Benchmark: importing a list of 10,000 people into an event of the load dataset.

    .venv/bin/python bench/import_participants.py [--rows 10000] [--batch-size 500]

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bassin_load, the dataset of bench/load.py) is
created, migrated and filled by ``generate_bulk`` when it holds fewer people than --people (by
default a smaller dataset than load.py's: 50,000 people, 2,000 events, 200,000 participations;
load.py tops it up later). The list mixes what staff meet: people the database knows by e-mail
(20 %) or by name and organisation only (10 %, in capitals, no accents), people already taking part
(2 %), duplicate rows (1 %), rows in error (0.5 %, skipped) and new people, a tenth of them in new
organisations. Times the preview (``plan_import``) and the import (``import_table``: planned again,
written, committed), prints rows/s and the queries of each batch, then deletes what it wrote, so
that it can run again on the same data. Exits 1 when the import takes 60 s or more, or a batch takes
more than 4 queries to preview or 8 to write (whatever --batch-size).
"""

import argparse
import os
import random
import secrets
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bassin_load"
MAX_SECONDS = 60.0
MAX_WRITE_QUERIES = 8  # whatever the batch size


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def prepare(database_url: str, args) -> None:
    """Creates, migrates and fills the database the first time (as bench/load.py does)."""
    import psycopg
    from psycopg import sql

    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    if database_url.startswith("postgres"):
        name = database_url.rsplit("/", 1)[1].split("?")[0]
        with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created database {name}")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, cwd=BASE_DIR, check=True)
    count = subprocess.run(
        [*manage, "shell", "-c", "from people.models import Person; print(Person.objects.count())"],
        env=env,
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    if int(count) < args.people:
        began = time.monotonic()
        subprocess.run(
            [
                *manage,
                "generate_bulk",
                f"--articles={args.articles}",
                f"--events={args.events}",
                f"--people={args.people}",
                f"--participations={args.participations}",
            ],
            env=env,
            cwd=BASE_DIR,
            check=True,
        )
        print(f"dataset generated in {time.monotonic() - began:.0f} s")


def build_file(event, rows: int, seed: int) -> bytes:
    """A list as a partner sends it: UTF-8 with BOM, semicolons, French headers."""
    from core.text import fold
    from events.models import Participation
    from people.models import Organisation, Person

    rng = random.Random(seed)
    run = secrets.token_hex(3)
    participants = list(event.participations.values_list("person_id", flat=True)[: rows // 50])
    known = list(
        Person.objects.exclude(participations__event=event)
        .exclude(email="")
        .filter(organisation__isnull=False)
        .order_by("?")
        .values_list("first_name", "last_name", "email", "organisation__name")[: rows * 3 // 10]
    )
    organisations = list(Organisation.objects.order_by("?").values_list("name", flat=True)[:200])
    by_email, by_name = known[: rows // 5], known[rows // 5 :]
    lines = ["Nom;Prénom;Courriel;Organisme;Téléphone;Fonction"]
    for first, last, email, _organisation in by_email:
        lines.append(f"{last};{first};{email.upper()};;;")
    for first, last, _email, organisation in by_name:
        lines.append(f"{fold(last).upper()};{fold(first).upper()};;{organisation};;")
    for first, last, email in Person.objects.filter(pk__in=participants).values_list(
        "first_name", "last_name", "email"
    ):
        lines.append(f"{last};{first};{email};;;")
    new = rows - (len(lines) - 1) - rows // 100 - rows // 200
    for n in range(new):
        organisation = f"Association nouvelle {run} n° {n % 50}" if n % 10 == 0 else rng.choice(organisations)
        lines.append(
            f"Nouveau{n};Prénom{n % 97};nouveau.{run}.{n}@example.org;{organisation};03 21 08 {n % 100:02d} 00;"
            "chargée de mission"
        )
    lines += rng.sample(lines[1:], rows // 100)  # duplicates
    lines += [f"Erreur{n};Sans;pas-une-adresse;;;" for n in range(rows // 200)]
    assert Participation.objects.filter(event=event).exists() or not participants
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=1_000)
    parser.add_argument("--events", type=int, default=2_000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--participations", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    prepare(database_url, args)
    setup_django(database_url)
    from django.db import connection
    from django.db.models import Count, Max
    from django.test.utils import CaptureQueriesContext

    from events.importing import guess_mapping, import_table, plan_import, read_table
    from events.models import Event, Participation
    from people.models import Organisation, Person

    # An event of the dataset with a few hundred participants, the same one at each run.
    event = (
        Event.objects.filter(slug__startswith="gen-")
        .annotate(n=Count("participations"))
        .filter(n__gte=100)
        .order_by("pk")
        .first()
    )
    data = build_file(event, args.rows, args.seed)
    people_before = Person.objects.count()
    participations_before = event.participations.count()
    last_participation = Participation.objects.aggregate(n=Max("pk"))["n"] or 0
    print(
        f"{connection.vendor}: {people_before} people, event “{event.title}” ({participations_before} participants); "
        f"file of {args.rows} rows, {len(data) / 2**20:.1f} MB"
    )

    began = time.perf_counter()
    table = read_table(data)
    mapping = guess_mapping(table.headers)
    read = time.perf_counter() - began

    with CaptureQueriesContext(connection) as preview_queries:
        began = time.perf_counter()
        plan = plan_import(event, table, mapping, batch_size=args.batch_size)
        preview = time.perf_counter() - began
    batches = -(-len(table.rows) // args.batch_size)
    print(
        f"read and guess: {read:.2f} s; preview: {preview:.2f} s, {len(table.rows) / preview:,.0f} rows/s, "
        f"{len(preview_queries)} queries for {batches} batches"
    )
    print(
        "  "
        + ", ".join(f"{fate}: {count}" for fate, count in plan.counts.items())
        + f", new organisations: {len(plan.new_organisations)}"
    )

    marks = []
    result, failures = None, []
    try:
        with CaptureQueriesContext(connection) as write_queries:
            began = time.perf_counter()
            plan, result = import_table(
                event,
                table,
                mapping,
                skip_errors=True,
                batch_size=args.batch_size,
                on_batch=lambda done: marks.append(len(write_queries)),
            )
            elapsed = time.perf_counter() - began
        per_batch = [b - a for a, b in zip([0, *marks], marks, strict=False)]
        print(
            f"import (planned again, written, committed): {elapsed:.2f} s, {len(table.rows) / elapsed:,.0f} rows/s; "
            f"{result.participations} participations, {len(result.people)} people, "
            f"{len(result.organisations)} organisations"
        )
        print(f"  queries: {len(write_queries)} in all; write queries per batch: {per_batch}")
        if elapsed >= MAX_SECONDS:
            failures.append(f"the import took {elapsed:.1f} s (limit {MAX_SECONDS:.0f} s)")
        # The first mark holds the whole preview again (plan_import), then each batch writes: organisations
        # named for the first time (slugs, insert), people (slugs, insert), participations (insert).
        if max(per_batch[1:], default=0) > MAX_WRITE_QUERIES:
            failures.append(f"a batch took more than {MAX_WRITE_QUERIES} queries: {per_batch}")
        if len(preview_queries) > 4 * batches:
            failures.append(f"the preview took more than 4 queries per batch: {len(preview_queries)}")
    finally:
        if result is not None:  # leave the dataset as it was, for load.py and the next run
            Participation.objects.filter(event=event, pk__gt=last_participation).delete()
            Person.objects.filter(pk__in=result.people).delete()
            Organisation.objects.filter(pk__in=result.organisations).delete()
    assert Person.objects.count() == people_before and event.participations.count() == participations_before
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
