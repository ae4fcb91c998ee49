"""Participant lists as CSV: one exporter, two row sources that write the same bytes.

The portable source reads rows through the ORM and writes them with a defusing csv writer;
on PostgreSQL the rows come from COPY, with the formatting and the formula defusing done
in SQL. tests/events/test_export.py compares the two byte for byte.
"""

import csv
import io
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import CharField, F, Func, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import override, pgettext_lazy
from psycopg.pq import TransactionStatus

from core.text import LATIN_MARKS, LIGATURES, sort_key

from .models import Event, ParticipantExport, Participation

Format = ParticipantExport.Format
EXPORT_LANGUAGE = "fr"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"  # what Excel and LibreOffice in French read as a date
PG_DATETIME_FORMAT = "DD/MM/YYYY HH24:MI"
CHUNK_BYTES = 64 * 1024
ITERATOR_CHUNK_SIZE = 2000

# OWASP "CSV injection": a spreadsheet reads a formula in a cell that starts with a tab or a line
# break, or with = + - @ or their full-width forms once it has skipped any white space (no-break
# spaces too) and zero-width characters (the byte-order mark too). A line break is CRLF in
# defuse() and LF in pg_cell(): the pattern reads either.
SKIPPED = "\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
FORMULA_PATTERN = f"[\t\r\n]|[{SKIPPED}]*[=+@\uff1d\uff0b\uff20\uff0d-]"
# ... except an international phone number, which holds no letter, colon, bang or pipe and so
# cannot call a function, reference a cell or reach DDE: "+33 3 21 08 72 72" stays readable.
PHONE_PATTERN = "\\+[0-9 \u00a0\u202f.()-]*[0-9][0-9 \u00a0\u202f.()-]*"
_formula = re.compile(FORMULA_PATTERN)
_phone = re.compile(PHONE_PATTERN)
_line_break = re.compile("\r\n?|\n")


def defuse(value: str) -> str:
    """The cell as a spreadsheet reads it, line breaks written CRLF, with a leading quote if a formula."""
    value = _line_break.sub("\r\n", value)
    if _formula.match(value) and not _phone.fullmatch(value):
        value = "'" + value
    return value


SQLITE_SORT_KEY_FUNCTION = "bassin_sort_key"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def pg_sort_key(sql: str) -> str:
    """core.text.sort_key() in SQL."""
    folded = f"translate(normalize({sql}, NFD), {_literal(LATIN_MARKS)}, '')"
    for char, spelled in LIGATURES.items():
        folded = f"replace({folded}, {_literal(char)}, {_literal(spelled)})"
    # Most names are plain ASCII: they skip the Unicode work.
    return f'lower(CASE WHEN octet_length({sql}) = char_length({sql}) THEN {sql} ELSE {folded} END COLLATE "C")'


def _pg_text(cell: str) -> str | None:
    """A cell defused in Python, as a parameter COPY writes exactly as csv.writer does."""
    return cell.replace("\r\n", "\n") or None


def pg_code_point(sql: str) -> str:
    return f'{sql} COLLATE "C"'


def pg_cell(sql: str) -> str:
    """SQL for defuse(), then NULL for an empty text so that COPY writes nothing, not "".

    Line breaks become LF here, before the test; the stream turns every LF into CRLF.
    """
    text = f"CASE WHEN strpos({sql}, chr(13)) > 0 THEN regexp_replace({sql}, E'\\r\\n?', E'\\n', 'g') ELSE {sql} END"
    formula, phone = _literal(f"^(?:{FORMULA_PATTERN})"), _literal(f"^{PHONE_PATTERN}$")
    # Most cells start with a letter: a formula starts below "A" or beyond ASCII (a test checks it).
    maybe = f"ascii({sql}) NOT BETWEEN 65 AND 127"
    is_formula = f"{maybe} AND {text} ~ {formula} AND {text} !~ {phone}"
    return f"NULLIF(CASE WHEN {is_formula} THEN '''' || {text} ELSE {text} END, '')"


class SortKey(Func):
    """Case- and accent-insensitive key, the same on SQLite and PostgreSQL."""

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


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # what the portable source selects
    sql: str  # what COPY selects, already formatted
    kind: str = "text"


ORDERING = [
    SortKey("person__last_name"),
    SortKey("person__first_name"),
    CodePoint("person__last_name"),
    CodePoint("person__first_name"),
    F("event__start").asc(),
    F("pk").asc(),
]
PG_ORDERING = [
    pg_sort_key("person.last_name"),
    pg_sort_key("person.first_name"),
    pg_code_point("person.last_name"),
    pg_code_point("person.first_name"),
    "event.start",
    "participation.id",
]


