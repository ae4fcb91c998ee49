"""The PostgreSQL row source: COPY writes the CSV, with the formatting, the formula defusing
and the French sort key done in SQL, for the same participations as the portable source.
"""

import csv
import io
import time
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from psycopg.pq import TransactionStatus

from core.text import LATIN_MARKS, LIGATURES

from ..models import Event, Participation
from .columns import CODE_POINT, DATETIME, FOLDED, FORMULA_PATTERN, ORDER, PHONE_PATTERN, Column, Key

PG_DATETIME_FORMAT = "DD/MM/YYYY HH24:MI"  # portable.DATETIME_FORMAT
PG_ISO_FORMAT = "YYYY-MM-DD HH24:MI:SS.US"  # what datetime.fromisoformat() reads back
CHUNK_BYTES = 64 * 1024


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _constant(value: str) -> str:
    """A text of ours as a literal in a statement that has parameters too: % is doubled."""
    return _literal(value).replace("%", "%%")


def pg_sort_key(sql: str) -> str:
    """core.text.sort_key() in SQL."""
    folded = f"translate(normalize({sql}, NFD), {_literal(LATIN_MARKS)}, '')"
    for char, spelled in LIGATURES.items():
        folded = f"replace({folded}, {_literal(char)}, {_literal(spelled)})"
    # Most names are plain ASCII: they skip the Unicode work.
    return f'lower(CASE WHEN octet_length({sql}) = char_length({sql}) THEN {sql} ELSE {folded} END COLLATE "C")'


def pg_code_point(sql: str) -> str:
    return f'{sql} COLLATE "C"'


def pg_lf(sql: str) -> str:
    """Line breaks as LF."""
    return f"CASE WHEN strpos({sql}, chr(13)) > 0 THEN regexp_replace({sql}, E'\\r\\n?', E'\\n', 'g') ELSE {sql} END"


def pg_cell(sql: str) -> str:
    """portable.defuse() in SQL, then NULL for an empty text so that COPY writes nothing, not "".

    Line breaks become LF here, before the test; the stream turns every LF into CRLF.
    """
    text = pg_lf(sql)
    formula, phone = _literal(f"^(?:{FORMULA_PATTERN})"), _literal(f"^{PHONE_PATTERN}$")
    # Most cells start with a letter: a formula starts below "A" or beyond ASCII (a test checks it).
    maybe = f"ascii({sql}) NOT BETWEEN 65 AND 127"
    is_formula = f"{maybe} AND {text} ~ {formula} AND {text} !~ {phone}"
    return f"NULLIF(CASE WHEN {is_formula} THEN '''' || {text} ELSE {text} END, '')"


def pg_order_by(key: Key) -> str:
    if key.compare == FOLDED:
        return pg_sort_key(key.sql)
    if key.compare == CODE_POINT:
        return pg_code_point(key.sql)
    return key.sql


def _table(model) -> str:
    return f'"{model._meta.db_table}"'


Person = Participation._meta.get_field("person").related_model
Organisation = Participation._meta.get_field("organisation").related_model
# The aliases Column.sql and Key.sql name.
FROM = (
    f"FROM {_table(Participation)} participation "
    f"JOIN {_table(Person)} person ON person.id = participation.person_id "
    f"JOIN {_table(Event)} event ON event.id = participation.event_id "
    f"LEFT JOIN {_table(Organisation)} organisation "
    "ON organisation.id = COALESCE(participation.organisation_id, person.organisation_id)"
)


