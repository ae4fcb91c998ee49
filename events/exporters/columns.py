"""What the participant file holds, whatever the source: its columns, its order, and what a
formula looks like. The portable source (portable.py) and COPY (postgresql.py) both read these.
"""

from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils.translation import override, pgettext_lazy

from ..models import Participation

EXPORT_LANGUAGE = "fr"
TEXT, DATETIME = "text", "datetime"


@dataclass(frozen=True)
class Column:
    key: str  # what presets, the export form, the command and the audit record name it by
    header: str
    field: str  # what the portable source selects through the ORM
    sql: str  # what COPY selects, in its query's aliases (see postgresql.FROM)
    kind: str = TEXT  # TEXT, DATETIME or a key of LABELS
    personal: bool = False  # contact details: only for those who may see them (may_see_personal_data)
    width: int = 18  # in an XLSX sheet, in characters


COLUMNS = [
    Column("last_name", pgettext_lazy("export column", "Last name"), "person__last_name", "person.last_name"),
    Column("first_name", pgettext_lazy("export column", "First name"), "person__first_name", "person.first_name"),
    # The organisation at the time of the participation, else the person's current one.
    Column(
        "organisation",
        pgettext_lazy("export column", "Organisation"),
        "organisation_name",
        "organisation.name",
        width=32,
    ),
    Column("job_title", pgettext_lazy("export column", "Job title"), "person__job_title", "person.job_title", width=24),
    Column("role", pgettext_lazy("export column", "Role"), "role", "participation.role", kind="role", width=14),
    Column(
        "talk_title", pgettext_lazy("export column", "Talk title"), "talk_title", "participation.talk_title", width=40
    ),
    Column("email", pgettext_lazy("export column", "E-mail"), "person__email", "person.email", personal=True, width=30),
    Column("phone", pgettext_lazy("export column", "Phone"), "person__phone", "person.phone", personal=True),
    Column(
        "status", pgettext_lazy("export column", "Status"), "status", "participation.status", kind="status", width=14
    ),
    Column(
        "registered_on",
        pgettext_lazy("export column", "Registered on"),
        "created",
        "participation.created",
        kind=DATETIME,
        width=17,
    ),
    Column("event", pgettext_lazy("export column", "Event"), "event__title", "event.title", width=32),
]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_COLUMNS = [column.key for column in COLUMNS]  # the default preset: all eleven, in this order


def columns_named(keys) -> list[Column]:
    """The columns of these keys, in this order; ValueError names the first unknown or repeated key."""
    seen = set()
    for key in keys:
        if key not in COLUMNS_BY_KEY:
            raise ValueError(f"Unknown column: {key!r} (choose among {', '.join(DEFAULT_COLUMNS)}).")
        if key in seen:
            raise ValueError(f"Column given twice: {key!r}.")
        seen.add(key)
    if not seen:
        raise ValueError("No column to export.")
    return [COLUMNS_BY_KEY[key] for key in keys]


LABELS: dict[str, type[TextChoices]] = {"role": Participation.Role, "status": Participation.Status}

FOLDED, CODE_POINT, VALUE = "folded", "code point", "value"


@dataclass(frozen=True)
class Key:
    field: str
    sql: str
    compare: str = VALUE  # FOLDED: core.text.sort_key(); CODE_POINT: the exact text; VALUE: as stored


# Last name, then first name, ignoring case and accents; ties broken by the exact text, then
# the event's start, then the participation.
ORDER = [
    Key("person__last_name", "person.last_name", FOLDED),
    Key("person__first_name", "person.first_name", FOLDED),
    Key("person__last_name", "person.last_name", CODE_POINT),
    Key("person__first_name", "person.first_name", CODE_POINT),
    Key("event__start", "event.start"),
    Key("pk", "participation.id"),
]


def french_headers(columns: list[Column]) -> list[str]:
    with override(EXPORT_LANGUAGE):
        return [str(column.header) for column in columns]


def french_labels(columns: list[Column]) -> dict[str, dict[str, str]]:
    """{kind: {stored value: label}} for the labelled columns; other values are written as stored."""
    with override(EXPORT_LANGUAGE):
        return {
            column.kind: {value: str(label) for value, label in LABELS[column.kind].choices}
            for column in columns
            if column.kind in LABELS
        }


# OWASP "CSV injection": a spreadsheet reads a formula in a cell that starts with a tab or a line
# break, or with = + - @ or their full-width forms once it has skipped any white space (no-break
# spaces too) and zero-width characters (the byte-order mark too). A line break is CRLF in
# portable.defuse() and LF in postgresql.pg_cell(): the pattern reads either.
SKIPPED = "\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
FORMULA_PATTERN = f"[\t\r\n]|[{SKIPPED}]*[=+@\uff1d\uff0b\uff20\uff0d-]"
# ... except an international phone number, which holds no letter, colon, bang or pipe and so
# cannot call a function, reference a cell or reach DDE: "+33 3 21 08 72 72" stays readable.
PHONE_PATTERN = "\\+[0-9 \u00a0\u202f.()-]*[0-9][0-9 \u00a0\u202f.()-]*"
