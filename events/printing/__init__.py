"""Printed participant lists: the sign-in sheet ("feuille d'émargement") and name badges, as PDF.

- __init__.py: who is printed, in which order, the sheets, the file name, the audit record;
- text.py: the embedded fonts and text fitted into a box (shrunk, never cut off);
- page.py: A4, colours, the footer "page 2 / 7";
- signin.py, badges.py: one layout each, drawn with ReportLab's canvas.

The admin (events/admin.py, views.py here) and ``manage.py print_participants`` both call print_sheet().
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from core.text import fold

from ..display import ROLE_LABELS
from ..models import Event, ParticipantExport, Participation
from .badges import render_badges
from .signin import render_signin
from .text import clean, missing_glyphs

PRINT_LANGUAGE = "fr"
PDF_FORMAT = ParticipantExport.Format.PDF  # a printed list in the export log; which sheet goes in its filters


class NothingToPrint(Exception):
    pass


@dataclass(frozen=True)
class Attendee:
    first_name: str
    last_name: str
    organisation: str
    role: str
    role_label: str  # "Intervenante", "Organisateur", as the event page words it

    @property
    def contributes(self) -> bool:
        return self.role in Participation.CONTRIBUTING_ROLES

    @property
    def speaks(self) -> bool:
        return self.role in Participation.SPEAKING_ROLES


def attendees(event: Event) -> list[Attendee]:
    """Everyone expected, whatever their role (speakers and organisers sign and wear a badge too),
    cancelled participations left out; sorted by last then first name, accents and case folded."""
    rows = (
        event.participations.not_cancelled()
        .annotate(organisation_name=Coalesce("organisation__name", "person__organisation__name"))
        .values_list(
            "pk", "person__first_name", "person__last_name", "organisation_name", "role", "person__grammatical_gender"
        )
    )
    people = []
    with override(PRINT_LANGUAGE):
        for pk, first, last, organisation, role, gender in rows.iterator(chunk_size=2000):
            first, last = clean(first), clean(last)
            label = ROLE_LABELS.get(gender, ROLE_LABELS[""]).get(role, role)
            people.append(
                (
                    (fold(last), fold(first), last, first, pk),
                    Attendee(first, last, clean(organisation), role, str(label)),
                )
            )
    people.sort(key=lambda pair: pair[0])
    return [attendee for _key, attendee in people]


class Sheet(NamedTuple):
    title: object  # lazy translation
    file_stem: str
    render: Callable[..., tuple[bytes, int]]  # (event, attendees, printed_on=) -> (PDF, pages)


SHEETS = {
    "signin": Sheet(_("Sign-in sheet"), "feuille-emargement", render_signin),
    "badges": Sheet(_("Badges"), "badges", render_badges),
}


@dataclass
class Printed:
    sheet: str
    content: bytes
    filename: str
    count: int  # participants printed
    pages: int
    missing: set[str]  # characters the embedded font cannot draw


def print_sheet(event: Event, sheet: str) -> Printed:
    """The PDF of one sheet for one event; NothingToPrint for badges of an event without participants
    (a sign-in sheet always prints: its blank rows are for those who come without registering)."""
    if sheet not in SHEETS:
        raise ValueError(f"Unknown sheet: {sheet!r}")
    layout = SHEETS[sheet]
    people = attendees(event)
    if not people and sheet == "badges":
        raise NothingToPrint(event.slug)
    with override(PRINT_LANGUAGE):
        content, pages = layout.render(event, people, printed_on=timezone.localdate())
    text = "".join(f"{person.first_name}{person.last_name}{person.organisation}" for person in people)
    return Printed(sheet, content, f"{layout.file_stem}-{event.slug}.pdf", len(people), pages, missing_glyphs(text))


def record_print(printed: Printed, event: Event, *, source: str, user=None, username: str = "") -> ParticipantExport:
    """A printed list holds names and organisations: it is logged like an export, once it is made."""
    now = timezone.now()
    return ParticipantExport.objects.create(
        created=now,
        finished=now,
        user=user if user is not None and user.is_authenticated else None,
        username=username or (user.get_username() if user is not None else ""),
        source=source,
        events=[event.slug],
        filters={"sheet": printed.sheet},
        format=PDF_FORMAT,
        row_count=printed.count,
        completed=True,
    )