class CopySource:
    """The whole file but its header line, as CSV bytes in chunks, each with its number of rows.

    typed=True: the cells for a typed sheet instead (portable.PortableSource.typed_rows()), read
    back through rows(): text as stored, never defused, the registration time in its event's zone.
    """

    def __init__(
        self,
        participations: QuerySet,
        *,
        columns: list[Column],
        labels: dict[str, dict[str, str]],
        delimiter: str = ",",
        typed: bool = False,
    ):
        self.participations = participations
        self.columns = columns
        self.labels = labels
        self.delimiter = delimiter
        self.typed = typed
        self.connection = connections[participations.db]

    def statement(self) -> tuple[str, list]:
        """COPY of the columns, formatted and defused in SQL; the queryset becomes a WHERE id IN (…)."""
        subquery, params = self.participations.order_by().values("pk").query.sql_with_params()
        cells = []
        for column in self.columns:
            if self.typed:
                cells.append(self.typed_cell(column))
            elif column.kind in self.labels:
                # A value outside the choices is written as stored. A label is a constant:
                # PostgreSQL works its pg_cell() out once, when it plans the query.
                whens = " ".join(
                    f"WHEN {_constant(value)} THEN {pg_cell(_constant(label))}"
                    for value, label in self.labels[column.kind].items()
                )
                cells.append(f"CASE {column.sql} {whens} ELSE {pg_cell(column.sql)} END")
            elif column.kind == DATETIME:
                zone, format_ = _literal(settings.TIME_ZONE), _literal(PG_DATETIME_FORMAT)
                cells.append(f"to_char({column.sql} AT TIME ZONE {zone}, {format_})")
            else:
                cells.append(pg_cell(column.sql))
        query = (
            f"SELECT {', '.join(cells)} {FROM} "
            f"WHERE participation.id IN ({subquery}) "
            f"ORDER BY {', '.join(pg_order_by(key) for key in ORDER)}"
        )
        copy = f"COPY ({query}) TO STDOUT WITH (FORMAT csv, DELIMITER {_literal(self.delimiter)})"
        return copy, params

    def typed_cell(self, column: Column) -> str:
        if column.kind in self.labels:
            whens = " ".join(
                f"WHEN {_constant(value)} THEN {_constant(label)}" for value, label in self.labels[column.kind].items()
            )
            return f"CASE {column.sql} {whens} ELSE {column.sql} END"
        if column.kind == DATETIME:
            return f"to_char({column.sql} AT TIME ZONE event.timezone, {_literal(PG_ISO_FORMAT)})"
        return pg_lf(column.sql)

    def rows(self) -> Iterator[list]:
        """With typed=True: the rows as lists of cells, each registration time a naive datetime."""
        dates = [index for index, column in enumerate(self.columns) if column.kind == DATETIME]
        parse = datetime.fromisoformat
        for chunk, _count in self.chunks(crlf=False):
            for row in csv.reader(io.StringIO(chunk.decode(), newline=""), delimiter=self.delimiter):
                for index in dates:
                    row[index] = parse(row[index])
                yield row

    def chunks(self, crlf: bool = True) -> Iterator[tuple[bytes, int]]:
        """COPY's rows, LF turned into CRLF, in chunks of about CHUNK_BYTES."""
        try:
            statement, params = self.statement()
        except EmptyResultSet:  # e.g. filter(event__in=[]): nothing to ask the database
            return
        connection = self.connection
        connection.ensure_connection()
        started = time.monotonic()
        with connection.connection.cursor() as cursor:
            # A large list may stream for longer than a page may run: the export has a limit of its own.
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [settings.PARTICIPANT_EXPORT_TIMEOUT])
        try:
            yield from self._copy(statement, params, crlf)
        finally:
            if connection.connection.info.transaction_status != TransactionStatus.INERROR:
                with connection.connection.cursor() as cursor:  # else the rollback undoes the setting
                    cursor.execute("RESET statement_timeout")
        if connection.queries_logged:
            connection.queries_log[-1]["time"] = f"{time.monotonic() - started:.3f}"

    def _copy(self, statement: str, params: list, crlf: bool) -> Iterator[tuple[bytes, int]]:
        connection = self.connection
        with connection.connection.cursor() as cursor, cursor.copy(statement, params) as copy:
            if connection.queries_logged:  # so that CaptureQueriesContext sees the COPY
                connection.queries_log.append({"sql": statement, "time": "0.000"})
            buffer = bytearray()
            pending = 0
            try:
                for data in copy:  # PostgreSQL sends one message per row
                    buffer += data
                    pending += 1
                    if len(buffer) >= CHUNK_BYTES:
                        yield bytes(buffer).replace(b"\n", b"\r\n") if crlf else bytes(buffer), pending
                        pending = 0
                        buffer.clear()
                if buffer:
                    yield bytes(buffer).replace(b"\n", b"\r\n") if crlf else bytes(buffer), pending
            except GeneratorExit:
                # The client went away: read what is left rather than cancel, so the
                # connection is clean for the next statement (the audit record).
                while copy.read():
                    pass
                raise
