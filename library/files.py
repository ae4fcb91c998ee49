"""Which documents the library accepts, told from their content (never from their name).

PDF by its signature; OpenDocument and Office Open XML are ZIP files told apart by the
parts they hold (macro-enabled ones are refused); CSV and plain text are UTF-8 without
control characters, the name only choosing between the two.
"""

import zipfile
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class DocumentType(NamedTuple):
    extension: str
    label: str


ODF = "application/vnd.oasis.opendocument."
OOXML = "application/vnd.openxmlformats-officedocument."
DOCUMENT_TYPES = {
    "application/pdf": DocumentType("pdf", _("PDF")),
    f"{ODF}text": DocumentType("odt", _("OpenDocument text")),
    f"{ODF}spreadsheet": DocumentType("ods", _("OpenDocument spreadsheet")),
    f"{ODF}presentation": DocumentType("odp", _("OpenDocument presentation")),
    f"{OOXML}wordprocessingml.document": DocumentType("docx", _("Word")),
    f"{OOXML}spreadsheetml.sheet": DocumentType("xlsx", _("Excel")),
    f"{OOXML}presentationml.presentation": DocumentType("pptx", _("PowerPoint")),
    "text/csv": DocumentType("csv", _("CSV")),
    "text/plain": DocumentType("txt", _("Text")),
}
# The part that tells which Office Open XML document a ZIP file is.
OOXML_MAIN_PARTS = {
    "word/document.xml": f"{OOXML}wordprocessingml.document",
    "xl/workbook.xml": f"{OOXML}spreadsheetml.sheet",
    "ppt/presentation.xml": f"{OOXML}presentationml.presentation",
}
TEXT_SAMPLE = 64 * 1024


def refused() -> ValidationError:
    return ValidationError(
        _("This file type is not accepted: PDF, OpenDocument, Word, Excel, PowerPoint, CSV or plain text only."),
        code="format",
    )


def identify_document(file) -> str:
    """The accepted content type of ``file``, or a ValidationError."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return "application/pdf"
        if head.startswith(b"PK\x03\x04"):
            return _zipped_type(file)
        return _text_type(file)
    finally:
        file.seek(0)


def _zipped_type(file) -> str:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise refused()  # macros
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if declared in DOCUMENT_TYPES and declared.startswith(ODF):
                    return declared
            if "[Content_Types].xml" in names:
                for part, content_type in OOXML_MAIN_PARTS.items():
                    if part in names:
                        return content_type
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError) as error:
        raise refused() from error
    raise refused()


def _text_type(file) -> str:
    sample = file.read(TEXT_SAMPLE)
    if not sample:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(sample) == TEXT_SAMPLE:
        sample = sample[: sample.rfind(b"\n") + 1] or sample  # not cut inside a character
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as error:
        raise refused() from error
    if any(ord(char) < 32 and char not in "\t\r\n\f" for char in text):
        raise refused()
    name = (getattr(file, "name", "") or "").lower()
    return "text/csv" if name.endswith(".csv") else "text/plain"


def validate_document(file) -> None:
    """Refuse a file too large or of a type not accepted; a stored file is not read again."""
    if file is None or getattr(file, "_committed", False):
        return
    if file.size is not None and file.size > settings.MAX_DOCUMENT_UPLOAD_BYTES:
        limit = settings.MAX_DOCUMENT_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError(
            _("The file is too large (maximum %(limit)s MB).") % {"limit": limit}, code="too_large"
        )
    if not file.size:
        raise ValidationError(_("The file is empty."), code="empty")
    identify_document(file)
