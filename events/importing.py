"""Importing a list of people into an event: read the file, guess its columns, plan, then write.

``read_table()`` turns the bytes of a CSV (UTF-8 with or without BOM, UTF-16, Windows-1252;
``;``, ``,`` or tab) or an XLSX file into a header and rows, or raises ``BadFile`` with a
sentence for the user: nothing is written before the whole file has been read. ``plan_import()``
decides each row's fate without writing (the preview), a constant number of queries per batch
of rows; ``write_plan()`` writes a plan, batch by batch, in the caller's transaction;
``import_table()`` does both in one transaction, the event row locked, for the admin's
confirmation and the command.

People are matched on their e-mail (case ignored), else on their first and last names and
organisation folded by ``core.text.fold``: "LEFEVRE Helene, MBM" finds "Hélène Lefèvre" of
the organisation named or abbreviated "MBM". Existing people are never changed.
"""

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.slugs import leads_elsewhere
from core.text import fold, slugify_fr, sort_key
from people.models import Organisation, Person

from .exporters.portable import SortKey, register_sqlite_functions
from .models import Event, Participation

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 50
MAX_CELL_CHARS = 2_000
# An XLSX file is a zip: what its members declare they hold, read before openpyxl opens it
# (zipfile never inflates a member beyond its declared size).
MAX_XLSX_UNCOMPRESSED_BYTES = 80 * 1024 * 1024
MAX_XLSX_MEMBERS = 1_000
BATCH_SIZE = 1000


class BadFile(ValueError):
    """A file that cannot be imported at all; the message is for the user."""


# Fields a column can feed, in the order of the mapping form, with the headers that name them
# (folded, punctuation as spaces). The participation's own fields come last.
@dataclass(frozen=True)
class Field:
    name: str
    label: str
    max_length: int | None
    headers: str  # folded, "|" between them
    required: bool = False


FIELDS = [
    Field(
        "last_name",
        gettext_lazy("Last name"),
        100,
        "nom|nom de famille|nom usuel|last name|surname|family name",
        required=True,
    ),
    Field(
        "first_name", gettext_lazy("First name"), 100, "prenom|prenoms|first name|given name|forename", required=True
    ),
    Field(
        "email",
        gettext_lazy("E-mail"),
        254,
        "e mail|email|courriel|mail|adresse e mail|adresse email|adresse mail|"
        "adresse electronique|adresse courriel|email address|e mail address",
    ),
    Field(
        "organisation",
        gettext_lazy("Organisation"),
        200,
        "organisme|organisation|organization|structure|"
        "etablissement|societe|entreprise|employeur|collectivite|institution|company|nom de l organisme",
    ),
    Field("job_title", gettext_lazy("Job title"), 200, "fonction|poste|titre|qualite|job title|position|job"),
    Field(
        "phone",
        gettext_lazy("Phone"),
        40,
        "telephone|tel|portable|mobile|phone|numero de telephone|telephone portable|tel portable|phone number",
    ),
    Field("role", gettext_lazy("Role"), None, "role"),
    Field("status", gettext_lazy("Status"), None, "statut|status|etat|inscription"),
    Field("talk_title", gettext_lazy("Talk title"), 300, "titre de l intervention|intitule de l intervention|intervention|talk title|sujet"),
    Field(
        "notes",
        gettext_lazy("Internal notes"),
        MAX_CELL_CHARS,
        "remarques|remarque|commentaire|commentaires|notes|observations|notes internes|comments",
    ),
]
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
_HEADER_NOISE = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A value the spreadsheet computed ("=A1&B1", "=HYPERLINK(...)"): its result is not in the file.
_FORMULA = re.compile(r"^\s*[=\uff1d]")
# What our own export writes for a text that looks like a formula: a leading apostrophe, taken off.
_DEFUSED = re.compile(r"^'(?=\s*[=+@\-\uff1d\uff0b\uff20\uff0d\t\r\n])")


