"""pg_trgm, for the trigram indexes that serve the admin's searches (core.postgres.substring_index).

A trusted extension since PostgreSQL 13: the database's owner may create it. Like unaccent
(0001), it stays when the migration is reversed: other objects may use it. Nothing on SQLite.
(Django's TrigramExtension operation queries pg_extension when reversed, even on SQLite.)
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    # Made as the "config" app\'s migration, before config/ became wiring only: a database
    # that applied it there counts it as applied here.
    replaces = [("config", "0003_trigram")]
    dependencies = [("core", "0002_site_domain_from_settings")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop, elidable=False)]
