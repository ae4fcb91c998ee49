"""Every migration can be unapplied and applied again, on SQLite and on PostgreSQL."""

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from tests.factories import make_article, make_event, make_organisation, make_participation, make_person

OUR_APPS = ["news", "events", "people", "core"]


def applied() -> set[tuple[str, str]]:
    """Applied migrations, less those of the former "config" app that core's replace."""
    return {key for key in MigrationExecutor(connection).loader.applied_migrations if key[0] != "config"}


def tables() -> set[str]:
    return set(connection.introspection.table_names())


def search_configuration_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_ts_config WHERE cfgname = 'french_unaccent'")
        return cursor.fetchone()[0] == 1


class MigrationRoundTripTests(TransactionTestCase):
    serialized_rollback = True  # the Communication group and the Site come back for the next tests

    def test_all_apps_go_to_zero_and_back_to_a_working_site(self):
        everything = applied()
        graph = MigrationExecutor(connection).loader.graph
        self.assertEqual(everything, set(graph.nodes))
        our_tables = {model._meta.db_table for app in OUR_APPS for model in apps.get_app_config(app).get_models()}

        with_migrations = {label for label, _ in graph.nodes}
        for app in reversed(apps.get_app_configs()):
            if app.label in with_migrations:
                call_command("migrate", app.label, "zero", verbosity=0)
        self.assertEqual(applied(), set())
        self.assertFalse(our_tables & tables())
        if connection.vendor == "postgresql":
            self.assertFalse(search_configuration_exists())

        call_command("migrate", verbosity=0)
        self.assertEqual(applied(), everything)
        self.assertLessEqual(our_tables, tables())
        if connection.vendor == "postgresql":
            self.assertTrue(search_configuration_exists())
        self.assertTrue(Group.objects.get(name="Communication").permissions.filter(codename="change_article").exists())

        event = make_event(title="Congrès retrouvé")
        event.organisers.add(make_organisation())
        make_participation(event=event, person=make_person())
        make_article(title="Article retrouvé")
        self.assertContains(self.client.get("/"), "Article retrouvé")
        self.assertContains(self.client.get(event.get_absolute_url()), "Congrès retrouvé")
        self.assertEqual(self.client.get("/recherche/?q=retrouve").status_code, 200)