# Names repeat: each is folded once.
folded = lru_cache(maxsize=100_000)(fold)


def column_letter(index: int) -> str:
    """0 -> "A", 26 -> "AA": how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, one value per column)
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""

    def column_label(self, index: int) -> str:
        header = self.headers[index] if index < len(self.headers) else ""
        return f"{column_letter(index)} – {header}" if header else column_letter(index)

    def samples(self, index: int, count: int = 3) -> list[str]:
        values = (cells[index] for _number, cells in self.rows if index < len(cells) and cells[index])
        return [value for value, _ in zip(values, range(count), strict=False)]


# Reading


def read_table(data: bytes) -> Table:
    """The header and rows of a CSV or XLSX file, told apart by their content, not their name."""
    if len(data) > MAX_FILE_BYTES:
        raise BadFile(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": number_format(len(data) / 2**20, 1), "limit": MAX_FILE_BYTES // 2**20}
        )
    if not data.strip():
        raise BadFile(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadFile(_("This is an old Excel file (.xls): save it as .xlsx or CSV and import that."))
    return read_csv(data)


def decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise BadFile(_("The file announces %(encoding)s but is not.") % {"encoding": "Unicode"}) from None
    if b"\x00" in data:
        raise BadFile(_("This file is neither a CSV text nor an XLSX workbook."))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # What Excel writes in France when saving "CSV (séparateur : point-virgule)".
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise BadFile(_("This file is neither a CSV text nor an XLSX workbook.")) from None


def read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    text = text.rstrip("\x1a")  # the old end-of-file mark
    if _CONTROL.search(text):
        raise BadFile(_("This file is neither a CSV text nor an XLSX workbook."))
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = None
    if re.fullmatch(r"sep=.", first.strip()):  # Excel's hint line, "sep=;"
        delimiter = first.strip()[-1]
        text = text[text.index(first) + len(first) :].lstrip("\r\n")
    else:
        counts = {candidate: first.count(candidate) for candidate in (";", ",", "\t")}
        delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        table = tabulate(reader, kind="csv", limit_columns=False)
    except csv.Error as error:
        raise BadFile(_("The CSV file cannot be read: %(error)s.") % {"error": error}) from None
    table.encoding, table.delimiter = encoding, delimiter
    return table


def read_xlsx(data: bytes) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise BadFile(_("This file is neither a CSV text nor an XLSX workbook.")) from None
    names = {member.filename for member in members}
    if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
        raise BadFile(_("This is an OpenDocument spreadsheet (.ods): save it as .xlsx or CSV and import that."))
    if "xl/workbook.xml" not in names:
        raise BadFile(_("This zip file is not an XLSX workbook."))
    if len(members) > MAX_XLSX_MEMBERS or sum(m.file_size for m in members) > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise BadFile(
            _("The workbook would take more than %(limit)s MB once uncompressed: it is refused.")
            % {"limit": MAX_XLSX_UNCOMPRESSED_BYTES // 2**20}
        )
    try:
        # Read-only: rows are streamed from the sheet's XML; formulas stay formulas ("=..."),
        # not a cached result the file may not even hold. defusedxml refuses entity bombs.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        try:
            sheet = workbook.worksheets[0]
            rows = (
                [cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            )
            return tabulate(rows, kind="xlsx", limit_columns=True)
        finally:
            workbook.close()
    except BadFile:
        raise
    except Exception:  # a parser of untrusted files fails in many ways: none of them is a 500
        raise BadFile(_("The XLSX workbook cannot be read: it is damaged or not a workbook.")) from None


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != time.min else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def tabulate(rows: Iterable[list[str]], *, kind: str, limit_columns: bool) -> Table:
    headers, body, seen = None, [], 0
    for number, raw in enumerate(rows, start=1):
        seen += 1
        if seen > MAX_ROWS * 5:  # blank rows count too: a sheet of a million empty rows stops here
            raise too_many_rows()
        cells = [clean_cell(value) for value in raw]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) > MAX_COLUMNS:
            raise BadFile(_("The file has more than %(limit)s columns.") % {"limit": MAX_COLUMNS})
        if headers is None:
            headers = cells
            continue
        if len(body) == MAX_ROWS:
            raise too_many_rows()
        body.append((number, cells))
    if headers is None:
        raise BadFile(_("The file is empty."))
    if not body:
        raise BadFile(_("The file has a header row but no rows of people."))
    width = max(len(headers), *(len(cells) for _n, cells in body))
    headers += [""] * (width - len(headers))
    for _n, cells in body:
        cells += [""] * (width - len(cells))
    return Table(headers=headers, rows=body, kind=kind)


def too_many_rows() -> BadFile:
    return BadFile(
        _("The file has more than %(limit)s rows: split it into several files.")
        % {"limit": number_format(MAX_ROWS, force_grouping=True)}
    )


def clean_cell(value: str) -> str:
    value = unicodedata.normalize("NFC", value.replace("\x00", ""))
    if len(value) > MAX_CELL_CHARS:
        value = value[: MAX_CELL_CHARS + 1]  # long enough to be refused by the field, short enough to show
    return value.strip()


# Guessing the columns


def header_key(header: str) -> str:
    return _HEADER_NOISE.sub(" ", fold(header)).strip()


def guess_mapping(headers: list[str]) -> dict[int, str]:
    """Column index -> field name, from the header's words; each field at most once, the first column wins."""
    known = {header: f.name for f in FIELDS for header in f.headers.split("|")}
    mapping, taken = {}, set()
    for index, header in enumerate(headers):
        key = header_key(header)
        name = known.get(key)
        if name is None and key:
            if "mail" in key.split() or "courriel" in key or key.endswith("mail"):
                name = "email"
            elif key.startswith(("tel", "telephone", "portable")):
                name = "phone"
            elif key.startswith("prenom"):
                name = "first_name"
            elif key.startswith(("nom de famille", "nom usuel")) or key == "nom naissance":
                name = "last_name"
            elif key.startswith(("organisme", "organisation", "structure")):
                name = "organisation"
        if name and name not in taken:
            mapping[index] = name
            taken.add(name)
    return mapping


