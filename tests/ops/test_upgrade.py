"""A database made by an earlier version migrates forward and loses nothing, on SQLite and PostgreSQL."""

import io
from datetime import timedelta

from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import ProtectedError
from django.test import TransactionTestCase
from django.utils import timezone

from core.models import ContentGeneration
from events.models import Event, Organiser, ProgrammeItem, Speaker
from people.models import Organisation, Person

BEFORE_THROUGH_MODELS = [("events", "0007_trigram_indexes")]
LINK_TABLES = ["events_event_organisers", "events_programmeitem_speakers"]


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def table_identity(table: str):
    """Changes when the table is rebuilt (made anew and the rows copied over)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT %s::regclass::oid", [table])
        else:
            cursor.execute("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        return cursor.fetchone()[0]


def unique_constraints(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name: c["columns"] for name, c in constraints.items() if c["unique"] and not c["primary_key"]}


class OrganisersAndSpeakersUpgradeTests(TransactionTestCase):
    """Organisers and speakers made by the plain many-to-many fields (before events 0008)."""

    serialized_rollback = True  # the Communication group and the Site come back for the next tests

    def setUp(self):
        self.addCleanup(call_command, "migrate", verbosity=0)  # never leave the database behind
        old = migrate_to(BEFORE_THROUGH_MODELS)
        start = timezone.now() + timedelta(days=30)
        OldOrganisation, OldPerson = old.get_model("people", "Organisation"), old.get_model("people", "Person")
        OldEvent, OldItem = old.get_model("events", "Event"), old.get_model("events", "ProgrammeItem")
        self.city = OldOrganisation.objects.create(name="Ville de Thetford Mines", slug="ville-de-thetford-mines")
        self.mission = OldOrganisation.objects.create(name="Mission Bassin Minier", slug="mission-bassin-minier")
        self.bertram = OldPerson.objects.create(first_name="Catherine", last_name="Bertram", slug="catherine-bertram")
        self.event = OldEvent.objects.create(
            title="Congrès de Thetford Mines", slug="congres-de-thetford-mines", start=start, end=start + timedelta(days=1)
        )
        self.event.organisers.add(self.city, self.mission)
        self.keynote = OldItem.objects.create(event=self.event, title="Ouverture", start=start)
        self.keynote.speakers.add(self.bertram)
        self.identities = {table: table_identity(table) for table in LINK_TABLES}

    def test_the_links_are_kept_and_now_protect_who_they_name(self):
        call_command("migrate", verbosity=0)

        event = Event.objects.get(pk=self.event.pk)
        self.assertEqual(sorted(o.name for o in event.organisers.all()), ["Mission Bassin Minier", "Ville de Thetford Mines"])
        self.assertEqual(Organiser.objects.filter(event=event).count(), 2)
        keynote = ProgrammeItem.objects.get(pk=self.keynote.pk)
        self.assertEqual([p.slug for p in keynote.speakers.all()], ["catherine-bertram"])
        self.assertEqual(Speaker.objects.get(programme_item=keynote).person_id, self.bertram.pk)
        self.assertEqual({table: table_identity(table) for table in LINK_TABLES}, self.identities)

        bertram = Person.objects.get(pk=self.bertram.pk)
        with self.assertRaises(ProtectedError), transaction.atomic():
            bertram.delete()
        with self.assertRaises(ProtectedError), transaction.atomic():
            Organisation.objects.filter(pk=self.city.pk).delete()
        self.assertTrue(Person.objects.filter(pk=bertram.pk).exists())

        self.assertEqual(unique_constraints("events_event_organisers"), {"one_organiser_link_per_event": ["event_id", "organisation_id"]})
        self.assertEqual(
            unique_constraints("events_programmeitem_speakers"),
            {"one_speaker_link_per_programme_item": ["programmeitem_id", "person_id"]},
        )
        with self.assertRaises(IntegrityError), transaction.atomic():
            Speaker.objects.create(programme_item=keynote, person=bertram)

        # New links go through the managers as before.
        keynote.speakers.add(Person.objects.create(first_name="Jean", last_name="Roy"))
        self.assertEqual(keynote.speakers.count(), 2)

    def test_going_back_keeps_them_too(self):
        call_command("migrate", verbosity=0)
        old = migrate_to(BEFORE_THROUGH_MODELS)
        event = old.get_model("events", "Event").objects.get(pk=self.event.pk)
        self.assertEqual(event.organisers.count(), 2)
        self.assertEqual(old.get_model("events", "ProgrammeItem").objects.get(pk=self.keynote.pk).speakers.count(), 1)
        self.assertEqual({table: table_identity(table) for table in LINK_TABLES}, self.identities)
        with self.assertRaises(IntegrityError), transaction.atomic():
            event.organisers.through.objects.create(event=event, organisation_id=self.city.pk)


CONFIG_MIGRATIONS = ["0001_french_unaccent_search", "0002_site_domain_from_settings", "0003_trigram"]


class ConfigAppMigrationsTests(TransactionTestCase):
    """Before config/ became wiring only, core's first three migrations were the "config" app's, and
    its content generation was ("core", "0001_initial")."""

    serialized_rollback = True

    def setUp(self):
        self.recorder = MigrationRecorder(connection)
        self.recorded = set(self.recorder.migration_qs.values_list("app", "name"))
        self.addCleanup(self.restore)

    def restore(self):
        now = set(self.recorder.migration_qs.values_list("app", "name"))
        for app, name in now - self.recorded:
            self.recorder.record_unapplied(app, name)
        for app, name in self.recorded - now:
            self.recorder.record_applied(app, name)

    def as_recorded_by_the_config_app(self):
        self.recorder.migration_qs.filter(app="core", name__in=CONFIG_MIGRATIONS).delete()
        for name in CONFIG_MIGRATIONS:
            self.recorder.record_applied("config", name)

    def test_migrate_finds_nothing_to_apply_and_records_them_under_core(self):
        self.as_recorded_by_the_config_app()
        out = io.StringIO()
        call_command("migrate", stdout=out)
        self.assertIn("No migrations to apply.", out.getvalue())
        applied = set(self.recorder.migration_qs.values_list("app", "name"))
        self.assertLessEqual({("core", name) for name in CONFIG_MIGRATIONS}, applied)
        self.assertLessEqual({("config", name) for name in CONFIG_MIGRATIONS}, applied)

    def test_the_content_generation_made_as_core_0001_initial_is_kept(self):
        """Core's 0004 finds the table and its row there: it records itself and keeps them."""
        self.as_recorded_by_the_config_app()
        # Nor had it any later migration of core's (their tables stay: only core's 0004 is under test).
        self.recorder.migration_qs.filter(app="core", name__gte="0004").delete()
        self.recorder.record_applied("core", "0001_initial")
        generation = ContentGeneration.objects.get().value

        out = io.StringIO()
        call_command("migrate", "core", "0004_content_generation", stdout=out)
        self.assertIn("Applying core.0004_content_generation... OK", out.getvalue())
        self.assertNotIn("Applying core.0001", out.getvalue())
        self.assertEqual(ContentGeneration.objects.get().value, generation)
        self.assertTrue(self.recorder.migration_qs.filter(app="core", name="0004_content_generation").exists())
