"""With a read replica, public reads go to it and writes, and the writer's next reads, to the primary.

The test replica is a second connection to the test database (TEST MIRROR in tests/settings.py).
"""

import contextvars
import time

from django.db import connections
from django.test import SimpleTestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext

from config.routers import PrimaryReplicaRouter, primary
from news.models import Article
from people.models import Organisation, Person
from tests.factories import make_article, make_user


def routed():
    from django.conf import settings

    return override_settings(
        DATABASE_ROUTERS=["config.routers.PrimaryReplicaRouter"],
        MIDDLEWARE=["config.routers.PinPrimaryMiddleware", *settings.MIDDLEWARE],
    )


class Queries:
    """Counts the queries each connection runs inside the block."""

    def __enter__(self):
        self.contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in ("default", "replica")}
        for context in self.contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc):
        for context in self.contexts.values():
            context.__exit__(*exc)

    def __getitem__(self, alias):
        return len(self.contexts[alias].captured_queries)


class RouterRuleTests(SimpleTestCase):
    def setUp(self):
        self.router = PrimaryReplicaRouter()

    def test_reads_go_to_the_replica_and_writes_to_the_primary(self):
        with primary():
            pass  # unpinned again after the block
        self.assertEqual(self.router.db_for_read(Article), "replica")
        with primary():
            self.assertEqual(self.router.db_for_read(Article), "default")
        self.assertEqual(self.router.db_for_write(Article), "default")

    def test_objects_from_either_side_may_be_related_and_only_the_primary_is_migrated(self):
        person, organisation = Person(first_name="Camille", last_name="Martin"), Organisation(name="Ville de Lens")
        person._state.db, organisation._state.db = "default", "replica"
        self.assertTrue(self.router.allow_relation(person, organisation))
        self.assertTrue(self.router.allow_migrate("default", "news"))
        self.assertFalse(self.router.allow_migrate("replica", "news"))


class RoutedRequestTests(TransactionTestCase):
    databases = {"default", "replica"}
    serialized_rollback = True

    def test_an_anonymous_reader_is_served_by_the_replica_a_second_connection_to_the_same_data(self):
        make_article(title="Réunion du comité de bassin")
        self.assertIsNot(connections["replica"], connections["default"])
        with routed(), Queries() as queries:
            response = self.client.get("/")
        self.assertContains(response, "Réunion du comité de bassin")
        self.assertGreater(queries["replica"], 0)
        self.assertEqual(queries["default"], 0)

    def test_just_after_a_write_anywhere_everybody_reads_from_the_primary_for_a_while(self):
        article = make_article(title="Avant")
        with routed(), primary():
            Article.objects.filter(pk=article.pk).update(title="Après")
        with routed(), Queries() as queries:
            self.assertContains(self.client.get("/"), "Après")
        self.assertEqual(queries["replica"], 0)

        with routed(), self.settings(REPLICA_LAG_SECONDS=0), primary():
            Article.objects.filter(pk=article.pk).update(title="Bien après")
        time.sleep(0.01)
        with routed(), Queries() as queries:
            self.assertContains(self.client.get("/actualites/"), "Bien après")
        self.assertEqual(queries["default"], 0)

    def test_an_editor_reads_from_the_primary_and_a_save_is_read_back_from_it(self):
        article = make_article(title="Avant")
        editor = make_user(is_superuser=True)
        self.client.force_login(editor)
        with routed(), Queries() as queries:
            response = self.client.get(f"/admin/news/article/{article.pk}/change/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(queries["replica"], 0)

    def test_outside_a_request_a_write_pins_the_reads_that_follow_to_the_primary(self):
        article = make_article(title="Avant")
        with routed(), Queries() as queries, primary():
            self.assertEqual(Article.objects.get(pk=article.pk).title, "Avant")
        self.assertEqual((queries["default"], queries["replica"]), (1, 0))

        def write_then_read():
            with Queries() as queries:
                before = Article.objects.get(pk=article.pk).title
                Article.objects.filter(pk=article.pk).update(title="Après")
                after = Article.objects.get(pk=article.pk).title
            return before, after, queries

        with routed():
            before, after, queries = contextvars.copy_context().run(write_then_read)
        self.assertEqual((before, after), ("Avant", "Après"))
        self.assertEqual((queries["replica"], queries["default"]), (1, 2))
