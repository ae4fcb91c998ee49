"""What only PostgreSQL has: full-text and trigram GIN indexes, their migration operation, and
the ``= ANY(ARRAY(...))`` lookup that lets its planner use them inside an OR.

Such an index is part of the model's state on every database, so that migrations stay in
step; it is created in the database on PostgreSQL only. SQLite, for development, has no such
search.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models import Lookup, TextField
from django.db.models.functions import Cast, Upper


class AddIndexOnPostgreSQL(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return super().describe() + " (PostgreSQL only)"


def substring_index(field: str, name: str) -> GinIndex:
    """A trigram index serving the admin's search, ``field__icontains`` (PostgreSQL only).

    Django writes ``icontains`` as ``UPPER("field"::text) LIKE UPPER('%term%')``; this indexes
    that very expression with pg_trgm's operator class (config/migrations/0003_trigram.py).
    Add it with ``AddIndexOnPostgreSQL``.
    """
    return GinIndex(OpClass(Upper(Cast(field, TextField())), name="gin_trgm_ops"), name=name)


class EqualsAny(Lookup):
    """``lhs = ANY(rhs)``, for a column against ``ArraySubquery(...)``.

    Inside an OR, ``IN (SELECT ...)`` makes PostgreSQL read every row and probe a hashed
    subplan; ``= ANY(ARRAY(SELECT ...))`` is computed once and then served by the column's
    index, so the OR becomes a combination of index scans.
    """

    lookup_name = "equals_any"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]
