"""On PostgreSQL, at a size where the planner prefers an index, no list page scans a whole big table."""

import io
import re
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from events.models import Event
from news.models import Article
from people.models import Person
from tests.factories import make_user

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")

BIG_TABLES = ("news_article", "events_participation")


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


class QueryPlanTests(TransactionTestCase):
    """Outside a transaction, so that the generator's VACUUM ANALYZE leaves the statistics and the
    visibility map autovacuum keeps in production (counts read from indexes alone)."""

    serialized_rollback = True  # the groups made by migrations come back after the flush

    def setUp(self):
        # Big enough that a sequential scan loses to an index.
        call_command(
            "generate_bulk", "--articles=6000", "--events=400", "--people=3000", "--participations=40000",
            stdout=io.StringIO(),
        )
        self.admin = make_user(is_superuser=True)

    def test_no_list_page_scans_articles_or_participations(self):
        self.public_pages()
        self.admin_lists()

    def scans_in(self, client, url) -> list[str]:
        """Sequential scans of the big tables in the plans of every query the page runs."""
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        self.assertEqual(response.status_code, 200, url)
        scans = []
        for query in context.captured_queries:
            sql = query["sql"]
            if sql.startswith("SELECT") and any(table in sql for table in BIG_TABLES):
                for table in BIG_TABLES:
                    if re.search(rf"Seq Scan on {table}\b", plan(sql)):
                        scans.append(f"{table}: {sql[:300]}")
        return scans

    def public_pages(self):
        article = Article.objects.published().first()
        event = Event.objects.published().filter(participations__isnull=False).first()
        person = Person.objects.public().filter(participations__isnull=False).first()
        tag = Tag.objects.get(slug="friches")
        urls = [
            reverse("news:home"),
            reverse("news:article-list"),
            reverse("news:article-list") + "?page=40",
            reverse("news:article-year", kwargs={"year": article.published_at.year}),
            reverse("news:article-tag", kwargs={"tag": tag.slug}),
            article.get_absolute_url(),
            reverse("events:event-list"),
            reverse("events:past-event-list"),
            event.get_absolute_url(),
            reverse("people:person-list"),
            person.get_absolute_url(),
            reverse("tag-detail", kwargs={"slug": tag.slug}),
            reverse("search") + "?q=friches",
            reverse("news:rss"),
            reverse("events:rss"),
            reverse("events:ics"),
            reverse("sitemap"),
        ]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.scans_in(self.client, url), [])

    def admin_lists(self):
        self.client.force_login(self.admin)
        event = Event.objects.filter(participations__isnull=False).first()
        person = Person.objects.filter(participations__isnull=False).first()
        article = Article.objects.first()
        participations = reverse("admin:events_participation_changelist")
        urls = [
            reverse("admin:news_article_changelist"),
            reverse("admin:news_article_changelist") + "?status__exact=published",
            reverse("admin:events_event_changelist"),
            reverse("admin:events_participation_changelist"),
            reverse("admin:events_participation_changelist") + f"?event__id__exact={event.pk}",
            reverse("admin:events_participation_changelist") + "?role__exact=speaker&status__exact=confirmed",
            reverse("admin:people_person_changelist"),
            # The searches: trigram indexes, and the participations through their people and events.
            reverse("admin:news_article_changelist") + "?" + urlencode({"q": f'"{article.title}"'}),
            participations + "?" + urlencode({"q": person.last_name}),
            participations + "?" + urlencode({"q": f'"{event.title}"'}),
            participations + "?" + urlencode({"q": f"{person.first_name} {person.last_name}"}),
        ]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.scans_in(self.client, url), [])