def mapping_problems(mapping: dict[int, str]) -> list[str]:
    names = list(mapping.values())
    problems = [
        _("“%(field)s” is given to several columns.") % {"field": FIELDS_BY_NAME[name].label}
        for name in dict.fromkeys(names)
        if names.count(name) > 1
    ]
    problems += [
        _("Choose the column holding the “%(field)s”.") % {"field": f.label}
        for f in FIELDS
        if f.required and f.name not in names
    ]
    return problems


# Planning


class Fate:
    NEW = "new"
    EXISTING = "existing"
    PARTICIPANT = "participant"
    DUPLICATE = "duplicate"
    ERROR = "error"

    LABELS = {
        NEW: gettext_lazy("New person"),
        EXISTING: gettext_lazy("Existing person"),
        PARTICIPANT: gettext_lazy("Already a participant"),
        DUPLICATE: gettext_lazy("Duplicate row"),
        ERROR: gettext_lazy("Error"),
    }
    ORDER = (NEW, EXISTING, PARTICIPANT, DUPLICATE, ERROR)

    @staticmethod
    def counted(fate: str, count: int) -> str:
        """The fate as a count reads it: « 2 nouvelles personnes », « 1 erreur »."""
        singular, plural = {
            Fate.NEW: ("new person", "new people"),
            Fate.EXISTING: ("existing person", "existing people"),
            Fate.PARTICIPANT: ("already a participant", "already participants"),
            Fate.DUPLICATE: ("duplicate row", "duplicate rows"),
            Fate.ERROR: ("error", "errors"),
        }[fate]
        return ngettext(singular, plural, count)


