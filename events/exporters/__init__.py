"""Participant lists: one exporter, two row sources that write the same bytes, one writer per file type.

- columns.py: the columns (header and value side by side), the order, what a formula looks like;
- portable.py: rows through the ORM, defused in Python (defuse(), core.text.sort_key());
- postgresql.py: the rows as CSV from COPY, defused in SQL (pg_cell(), pg_sort_key());
- writers.py: rows into the bytes of a file (CSV, Excel's dialect or RFC 4180);
- xlsx.py: typed rows into an XLSX workbook, in constant memory.

tests/events/test_export.py compares the two sources byte for byte.
"""

from collections.abc import Iterable, Iterator
from contextlib import closing
from typing import ClassVar

from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from ..models import Event, ParticipantExport
from .columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    DEFAULT_COLUMNS,
    FORMULA_PATTERN,
    Column,
    columns_named,
    french_headers,
    french_labels,
)
from .portable import PortableSource, defuse, register_sqlite_functions
from .postgresql import CopySource, pg_cell, pg_sort_key
from .writers import WRITERS
from .xlsx import sheet_name

__all__ = [
    "COLUMNS",
    "COLUMNS_BY_KEY",
    "DEFAULT_COLUMNS",
    "FORMATS",
    "FORMULA_PATTERN",
    "ParticipantExporter",
    "defuse",
    "pg_cell",
    "pg_sort_key",
    "recorded",
    "register_sqlite_functions",
    "sheet_name",
    "start_record",
]
Format = ParticipantExport.Format
FORMATS = [value for value in Format.values if value in WRITERS]  # what the exporter writes (the log knows more)


class ParticipantExporter:
    """The participant list of one or more events, streamed as Excel-friendly or RFC 4180 CSV, or XLSX.

    columns: keys of columns.COLUMNS, in the file's order (ValueError on an unknown one); all
    eleven by default.
    """

    name = "participants"
    columns: ClassVar[list[Column]] = COLUMNS

    def __init__(
        self,
        participations: QuerySet,
        *,
        format: str = Format.EXCEL,
        events: Iterable[Event] = (),
        columns: Iterable[str] | None = None,
        preset: str = "",
        use_copy: bool | None = None,
    ):
        if format not in WRITERS:
            raise ValueError(f"Unknown format: {format!r}")
        self.participations = participations
        self.format = Format(format)
        self.writer = WRITERS[self.format]
        self.events = list(events)
        if columns is not None:
            self.columns = columns_named(list(columns))
        self.preset = preset
        # COPY reads the rows fastest: the source of choice on PostgreSQL, for CSV and for typed rows.
        can_copy = connections[participations.db].vendor == "postgresql"
        self.use_copy = can_copy if use_copy is None else use_copy
        self.headers = french_headers(self.columns)
        self.labels = french_labels(self.columns)
        self.row_count = 0

    def filename(self) -> str:
        today = timezone.localdate().isoformat()
        if len(self.events) == 1:
            return f"{self.name}-{self.events[0].slug}-{today}.{self.writer.extension}"
        return f"{self.name}-{today}.{self.writer.extension}"

    @property
    def content_type(self) -> str:
        return self.writer.content_type

    @property
    def column_keys(self) -> list[str]:
        return [column.key for column in self.columns]

    def sheet_title(self) -> str:
        return self.events[0].title if len(self.events) == 1 else ""

    def rows(self) -> Iterator[list[str]]:
        """The portable source's rows: defused cells, in one query."""
        return PortableSource(self.participations, columns=self.columns, labels=self.labels).rows()

    def typed_rows(self) -> Iterator[list]:
        """Cells for a typed sheet, from COPY or the portable source: text as stored, dates as datetimes."""
        if self.use_copy:
            return CopySource(self.participations, columns=self.columns, labels=self.labels, typed=True).rows()
        return PortableSource(self.participations, columns=self.columns, labels=self.labels).typed_rows()

    def stream(self) -> Iterator[bytes]:
        """Encoded chunks for a StreamingHttpResponse or a file; row_count counts the rows handed over."""
        self.row_count = 0
        with closing(self._chunks()) as chunks:  # closed with the stream: COPY is drained before the audit update
            for chunk, rows in chunks:
                yield chunk
                self.row_count += rows  # once the next chunk is asked for: this one was delivered

    def _chunks(self) -> Iterator[tuple[bytes, int]]:
        if self.writer.typed:
            yield from self.writer.chunks(
                self.headers, self.typed_rows(), columns=self.columns, title=self.sheet_title()
            )
        elif self.use_copy:
            yield self.writer.head(self.headers), 0
            copy = CopySource(
                self.participations, columns=self.columns, labels=self.labels, delimiter=self.writer.dialect.delimiter
            )
            yield from copy.chunks()
        else:
            yield from self.writer.chunks(self.headers, self.rows())


def start_record(exporter: ParticipantExporter, *, source: str, user=None, username: str = "", filters=None):
    """The audit record is written before the first byte and completed after the last one."""
    return ParticipantExport.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=username or (user.get_username() if user is not None else ""),
        source=source,
        events=sorted(event.slug for event in exporter.events),
        filters=filters or {},
        format=exporter.format,
        columns=exporter.column_keys,
        preset=exporter.preset,
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
