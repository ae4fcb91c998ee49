"""Migration operations for indexes that only PostgreSQL has (full-text GIN expression indexes).

The index is part of the model's state on every database, so that migrations stay in step;
it is created in the database on PostgreSQL only. SQLite, for development, has no such search.
"""

from django.db import migrations


class AddIndexOnPostgreSQL(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return super().describe() + " (PostgreSQL only)"