@dataclass
class Row:
    number: int
    values: dict[str, str]
    fate: str = ""
    reason: str = ""
    person_id: int | None = None
    person_name: str = ""
    organisation_id: int | None = None  # an existing organisation named by the row
    organisation_key: str = ""  # the folded name of the row's organisation, existing or new
    organisation_ids: list[int] = field(default_factory=list)  # every organisation of that name
    person_organisation_id: int | None = None  # the existing person's current organisation
    duplicate_of: int | None = None
    role: str = ""
    status: str = ""

    @property
    def label(self) -> str:
        return str(Fate.LABELS[self.fate])

    @property
    def email_key(self) -> str:
        return self.values.get("email", "").lower()

    @property
    def name_key(self) -> tuple[str, str, str]:
        return (folded(self.values["first_name"]), folded(self.values["last_name"]), self.organisation_key)


@dataclass
class Plan:
    event: Event
    rows: list[Row]
    role: str
    status: str
    new_organisations: dict[str, str] = field(default_factory=dict)  # folded name -> name as first written

    def count(self, fate: str) -> int:
        return sum(1 for row in self.rows if row.fate == fate)

    @property
    def counts(self) -> dict[str, int]:
        return {fate: self.count(fate) for fate in Fate.ORDER}

    @property
    def errors(self) -> list[Row]:
        return [row for row in self.rows if row.fate == Fate.ERROR]

    @property
    def to_write(self) -> list[Row]:
        return [row for row in self.rows if row.fate in (Fate.NEW, Fate.EXISTING)]


def single_line(value: str) -> str:
    return _SPACES.sub(" ", value).strip()


def choice_lookup(choices) -> dict[str, str]:
    """ "Intervenant", "intervenante", "speaker", "Speaker" -> "speaker"."""
    lookup = {}
    for value, label in choices:
        lookup[header_key(value)] = value
        lookup[header_key(str(label))] = value
        for language in ("fr", "en"):
            with translation.override(language):
                lookup[header_key(str(label))] = value
    return lookup


def row_values(cells: list[str], mapping: dict[int, str]) -> dict[str, str]:
    values = {f.name: "" for f in FIELDS}
    for index, name in mapping.items():
        if index < len(cells):
            values[name] = cells[index]
    return values


def check_row(row: Row, *, roles: dict[str, str], statuses: dict[str, str], role: str, status: str) -> str:
    """Cleans the row's values in place; returns the reason it cannot be imported, or ""."""
    values = row.values
    for f in FIELDS:
        raw = values[f.name]
        if _FORMULA.match(raw):
            return _("“%(field)s” is a formula (%(value)s): type the value itself.") % {
                "field": f.label,
                "value": raw[:40],
            }
        value = _DEFUSED.sub("", raw)
        value = value.strip() if f.name == "notes" else single_line(_CONTROL.sub(" ", value))
        if f.max_length and len(value) > f.max_length:
            return _("“%(field)s” is too long (%(length)s characters, at most %(limit)s).") % {
                "field": f.label,
                "length": len(value),
                "limit": f.max_length,
            }
        values[f.name] = value
    missing = [str(f.label) for f in FIELDS if f.required and not values[f.name]]
    if missing:
        return _("Missing: %(fields)s.") % {"fields": ", ".join(missing)}
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            return _("“%(value)s” is not an e-mail address.") % {"value": values["email"][:80]}
    row.role, row.status = role, status
    if values["role"]:
        row.role = roles.get(header_key(values["role"]), "")
        if not row.role:
            return _("Unknown role “%(value)s”.") % {"value": values["role"][:40]}
    if values["status"]:
        row.status = statuses.get(header_key(values["status"]), "")
        if not row.status:
            return _("Unknown status “%(value)s”.") % {"value": values["status"][:40]}
    return ""


def use_sort_key_function() -> None:
    if connection.vendor == "sqlite":
        register_sqlite_functions(connection)


