"""Full-text search on PostgreSQL: French stemming that ignores accents ("quebec" finds "Québec").

``french_unaccent`` is the ``french`` configuration with ``unaccent`` applied before
stemming. Nothing to do on SQLite, whose search is a simpler fallback.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END
$$;
"""
DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    # Made as the "config" app\'s migration, before config/ became wiring only: a database
    # that applied it there counts it as applied here.
    replaces = [("config", "0001_french_unaccent_search")]
    dependencies = []
    operations = [migrations.RunPython(create, drop, elidable=False)]
