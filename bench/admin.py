"""The admin at scale: change lists, filters, searches and autocompletes, timed on the load dataset.

    .venv/bin/python bench/admin.py                    # the issue's sizes (shared with bench/load.py)
    .venv/bin/python bench/admin.py --articles 2000 --events 200 --people 1000 --participations 20000

Prepares DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bassin_load) as bench/load.py
does (migrate, generate_bulk tops it up, collectstatic), then, in this process with the
production settings (DEBUG=0), logs in a superuser and requests each admin page through
Django's test client: once cold, then --repeat times. Prints the first and the median time,
the number of queries and the slowest query of each page.

Exits 1 when a page answers anything but 200, or its median time reaches --limit (500 ms by
default: "well under a second"). Times are the server's alone: no network, no browser.

The admin home (the newsroom: drafts, scheduled and leaving items, upcoming events and their
participants, the latest changes and exports) is measured as the superuser and as an editor of the
"Communication" group, with its queries printed: it must stay within --index-queries (12) and its
median under --index-limit (200 ms). The history and the export log it reads are topped up first
(--revisions, default 20,000 revisions, and 2,000 exports), as generate_bulk makes neither.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bassin_load"
# The production settings, in this process: DEBUG off, no Redis (the page cache is emptied at will).
BENCH_ENV = {
    "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_URL),
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "0",
    "HTTPS": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "testserver",
    "MEDIA_ROOT": os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "bench-media")),
    "STATIC_ROOT": os.environ.get("STATIC_ROOT", str(BASE_DIR / "var" / "bench-static")),
    "REDIS_URL": "",
    "REQUIRE_2FA": "0",  # the pages are measured, not the sign-in (tests/core/test_two_factor.py)
}


def sizes() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--participations", type=int, default=1_000_000)
    return parser


def prepare(env, args) -> None:
    """As bench/load.py does: create and migrate the database, top it up, collect static files."""
    sys.path.insert(0, str(BASE_DIR / "bench"))
    from load import ensure_database

    ensure_database(env["DATABASE_URL"])
    for command in (
        ["migrate", "--verbosity", "0"],
        [
            "generate_bulk",
            f"--articles={args.articles}",
            f"--events={args.events}",
            f"--people={args.people}",
            f"--participations={args.participations}",
        ],
        ["collectstatic", "--noinput", "--verbosity", "0"],
    ):
        subprocess.run([sys.executable, "manage.py", *command], env=env, cwd=BASE_DIR, check=True)


def admin_pages() -> dict[str, str]:
    """What a communications officer opens, with words taken from the data itself."""
    from django.urls import reverse

    from events.models import Event, Participation
    from people.models import Person

    person = Person.objects.filter(participations__isnull=False).order_by("pk").first()
    event = Event.objects.filter(participations__isnull=False).order_by("pk").first()
    word = event.title.split()[0]
    participations = reverse("admin:events_participation_changelist")
    people = reverse("admin:people_person_changelist")
    articles = reverse("admin:news_article_changelist")
    events = reverse("admin:events_event_changelist")
    autocomplete = reverse("admin:autocomplete")

    def q(url, **params):
        return url + "?" + urlencode(params)

    return {
        "index (newsroom)": reverse("admin:index"),
        "articles": articles,
        "articles, page 500": q(articles, p=499),
        "articles, drafts": q(articles, status__exact="draft"),
        "articles, search": q(articles, q="friches"),
        "articles, search (rare)": q(articles, q="zzqx"),
        "events": events,
        "events, search": q(events, q=word),
        "participations": participations,
        "participations, one event": q(participations, event__id__exact=event.pk),
        "participations, speakers": q(participations, role__exact=Participation.Role.SPEAKER),
        "participations, last name": q(participations, q=person.last_name),
        "participations, full name": q(participations, q=f"{person.first_name} {person.last_name}"),
        "participations, event word": q(participations, q=word),
        "participations, no match": q(participations, q="zzqx"),
        "people": people,
        "people, search": q(people, q=person.last_name),
        "person, change form": reverse("admin:people_person_change", args=[person.pk]),
        "event, change form": reverse("admin:events_event_change", args=[event.pk]),
        "autocomplete, person": q(
            autocomplete, app_label="events", model_name="participation", field_name="person", term=person.last_name[:3]
        ),
        "autocomplete, event": q(
            autocomplete, app_label="events", model_name="participation", field_name="event", term=word[:4]
        ),
    }


def top_up_history(revisions: int, exports: int, users) -> None:
    """Versions of generated articles and events, signed by the bench's users or by a command, and
    participant exports: the admin home reads the newest of them. Serialised as reversion does, so
    that the rows weigh what real ones weigh."""
    from django.core import serializers
    from django.db import connection, transaction
    from django.utils import timezone
    from reversion.models import Revision, Version

    from events.models import Event, ParticipantExport
    from news.models import Article

    now = timezone.now()
    missing = revisions - Revision.objects.count()
    if missing > 0:
        articles = list(Article.objects.order_by("-pk")[: missing * 3 // 4])
        events = list(Event.objects.order_by("-pk")[: missing - len(articles)])
        objects = articles + events
        with transaction.atomic():
            made = Revision.objects.bulk_create(
                Revision(
                    date_created=now - timezone.timedelta(minutes=7 * n),
                    user=users[n % len(users)],
                    comment="Correction du titre" if n % 5 == 0 else "",
                )
                for n in range(len(objects))
            )
            Version.objects.bulk_create(
                (
                    Version(
                        revision=revision,
                        object_id=str(obj.pk),
                        content_type_id=content_type(obj),
                        db="default",
                        format="json",
                        serialized_data=serializers.serialize("json", [obj]),
                        object_repr=str(obj)[:191],
                    )
                    for revision, obj in zip(made, objects, strict=True)
                ),
                batch_size=2000,
            )
        print(f"history: {len(objects)} revisions added")
    missing = exports - ParticipantExport.objects.count()
    if missing > 0:
        slugs = list(Event.objects.order_by("pk").values_list("slug", flat=True)[:missing])
        ParticipantExport.objects.bulk_create(
            ParticipantExport(
                created=now - timezone.timedelta(hours=n),
                user=users[n % len(users)],
                username=(users[n % len(users)] or users[0]).get_username(),
                source=ParticipantExport.Source.EVENT_PAGE,
                events=[slugs[n % len(slugs)]],
                format=ParticipantExport.Format.EXCEL,
                row_count=100,
                completed=True,
            )
            for n in range(missing)
        )
        print(f"exports: {missing} added")
    with connection.cursor() as cursor:  # statistics for the planner, as autovacuum would keep them
        cursor.execute("ANALYZE reversion_revision, reversion_version, events_participantexport")


def content_type(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def measure(client, url: str, repeat: int):
    """(times in ms, the last run's queries, the last response)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(1 + repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
    return times, queries.captured_queries, response


def main() -> int:
    parser = sizes()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--limit", type=float, default=500.0, help="milliseconds, median")
    parser.add_argument("--index-limit", type=float, default=200.0, help="the admin home's median, milliseconds")
    parser.add_argument("--index-queries", type=int, default=12, help="the admin home's most queries")
    parser.add_argument("--revisions", type=int, default=20_000, help="versions in the history")
    args = parser.parse_args()

    os.environ.update(BENCH_ENV)
    prepare(os.environ, args)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.urls import reverse

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    editor, _ = get_user_model().objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
    editor.groups.add(Group.objects.get(name="Communication"))
    top_up_history(args.revisions, 2000, [user, editor, None])
    client = Client()
    client.force_login(user)
    editor_client = Client()
    editor_client.force_login(editor)

    index = reverse("admin:index")
    pages = [(name, client, url) for name, url in admin_pages().items()]
    pages.insert(1, ("index (newsroom), editor", editor_client, index))
    failures = []
    index_queries = {}
    print(f"{'page':<28} {'first ms':>9} {'median ms':>10} {'queries':>8} {'slowest query ms':>17}")
    for name, page_client, url in pages:
        times, queries, response = measure(page_client, url, args.repeat)
        slowest = max((float(query["time"]) * 1000 for query in queries), default=0)
        median = statistics.median(times[1:])
        print(f"{name:<28} {times[0]:>9.0f} {median:>10.0f} {len(queries):>8} {slowest:>17.0f}")
        if response.status_code != 200:
            failures.append(f"{name}: answered {response.status_code} ({url})")
        limit = args.index_limit if url == index else args.limit
        if median >= limit:
            failures.append(f"{name}: {median:.0f} ms ≥ {limit:.0f} ms ({url})")
        if url == index:
            index_queries[name] = queries
            if len(queries) > args.index_queries:
                failures.append(f"{name}: {len(queries)} queries > {args.index_queries}")
    for name, queries in index_queries.items():
        print(f"\n{name}: {len(queries)} queries")
        for query in queries:
            print(f"  {float(query['time']) * 1000:>6.1f} ms  {query['sql'][:160]}")
    if failures:
        print("\nTARGETS MISSED:\n  " + "\n  ".join(failures))
        return 1
    print(f"\nEvery page under {args.limit:.0f} ms.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