def plan_import(
    event: Event,
    table: Table,
    mapping: dict[int, str],
    *,
    role: str = Participation.Role.ATTENDEE,
    status: str = Participation.Status.REGISTERED,
    batch_size: int = BATCH_SIZE,
) -> Plan:
    """Each row's fate, nothing written: at most four queries per batch of rows."""
    use_sort_key_function()
    roles, statuses = choice_lookup(Participation.Role.choices), choice_lookup(Participation.Status.choices)
    plan = Plan(event=event, rows=[], role=role, status=status)
    seen_emails: dict[str, int] = {}
    seen_names: dict[tuple, tuple[int, str]] = {}
    seen_people: dict[int, int] = {}
    for start in range(0, len(table.rows), batch_size):
        batch = []
        for number, cells in table.rows[start : start + batch_size]:
            row = Row(number=number, values=row_values(cells, mapping))
            row.reason = check_row(row, roles=roles, statuses=statuses, role=role, status=status)
            row.fate = Fate.ERROR if row.reason else ""
            plan.rows.append(row)
            if not row.reason:
                batch.append(row)
        match_batch(event, batch, plan)
        for row in batch:
            previous = None
            if row.email_key and row.email_key in seen_emails:
                previous = seen_emails[row.email_key]
            elif row.name_key in seen_names and not (row.email_key and seen_names[row.name_key][1]):
                previous = seen_names[row.name_key][0]
            elif row.person_id is not None and row.person_id in seen_people:
                previous = seen_people[row.person_id]
            if previous is not None:
                row.fate, row.duplicate_of = Fate.DUPLICATE, previous
                row.reason = _("Same person as row %(number)s.") % {"number": previous}
                continue
            if row.email_key:
                seen_emails[row.email_key] = row.number
            seen_names.setdefault(row.name_key, (row.number, row.email_key))
            if row.person_id is not None:
                seen_people[row.person_id] = row.number
            if row.organisation_key and row.organisation_id is None:
                plan.new_organisations.setdefault(row.organisation_key, row.values["organisation"])
    return plan


