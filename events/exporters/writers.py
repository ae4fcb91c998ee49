"""Writers turn rows of cells (already defused by their source) into the bytes of a file.

One writer per file type: CSV in two dialects, and XLSX (xlsx.py), which takes typed rows.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..models import ParticipantExport
from .xlsx import XlsxWriter

Format = ParticipantExport.Format
CHUNK_CHARACTERS = 64 * 1024


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    bom: bool


class CsvWriter:
    """Quotes doubled, a cell quoted only when it holds the delimiter, a quote or a line break; CRLF."""

    content_type = "text/csv; charset=utf-8"
    extension = "csv"
    typed = False  # takes defused text cells

    def __init__(self, dialect: Dialect):
        self.dialect = dialect

    def head(self, headers: list[str]) -> bytes:
        """The byte-order mark if any and the header line: what COPY's rows follow."""
        buffer = io.StringIO()
        self._writer(buffer).writerow(headers)
        return ("\ufeff" if self.dialect.bom else "").encode() + buffer.getvalue().encode()

    def chunks(self, headers: list[str], rows: Iterable[list[str]]) -> Iterator[tuple[bytes, int]]:
        """The whole file in chunks of about CHUNK_CHARACTERS, each with its number of rows."""
        head = self.head(headers)
        buffer = io.StringIO()
        writer = self._writer(buffer)
        pending = 0
        for row in rows:
            writer.writerow(row)
            pending += 1
            if buffer.tell() >= CHUNK_CHARACTERS:
                yield head + buffer.getvalue().encode(), pending
                head, pending = b"", 0
                buffer.seek(0)
                buffer.truncate()
        yield head + buffer.getvalue().encode(), pending

    def _writer(self, buffer: io.StringIO):
        return csv.writer(buffer, delimiter=self.dialect.delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


WRITERS = {
    Format.EXCEL: CsvWriter(Dialect(";", bom=True)),  # what Excel in French opens with a double click
    Format.CSV: CsvWriter(Dialect(",", bom=False)),  # RFC 4180
    Format.XLSX: XlsxWriter(),
}
