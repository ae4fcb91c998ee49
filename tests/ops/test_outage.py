"""When the database cannot answer, visitors get a French 503 page with Retry-After, and it is logged."""

import psycopg
import pytest
from django.db import connection
from django.test import Client, TransactionTestCase
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="locks and lock_timeout are PostgreSQL's")


class DatabaseUnavailableTests(TransactionTestCase):
    serialized_rollback = True  # the groups made by migrations come back after the flush

    def setUp(self):
        make_article(title="Les terrils classés")
        self.client = Client(raise_request_exception=False)  # as a server would: the handler answers

    def locker(self) -> psycopg.Connection:
        """Another session, as a migration holding a lock on the articles would be."""
        params = connection.settings_dict
        return psycopg.connect(
            dbname=params["NAME"], user=params["USER"], password=params["PASSWORD"] or None,
            host=params["HOST"] or None, port=params["PORT"] or None,
        )

    def test_a_table_locked_past_the_lock_timeout_gives_a_503_page(self):
        with self.locker() as locker:
            locker.execute("LOCK TABLE news_article IN ACCESS EXCLUSIVE MODE")
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '200ms'")
            try:
                with self.assertLogs("django.request", "ERROR") as logs:
                    response = self.client.get(reverse("news:article-list"))
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("RESET lock_timeout")
                locker.rollback()
        self.assertContains(response, "Le site est momentanément indisponible", status_code=503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertIn("lock timeout", "\n".join(logs.output))
        self.assertContains(self.client.get(reverse("news:article-list")), "Les terrils classés")  # lock gone
