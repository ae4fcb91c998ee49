"""What only PostgreSQL has: full-text and trigram GIN indexes, their migration operations, the
stored full-text document of each searchable table, and the ``= ANY(ARRAY(...))`` lookup that
lets its planner use them inside an OR.

Such an index is part of the model's state on every database, so that migrations stay in
step; it is created in the database on PostgreSQL only. SQLite, for development, has no such
search.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models import Lookup, TextField
from django.db.models.functions import Cast, Upper


class OnPostgreSQLOnly:
    """A migration operation that changes the database on PostgreSQL only, the state everywhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return super().describe() + " (PostgreSQL only)"


class AddIndexOnPostgreSQL(OnPostgreSQLOnly, migrations.AddIndex):
    pass


class RemoveIndexOnPostgreSQL(OnPostgreSQLOnly, migrations.RemoveIndex):
    pass


class AddSearchDocument(migrations.operations.base.Operation):
    """A table's full-text document, stored (PostgreSQL only): ``search_document``.

    A generated column, ``tsvector GENERATED ALWAYS AS (...) STORED``, computed by PostgreSQL
    itself on every insert and update, whoever writes (the admin, a command, COPY, SQL), with
    a GIN index on it. Matching reads the index, ranking reads the stored vector: neither
    computes ``to_tsvector`` of the texts again (ranking 521 events of a search did, 220 ms).
    The column is not a model field: Django never reads or writes it, only
    ``core.search.StoredDocument`` names it in a query. ``weighted`` is the model's
    ``SearchFields.weighted`` when the migration was written (weight -> columns).
    """

    reversible = True

    def __init__(self, model_name: str, weighted: dict[str, tuple[str, ...]]):
        self.model_name = model_name
        self.weighted = weighted

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name, "weighted": self.weighted}

    def state_forwards(self, app_label, state):
        pass  # not a field of the model

    def _table(self, app_label, state) -> str:
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        from core.search import DOCUMENT_COLUMN, SEARCH_CONFIG

        quote = schema_editor.quote_name
        table = self._table(app_label, to_state)
        document = " || ".join(
            f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, COALESCE({quote(column)}::text, '')), '{weight}')"
            for weight, columns in self.weighted.items()
            for column in columns
        )
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} ADD COLUMN {quote(DOCUMENT_COLUMN)} tsvector "
            f"GENERATED ALWAYS AS ({document}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {quote(table + '_document_idx')} ON {quote(table)} USING gin ({quote(DOCUMENT_COLUMN)})"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        from core.search import DOCUMENT_COLUMN

        table = self._table(app_label, from_state)
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(table)} DROP COLUMN {schema_editor.quote_name(DOCUMENT_COLUMN)}"
        )

    def describe(self):
        return f"Add the stored full-text document of {self.model_name} (PostgreSQL only)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name}_search_document"


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