def match_batch(event: Event, rows: list[Row], plan: Plan) -> None:
    """Organisations, people and participations of one batch: four queries whatever its size."""
    if not rows:
        return
    # Organisations: folded name or acronym -> their ids, lowest first (names are not unique).
    organisations: dict[str, list[int]] = {}
    sort_keys = {sort_key(row.values["organisation"]) for row in rows if row.values["organisation"]}
    if sort_keys:
        found = (
            Organisation.objects.annotate(name_key=SortKey("name"), acronym_key=SortKey("acronym"))
            .filter(Q(name_key__in=sort_keys) | Q(acronym_key__in=sort_keys))
            .order_by("pk")
            .values_list("pk", "name", "acronym")
        )
        by_acronym: dict[str, list[int]] = {}
        for pk, name, acronym in found:
            organisations.setdefault(folded(single_line(name)), []).append(pk)
            if acronym:
                by_acronym.setdefault(folded(single_line(acronym)), []).append(pk)
        for key, pks in by_acronym.items():
            organisations.setdefault(key, pks)  # a name wins over an acronym
    for row in rows:
        row.organisation_key = folded(row.values["organisation"])
        row.organisation_ids = organisations.get(row.organisation_key, [])
        row.organisation_id = row.organisation_ids[0] if row.organisation_ids else None

    # People known by their e-mail, case ignored.
    by_email: dict[str, list[tuple]] = {}
    emails = {row.email_key for row in rows if row.email_key}
    if emails:
        for email, *person in (
            Person.objects.annotate(email_key=Lower("email"))
            .filter(email_key__in=emails)
            .order_by("pk")
            .values_list("email_key", "pk", "first_name", "last_name", "organisation_id")
        ):
            by_email.setdefault(email, []).append(tuple(person))
    # The others by their names and organisation: a row naming an unknown organisation is someone new.
    by_names = [
        row for row in rows if row.email_key not in by_email and (row.organisation_ids or not row.organisation_key)
    ]
    by_name: dict[tuple, list[tuple]] = {}
    if by_names:
        organisation_ids = {pk for row in by_names for pk in row.organisation_ids}
        same_organisation = Q(organisation_id__in=organisation_ids)
        if any(not row.organisation_key for row in by_names):
            same_organisation |= Q(organisation__isnull=True)
        for pk, first, last, organisation_id, email in (
            Person.objects.annotate(first_key=SortKey("first_name"), last_key=SortKey("last_name"))
            .filter(same_organisation)
            .filter(
                last_key__in={sort_key(row.values["last_name"]) for row in by_names},
                first_key__in={sort_key(row.values["first_name"]) for row in by_names},
            )
            .order_by("pk")
            .values_list("pk", "first_name", "last_name", "organisation_id", "email")
        ):
            key = (folded(single_line(first)), folded(single_line(last)))
            by_name.setdefault(key, []).append((pk, first, last, organisation_id, email))

    for row in rows:
        first, last = folded(row.values["first_name"]), folded(row.values["last_name"])
        match = None
        if row.email_key in by_email:
            people = by_email[row.email_key]
            match = next((p for p in people if (folded(p[1]), folded(p[2])) == (first, last)), people[0])
        else:
            wanted = set(row.organisation_ids) if row.organisation_key else {None}
            # Someone with the same name but another address is someone else.
            match = next(
                (p[:4] for p in by_name.get((first, last), []) if p[3] in wanted and not (row.email_key and p[4])),
                None,
            )
        if match is None:
            row.fate = Fate.NEW
            continue
        row.fate, row.person_id, row.person_name = Fate.EXISTING, match[0], f"{match[1]} {match[2]}"
        row.person_organisation_id = match[3]
        if match[3] in row.organisation_ids:
            row.organisation_id = match[3]  # of two organisations of the same name, the person's

    matched = {row.person_id for row in rows if row.person_id is not None}
    if matched:
        participants = set(
            Participation.objects.filter(event=event, person_id__in=matched).values_list("person_id", flat=True)
        )
        for row in rows:
            if row.person_id in participants:
                row.fate = Fate.PARTICIPANT


# Writing


class ImportConflict(BadFile):
    """Someone else wrote the same people meanwhile: the import is rolled back, to be tried again."""


@dataclass
class Result:
    people: list[int] = field(default_factory=list)  # created
    organisations: list[int] = field(default_factory=list)  # created
    participations: int = 0
    skipped_errors: int = 0


def allocate_slugs(model, values: list[str]) -> list[str]:
    """core.slugs.unique_slug() for many new rows at once: at most two queries, whatever their number."""
    max_length = model._meta.get_field("slug").max_length
    bases = [slugify_fr(value, max_length - 4) or "sans-titre" for value in values]
    distinct = set(bases)
    taken = set(model.objects.filter(slug__in=distinct).values_list("slug", flat=True))
    collided = sorted(distinct & taken)
    if collided:
        numbered = Q()
        for base in collided:
            numbered |= Q(slug__startswith=f"{base}-")
        taken |= set(model.objects.filter(numbered).values_list("slug", flat=True))
    probe, slugs = model(), []
    for base in bases:
        candidate, n = base, 2
        while candidate in taken or leads_elsewhere(probe, candidate):
            candidate, n = f"{base}-{n}", n + 1
        taken.add(candidate)
        slugs.append(candidate)
    return slugs


