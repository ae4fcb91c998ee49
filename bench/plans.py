"""Query plans at full size: every query of every public page and admin list, EXPLAINed.

    .venv/bin/python bench/plans.py          # the dataset of bench/load.py, prepared the same way

tests/pages/test_query_plans.py checks the plans on 6,000 articles and 40,000 participations, in the
test suite; this runs the same check on the issue's sizes (100,000 articles, 1,000,000
participations), where the planner's choices are the ones production will see. Each page is
requested through Django's test client with the production settings and the page cache
emptied; each SELECT it ran is EXPLAINed. Exits 1 when a plan reads news_article or
events_participation with a sequential scan.
"""

import os
import re
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))

from admin import BENCH_ENV, admin_pages, prepare, sizes  # noqa: E402

BIG_TABLES = ("news_article", "events_participation")


def public_pages() -> dict[str, str]:
    from django.urls import reverse
    from taggit.models import Tag

    from events.models import Event
    from news.models import Article
    from people.models import Person

    article = Article.objects.published().exclude(image="").first()
    event = Event.objects.published().filter(participations__isnull=False).first()
    person = Person.objects.public().filter(participations__isnull=False).first()
    tag = Tag.objects.get(slug="friches")
    return {
        "home": reverse("news:home"),
        "news list": reverse("news:article-list"),
        "news list, page 200": reverse("news:article-list") + "?page=200",
        "news of a year": reverse("news:article-year", kwargs={"year": article.published_at.year}),
        "news of a tag": reverse("news:article-tag", kwargs={"tag": tag.slug}),
        "article": article.get_absolute_url(),
        "agenda": reverse("events:event-list"),
        "archives": reverse("events:past-event-list"),
        "event": event.get_absolute_url(),
        "people": reverse("people:person-list"),
        "person": person.get_absolute_url(),
        "tag": reverse("tag-detail", kwargs={"slug": tag.slug}),
        "search": reverse("search") + "?q=friches",
        "news RSS": reverse("news:rss"),
        "events RSS": reverse("events:rss"),
        "calendar": reverse("events:ics"),
        "sitemap index": reverse("sitemap"),
    }


def main() -> int:
    args = sizes().parse_args()
    os.environ.update(BENCH_ENV)
    prepare(os.environ, args)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    anonymous, staff = Client(), Client()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    staff.force_login(user)
    pages = [(anonymous, name, url) for name, url in public_pages().items()]
    pages += [(staff, name, url) for name, url in admin_pages().items()]

    failures = []
    print(f"{'page':<28} {'queries':>8} {'seq scans of big tables':>24}")
    for client, name, url in pages:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        scans = []
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.startswith("SELECT") or not any(table in sql for table in BIG_TABLES):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            scans += [table for table in BIG_TABLES if re.search(rf"Seq Scan on {table}\b", plan)]
        print(f"{name:<28} {len(queries.captured_queries):>8} {', '.join(scans) or '-':>24}")
        if response.status_code != 200:
            failures.append(f"{name}: answered {response.status_code} ({url})")
        if scans:
            failures.append(f"{name}: sequential scan of {', '.join(scans)} ({url})")
    if failures:
        print("\nTARGETS MISSED:\n  " + "\n  ".join(failures))
        return 1
    print("\nNo sequential scan of articles or participations.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
