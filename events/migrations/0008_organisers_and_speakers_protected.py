"""Organisers and programme speakers go through models of their own, so that the database refuses to
delete an organisation or a person an event names (PROTECT), as it does for participations.

The tables, their columns and their rows stay as the plain many-to-many fields made them: only
Django's picture of them changes. The database gets one change, in place: the unique constraint on
each pair takes the name the models give it (PostgreSQL renames it; SQLite, where it is a unique
index, makes the index again under that name; neither rebuilds the table).
"""

import django.db.models.deletion
from django.db import migrations, models

PAIRS = [
    # table, the pair's columns, the name of its unique constraint
    ("events_event_organisers", ["event_id", "organisation_id"], "one_organiser_link_per_event"),
    ("events_programmeitem_speakers", ["programmeitem_id", "person_id"], "one_speaker_link_per_programme_item"),
]


def unique_constraint_on(schema_editor, table: str, columns: list[str]) -> str:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return next(
        name
        for name, constraint in constraints.items()
        if constraint["unique"] and not constraint["primary_key"] and set(constraint["columns"]) == set(columns)
    )


def rename_unique_constraint(schema_editor, table: str, columns: list[str], new: str) -> None:
    old = unique_constraint_on(schema_editor, table, columns)
    if old == new:
        return
    quote = schema_editor.quote_name
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {quote(table)} RENAME CONSTRAINT {quote(old)} TO {quote(new)}")
    else:
        schema_editor.execute(f"DROP INDEX {quote(old)}")
        schema_editor.execute(
            f"CREATE UNIQUE INDEX {quote(new)} ON {quote(table)} ({', '.join(quote(c) for c in columns)})"
        )


def name_constraints(apps, schema_editor):
    for table, columns, name in PAIRS:
        rename_unique_constraint(schema_editor, table, columns, name)


def unname_constraints(apps, schema_editor):
    """Back to the name Django gives a plain many-to-many field's unique_together."""
    for table, columns, _name in PAIRS:
        rename_unique_constraint(
            schema_editor, table, columns, schema_editor._create_index_name(table, columns, suffix="_uniq")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_trigram_indexes"),
        ("people", "0004_trigram_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Organiser",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="events.event", verbose_name="event"
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                to="people.organisation",
                                verbose_name="organisation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "event organiser",
                        "verbose_name_plural": "event organisers",
                        "db_table": "events_event_organisers",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("event", "organisation"), name="one_organiser_link_per_event"
                            )
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="event",
                    name="organisers",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="organised_events",
                        through="events.Organiser",
                        to="people.organisation",
                        verbose_name="organisers",
                    ),
                ),
                migrations.CreateModel(
                    name="Speaker",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "programme_item",
                            models.ForeignKey(
                                db_column="programmeitem_id",
                                on_delete=django.db.models.deletion.CASCADE,
                                to="events.programmeitem",
                                verbose_name="programme item",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, to="people.person", verbose_name="person"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "programme speaker",
                        "verbose_name_plural": "programme speakers",
                        "db_table": "events_programmeitem_speakers",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("programme_item", "person"), name="one_speaker_link_per_programme_item"
                            )
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="programmeitem",
                    name="speakers",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="programme_items",
                        through="events.Speaker",
                        to="people.person",
                        verbose_name="speakers",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(name_constraints, unname_constraints, elidable=False),
            ],
        ),
    ]
