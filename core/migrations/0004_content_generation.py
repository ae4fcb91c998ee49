import uuid

from django.db import migrations, models


def create_table(apps, schema_editor):
    """Made here, unless the database made it as ("core", "0001_initial"), the name this migration
    had before core's first three migrations came from the former "config" app."""
    model = apps.get_model("core", "ContentGeneration")
    if model._meta.db_table not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(model)


def drop_table(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("core", "ContentGeneration"))


def first_generation(apps, schema_editor):
    apps.get_model("core", "ContentGeneration").objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"value": uuid.uuid4().hex}
    )


def no_triggers(apps, schema_editor):
    from core.generation import remove_triggers

    remove_triggers(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_trigram")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContentGeneration",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("value", models.CharField(max_length=32, verbose_name="value")),
                    ],
                    options={"verbose_name": "content generation"},
                ),
                migrations.AddConstraint(
                    model_name="contentgeneration",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="content_generation_single_row"
                    ),
                ),
            ],
        ),
        migrations.RunPython(create_table, drop_table, elidable=False),
        migrations.RunPython(first_generation, migrations.RunPython.noop),
        # The triggers are installed after every migrate (core.apps); unapplied, they go first.
        migrations.RunPython(migrations.RunPython.noop, no_triggers),
    ]
