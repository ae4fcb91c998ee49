"""The portable row source: the ORM reads the rows, Python formats and defuses the cells.

SQLite uses it, and any database can; on PostgreSQL the exporter prefers COPY (postgresql.py),
which writes the same bytes.
"""

import re
from collections.abc import Callable, Iterator
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections
from django.db.models import CharField, F, Func, OrderBy, QuerySet
from django.db.models.functions import Coalesce

from core.text import sort_key

from .columns import CODE_POINT, DATETIME, FOLDED, FORMULA_PATTERN, ORDER, PHONE_PATTERN, Column, Key
from .postgresql import pg_code_point, pg_sort_key

DATETIME_FORMAT = "%d/%m/%Y %H:%M"  # what Excel and LibreOffice in French read as a date
ITERATOR_CHUNK_SIZE = 2000
SQLITE_SORT_KEY_FUNCTION = "bassin_sort_key"

_formula = re.compile(FORMULA_PATTERN)
_phone = re.compile(PHONE_PATTERN)
_line_break = re.compile("\r\n?|\n")
_carriage_return = re.compile("\r\n?")


def defuse(value: str) -> str:
    """The cell as a spreadsheet reads it, line breaks written CRLF, with a leading quote if a formula."""
    value = _line_break.sub("\r\n", value)
    if _formula.match(value) and not _phone.fullmatch(value):
        value = "'" + value
    return value


class SortKey(Func):
    """core.text.sort_key() in the database: a registered function on SQLite, SQL on PostgreSQL."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function=SQLITE_SORT_KEY_FUNCTION, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return pg_sort_key(sql), params

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])


class CodePoint(Func):
    """Tie-break on the exact text, compared code point by code point on every database."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return pg_code_point(sql), params

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])


def register_sqlite_functions(connection) -> None:
    connection.ensure_connection()
    connection.connection.create_function(SQLITE_SORT_KEY_FUNCTION, 1, sort_key, deterministic=True)


def order_by(key: Key) -> OrderBy:
    if key.compare == FOLDED:
        return SortKey(key.field).asc()
    if key.compare == CODE_POINT:
        return CodePoint(key.field).asc()
    return F(key.field).asc()


class PortableSource:
    """Rows of defused cells from one query, read in chunks: constant memory, constant queries."""

    def __init__(self, participations: QuerySet, *, columns: list[Column], labels: dict[str, dict[str, str]]):
        self.participations = participations
        self.columns = columns
        self.labels = labels
        self.zone = ZoneInfo(settings.TIME_ZONE)

    def queryset(self, *extra: str) -> QuerySet:
        return (
            self.participations.annotate(organisation_name=Coalesce("organisation__name", "person__organisation__name"))
            .order_by(*(order_by(key) for key in ORDER))
            .values_list(*(column.field for column in self.columns), *extra)
        )

    def rows(self) -> Iterator[list[str]]:
        connection = connections[self.participations.db]
        if connection.vendor == "sqlite":
            register_sqlite_functions(connection)
        formatters = [self.formatter(column) for column in self.columns]
        for values in self.queryset().iterator(chunk_size=ITERATOR_CHUNK_SIZE):
            yield [defuse(format_(value)) for format_, value in zip(formatters, values, strict=True)]

    def formatter(self, column: Column) -> Callable[[object], str]:
        if column.kind in self.labels:
            labels = self.labels[column.kind]
            return lambda value: labels.get(value, value)  # a value outside the choices as stored
        if column.kind == DATETIME:
            return lambda value: value.astimezone(self.zone).strftime(DATETIME_FORMAT)
        return lambda value: "" if value is None else value

    def typed_rows(self) -> Iterator[list]:
        """Rows for a typed sheet (XLSX): the text as stored, line breaks as LF and never defused (a text
        cell is never a formula), labels, and the registration time as a naive datetime in its event's zone."""
        connection = connections[self.participations.db]
        if connection.vendor == "sqlite":
            register_sqlite_functions(connection)
        formatters = [self.typed_formatter(column) for column in self.columns]
        dates = [index for index, column in enumerate(self.columns) if column.kind == DATETIME]
        for *values, zone in self.queryset("event__timezone").iterator(chunk_size=ITERATOR_CHUNK_SIZE):
            row = [format_(value) for format_, value in zip(formatters, values, strict=True)]
            for index in dates:
                row[index] = row[index].astimezone(event_zone(zone)).replace(tzinfo=None)
            yield row

    def typed_formatter(self, column: Column) -> Callable[[object], object]:
        if column.kind in self.labels:
            labels = self.labels[column.kind]
            return lambda value: labels.get(value, value)
        if column.kind == DATETIME:
            return lambda value: value
        return lf_text


def lf_text(value: str | None) -> str:
    if value is None:
        return ""
    return _carriage_return.sub("\n", value) if "\r" in value else value


@cache
def event_zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