def write_plan(plan: Plan, *, batch_size: int = BATCH_SIZE, on_batch: Callable[[int], None] | None = None) -> Result:
    """Writes the plan's new organisations, people and participations: at most eight queries per batch.

    Call it in a transaction (``import_table`` does): a failure half-way leaves nothing behind.
    """
    result = Result(skipped_errors=len(plan.errors))
    rows = plan.to_write
    now = timezone.now()
    organisations: dict[str, int] = {}
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        missing = [
            key
            for key in dict.fromkeys(r.organisation_key for r in batch if r.organisation_key)
            if key in plan.new_organisations and key not in organisations
        ]
        if missing:
            names = [plan.new_organisations[key] for key in missing]
            created = Organisation.objects.bulk_create(
                Organisation(name=name, slug=slug, kind=Organisation.Kind.OTHER, created=now, updated=now)
                for name, slug in zip(names, allocate_slugs(Organisation, names), strict=True)
            )
            organisations.update(zip(missing, (o.pk for o in created), strict=True))
            result.organisations += [o.pk for o in created]
        for row in batch:
            if row.organisation_key and row.organisation_id is None:
                row.organisation_id = organisations[row.organisation_key]

        new = [row for row in batch if row.fate == Fate.NEW]
        if new:
            slugs = allocate_slugs(Person, [f"{r.values['first_name']} {r.values['last_name']}" for r in new])
            people = Person.objects.bulk_create(
                Person(
                    first_name=r.values["first_name"],
                    last_name=r.values["last_name"],
                    email=r.values["email"],
                    phone=r.values["phone"],
                    job_title=r.values["job_title"],
                    organisation_id=r.organisation_id,
                    slug=slug,
                    created=now,
                    updated=now,
                )
                for r, slug in zip(new, slugs, strict=True)
            )
            for row, person in zip(new, people, strict=True):
                row.person_id, row.person_organisation_id = person.pk, person.organisation_id
            result.people += [person.pk for person in people]

        Participation.objects.bulk_create(
            Participation(
                event_id=plan.event.pk,
                person_id=row.person_id,
                role=row.role,
                status=row.status,
                talk_title=row.values["talk_title"],
                notes=row.values["notes"],
                # The organisation the list names, else the person's (as Participation.save() does).
                organisation_id=row.organisation_id or row.person_organisation_id,
                created=now,
                updated=now,
            )
            for row in batch
        )
        result.participations += len(batch)
        if on_batch is not None:
            on_batch(result.participations)
    return result


def import_table(
    event: Event,
    table: Table,
    mapping: dict[int, str],
    *,
    role: str = Participation.Role.ATTENDEE,
    status: str = Participation.Status.REGISTERED,
    skip_errors: bool = False,
    expected: dict[str, int] | None = None,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> tuple[Plan, Result | None]:
    """Plans again and writes, in one transaction with the event locked, or writes nothing.

    Nothing is written (the result is None) when a row is in error and ``skip_errors`` is false,
    or when the fates differ from ``expected`` (the counts of the preview the user confirmed).
    """
    try:
        with transaction.atomic():
            list(Event.objects.select_for_update().filter(pk=event.pk).values_list("pk"))
            plan = plan_import(event, table, mapping, role=role, status=status, batch_size=batch_size)
            if (expected is not None and plan.counts != expected) or (plan.errors and not skip_errors):
                return plan, None
            return plan, write_plan(plan, batch_size=batch_size, on_batch=on_batch)
    except IntegrityError:
        raise ImportConflict(
            _("Someone added some of these people at the same time: nothing was imported, try again.")
        ) from None


def summary_lines(plan: Plan) -> Iterator[str]:
    """The preview in a few lines, for the command."""
    counts = plan.counts
    yield _(
        "%(rows)s rows: %(new)s new people, %(existing)s existing people, %(participants)s already "
        "participants, %(duplicates)s duplicate rows, %(errors)s errors."
    ) % {
        "rows": len(plan.rows),
        "new": counts[Fate.NEW],
        "existing": counts[Fate.EXISTING],
        "participants": counts[Fate.PARTICIPANT],
        "duplicates": counts[Fate.DUPLICATE],
        "errors": counts[Fate.ERROR],
    }
    if plan.new_organisations:
        yield _("New organisations: %(names)s.") % {"names": ", ".join(plan.new_organisations.values())}
    for row in plan.rows:
        if row.fate in (Fate.ERROR, Fate.DUPLICATE):
            yield _("Row %(number)s: %(reason)s") % {"number": row.number, "reason": row.reason}