class ParticipantExporter:
    """The participant list of one or more events, streamed as Excel-friendly or RFC 4180 CSV."""

    columns: ClassVar[list[Column]] = [
        Column(pgettext_lazy("export column", "Last name"), "person__last_name", "person.last_name"),
        Column(pgettext_lazy("export column", "First name"), "person__first_name", "person.first_name"),
        Column(pgettext_lazy("export column", "Organisation"), "organisation_name", "organisation.name"),
        Column(pgettext_lazy("export column", "Job title"), "person__job_title", "person.job_title"),
        Column(pgettext_lazy("export column", "Role"), "role", "participation.role", kind="role"),
        Column(pgettext_lazy("export column", "Talk title"), "talk_title", "participation.talk_title"),
        Column(pgettext_lazy("export column", "E-mail"), "person__email", "person.email"),
        Column(pgettext_lazy("export column", "Phone"), "person__phone", "person.phone"),
        Column(pgettext_lazy("export column", "Status"), "status", "participation.status", kind="status"),
        Column(pgettext_lazy("export column", "Registered on"), "created", "participation.created", kind="datetime"),
        Column(pgettext_lazy("export column", "Event"), "event__title", "event.title"),
    ]
    delimiters: ClassVar[dict[str, str]] = {Format.EXCEL: ";", Format.CSV: ","}

    def __init__(
        self,
        participations: QuerySet,
        *,
        format: str = Format.EXCEL,
        events: Iterable[Event] = (),
        use_copy: bool | None = None,
    ):
        if format not in Format.values:
            raise ValueError(f"Unknown format: {format!r}")
        self.participations = participations
        self.format = Format(format)
        self.events = list(events)
        self.connection = connections[participations.db]
        self.use_copy = self.connection.vendor == "postgresql" if use_copy is None else use_copy
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.row_count = 0
        with override(EXPORT_LANGUAGE):
            self.headers = [str(column.header) for column in self.columns]
            self.labels = {
                "role": {value: str(label) for value, label in Participation.Role.choices},
                "status": {value: str(label) for value, label in Participation.Status.choices},
            }

    def filename(self) -> str:
        today = timezone.localdate().isoformat()
        if len(self.events) == 1:
            return f"participants-{self.events[0].slug}-{today}.csv"
        return f"participants-{today}.csv"

    @property
    def content_type(self) -> str:
        return "text/csv; charset=utf-8"

    def queryset(self) -> QuerySet:
        return (
            self.participations.annotate(
                organisation_name=Coalesce("organisation__name", "person__organisation__name")
            )
            .order_by(*ORDERING)
            .values_list(*(column.field for column in self.columns))
        )

    def rows(self) -> Iterator[list[str]]:
        """The portable source: formatted cells, not yet defused, in one query."""
        if self.connection.vendor == "sqlite":
            register_sqlite_functions(self.connection)
        formatters = [self._formatter(column) for column in self.columns]
        for values in self.queryset().iterator(chunk_size=ITERATOR_CHUNK_SIZE):
            yield [format_(value) for format_, value in zip(formatters, values)]

    def _formatter(self, column: Column):
        if column.kind in self.labels:
            labels = self.labels[column.kind]
            return lambda value: labels.get(value, value)
        if column.kind == "datetime":
            return lambda value: value.astimezone(self.zone).strftime(DATETIME_FORMAT)
        return lambda value: "" if value is None else value

    def stream(self) -> Iterator[bytes]:
        """Encoded chunks for a StreamingHttpResponse or a file; counts rows in row_count."""
        self.row_count = 0
        buffer = io.StringIO()
        writer = DefusingWriter(buffer, delimiter=self.delimiters[self.format])
        writer.writerow(self.headers)
        head = buffer.getvalue().encode()
        if self.format == Format.EXCEL:
            head = "\ufeff".encode() + head
        if self.use_copy:
            yield head
            try:
                statement = self.copy_statement()
            except EmptyResultSet:  # e.g. filter(event__in=[]): nothing to ask the database
                return
            yield from self._copy_chunks(*statement)
            return
        buffer.seek(0)
        buffer.truncate()
        pending = 0
        for row in self.rows():
            writer.writerow(row)
            pending += 1
            if buffer.tell() >= CHUNK_BYTES:
                yield head + buffer.getvalue().encode()
                head = b""
                self.row_count += pending
                pending = 0
                buffer.seek(0)
                buffer.truncate()
        yield head + buffer.getvalue().encode()
        self.row_count += pending

    def copy_statement(self) -> tuple[str, list]:
        """COPY of the same columns, formatted and defused in SQL, for the same participations."""
        subquery, params = self.participations.order_by().values("pk").query.sql_with_params()
        selected, label_params = [], []
        for column in self.columns:
            sql = column.sql
            if column.kind in self.labels:
                labels = self.labels[column.kind]
                cases = " ".join(f"WHEN {_literal(value)} THEN %s" for value in labels)
                label_params += [_pg_text(defuse(label)) for label in labels.values()]
                selected.append(f"CASE {sql} {cases} ELSE {pg_cell(sql)} END")
            elif column.kind == "datetime":
                selected.append(
                    f"to_char({sql} AT TIME ZONE {_literal(settings.TIME_ZONE)}, {_literal(PG_DATETIME_FORMAT)})"
                )
            else:
                selected.append(pg_cell(sql))
        table = {model: model._meta.db_table for model in (Participation, Event)}
        person_table = Participation._meta.get_field("person").related_model._meta.db_table
        organisation_table = Participation._meta.get_field("organisation").related_model._meta.db_table
        query = (
            f"SELECT {', '.join(selected)} "
            f'FROM "{table[Participation]}" participation '
            f'JOIN "{person_table}" person ON person.id = participation.person_id '
            f'JOIN "{table[Event]}" event ON event.id = participation.event_id '
            f'LEFT JOIN "{organisation_table}" organisation '
            "ON organisation.id = COALESCE(participation.organisation_id, person.organisation_id) "
            f"WHERE participation.id IN ({subquery}) "
            f"ORDER BY {', '.join(PG_ORDERING)}"
        )
        delimiter = self.delimiters[self.format]
        return f"COPY ({query}) TO STDOUT WITH (FORMAT csv, DELIMITER {_literal(delimiter)})", [*label_params, *params]

    def _copy_chunks(self, statement: str, params: list) -> Iterator[bytes]:
        """The PostgreSQL source: COPY's rows, LF turned into CRLF, in chunks."""
        connection = self.connection
        connection.ensure_connection()
        started = time.monotonic()
        with connection.connection.cursor() as cursor:
            # A large list may stream for longer than a page may run: the export has a limit of its own.
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [settings.PARTICIPANT_EXPORT_TIMEOUT])
        try:
            yield from self._copy_rows(statement, params)
        finally:
            if connection.connection.info.transaction_status != TransactionStatus.INERROR:
                with connection.connection.cursor() as cursor:  # else the rollback undoes the setting
                    cursor.execute("RESET statement_timeout")
        if connection.queries_logged:
            connection.queries_log[-1]["time"] = f"{time.monotonic() - started:.3f}"

    def _copy_rows(self, statement: str, params: list) -> Iterator[bytes]:
        connection = self.connection
        with connection.connection.cursor() as cursor, cursor.copy(statement, params) as copy:
            if connection.queries_logged:
                connection.queries_log.append({"sql": statement, "time": "0.000"})
            buffer = bytearray()
            pending = 0
            try:
                for data in copy:  # PostgreSQL sends one message per row
                    buffer += data
                    pending += 1
                    if len(buffer) >= CHUNK_BYTES:
                        yield bytes(buffer).replace(b"\n", b"\r\n")
                        self.row_count += pending
                        pending = 0
                        buffer.clear()
                if buffer:
                    yield bytes(buffer).replace(b"\n", b"\r\n")
                    self.row_count += pending
            except GeneratorExit:
                # The client went away: read what is left rather than cancel, so the
                # connection is clean for the next statement (the audit record).
                while copy.read():
                    pass
                raise


class DefusingWriter:
    """csv.writer that defuses formulas and writes every line break as CRLF."""

    def __init__(self, stream, *, delimiter: str):
        self.writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)

    def writerow(self, row: Iterable[str]) -> None:
        self.writer.writerow([defuse(value) for value in row])


def start_record(exporter: ParticipantExporter, *, source: str, user=None, username: str = "", filters=None):
    """The audit record is written before the first byte and completed after the last one."""
    return ParticipantExport.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=username or (user.get_username() if user is not None else ""),
        source=source,
        events=sorted(event.slug for event in exporter.events),
        filters=filters or {},
        format=exporter.format,
    )


def recorded(exporter: ParticipantExporter, record: ParticipantExport) -> Iterator[bytes]:
    """exporter.stream(), then the row count on the record: all rows, or those sent before a disconnect."""
    completed = False
    try:
        yield from exporter.stream()
        completed = True
    finally:
        ParticipantExport.objects.filter(pk=record.pk).update(
            row_count=exporter.row_count, completed=completed, finished=timezone.now()
        )
        record.row_count, record.completed = exporter.row_count, completed
