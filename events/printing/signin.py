"""The sign-in sheet ("feuille d'émargement"): one row per expected participant, then blank rows for walk-ins.

Rows have one height, so the pages are planned before anything is drawn: the footer knows the
number of pages ("page 2 / 7") without a second pass.
"""

import io
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from reportlab.lib.units import mm

from core.dates import french_date

from ..display import event_dates, event_place, event_times, zone_label
from .page import BRICK, INK, LINE, MUTED, PAGE_HEIGHT, PAGE_WIDTH, SOFT, draw_footer, new_canvas
from .text import BOLD, REGULAR, Fitted, Word, clean, draw_lines, fit, words

MARGIN = 15 * mm
TOP = PAGE_HEIGHT - 14 * mm
BOTTOM = 17 * mm  # the table stops here; the footer sits below
FOOTER_BASELINE = 10 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN
COLUMNS = (64 * mm, 58 * mm, WIDTH - 122 * mm)  # name, organisation, signature
PADDING = 2 * mm
HEADER_HEIGHT = 8 * mm
ROW_HEIGHT = 10 * mm
SECTION_HEIGHT = 12 * mm
CONTINUATION_HEIGHT = 9 * mm  # the event's title atop pages 2 and after
WALK_IN_ROWS = 10  # at least; then blank rows to the foot of that page
NAME_SIZE, ORGANISATION_SIZE, HEADER_SIZE = 10, 9, 9

HEADER, ROW, SECTION, BLANK = "header", "row", "section", "blank"
HEIGHTS = {HEADER: HEADER_HEIGHT, ROW: ROW_HEIGHT, SECTION: SECTION_HEIGHT, BLANK: ROW_HEIGHT}


@dataclass(frozen=True)
class Item:
    kind: str
    attendee: object = None


def plan(people: list, *, first_room: float, other_room: float) -> list[list[Item]]:
    """The items of each page: a header row opens the table on every page and after the walk-ins' title."""
    items = [Item(ROW, person) for person in people] + [Item(SECTION)] + [Item(BLANK)] * WALK_IN_ROWS
    pages: list[list[Item]] = [[]]
    room = first_room
    header_due = True

    def new_page():
        nonlocal room, header_due
        pages.append([])
        room, header_due = other_room, True

    def place(item: Item) -> None:
        nonlocal room, header_due
        if item.kind == SECTION:
            if room < SECTION_HEIGHT + HEADER_HEIGHT + ROW_HEIGHT:  # never a title alone at the foot of a page
                new_page()
            pages[-1].append(item)
            room -= SECTION_HEIGHT
            header_due = True
            return
        if room < ROW_HEIGHT + (HEADER_HEIGHT if header_due else 0):
            new_page()
        if header_due:
            pages[-1].append(Item(HEADER))
            room -= HEADER_HEIGHT
            header_due = False
        pages[-1].append(item)
        room -= ROW_HEIGHT

    for item in items:
        place(item)
    while room >= ROW_HEIGHT:  # the last page filled with walk-in rows
        place(Item(BLANK))
    return pages


def when(event) -> str:
    """7–8 mai 2025; 16 décembre 2026, 18 h 30 – 20 h (heure de Québec)."""
    dates = event_dates(event)
    times = "" if event.is_multi_day else event_times(event)
    if not times:
        return dates
    text = f"{dates}, {times}"
    return text if event.in_home_zone else f"{text} ({zone_label(event)})"


def where(event) -> str:
    """Centre des congrès, 123 rue X, Thetford Mines (Québec, Canada)."""
    return ", ".join(part for part in (clean(event.venue), clean(event.address), event_place(event)) if part)


class TitleBlock:
    """Atop the first page: what the sheet is, the event, when, where, how many are expected."""

    def __init__(self, event, count: int, printed_on: date):
        kicker = fit(words(_("Sign-in sheet").upper(), BOLD), width=WIDTH, height=20, size=10)
        title = fit(words(event.title, BOLD), width=WIDTH, height=3 * 18 * 1.2, size=18, max_lines=3)
        details = [
            fit(words(text), width=WIDTH, height=40, size=10.5, max_lines=3) for text in (when(event), where(event))
        ]
        if count:
            expected = ngettext("%(n)d expected participant", "%(n)d expected participants", count) % {"n": count}
        else:
            expected = _("No registered participant")
        printed = _("printed on %(date)s") % {"date": french_date(printed_on)}
        note = fit(words(f"{expected} · {printed}"), width=WIDTH, height=20, size=9)
        gap = 2.5 * mm
        details = [(fitted, INK, 0) for fitted in details]
        details[-1] = (details[-1][0], INK, gap)
        self.parts = [(kicker, BRICK, gap), (title, INK, gap), *details, (note, MUTED, 5 * mm)]
        self.height = sum(fitted.height + after for fitted, _colour, after in self.parts)

    def draw(self, canvas, top: float) -> None:
        for fitted, colour, after in self.parts:
            canvas.setFillColor(colour)
            draw_lines(canvas, fitted, MARGIN, top)
            top -= fitted.height + after
        canvas.setFillColor(INK)


def name_words(person) -> list[Word]:
    return words(person.last_name, BOLD) + words(person.first_name, REGULAR)


def fitted_in_cell(items: list[Word], column: int, size: float, max_lines: int = 2) -> Fitted:
    return fit(items, width=COLUMNS[column] - 2 * PADDING, height=ROW_HEIGHT - 2 * mm, size=size, max_lines=max_lines)


def draw_cell(canvas, fitted: Fitted, column: int, top: float, height: float) -> None:
    x = MARGIN + sum(COLUMNS[:column]) + PADDING
    draw_lines(canvas, fitted, x, top - (height - fitted.height) / 2)


def draw_grid(canvas, top: float, height: float, *, shaded: bool = False) -> None:
    if shaded:
        canvas.setFillColor(SOFT)
        canvas.rect(MARGIN, top - height, WIDTH, height, stroke=0, fill=1)
        canvas.setFillColor(INK)
    canvas.setStrokeColor(LINE)
    canvas.setLineWidth(0.6)
    canvas.rect(MARGIN, top - height, WIDTH, height, stroke=1, fill=0)
    x = MARGIN
    for width in COLUMNS[:-1]:
        x += width
        canvas.line(x, top, x, top - height)


def render_signin(event, people: list, *, printed_on: date) -> tuple[bytes, int]:
    title = _("Sign-in sheet")
    block = TitleBlock(event, len(people), printed_on)
    continuation = fit(words(event.title, BOLD), width=WIDTH, height=CONTINUATION_HEIGHT, size=10)
    first_room = TOP - block.height - BOTTOM
    other_room = TOP - CONTINUATION_HEIGHT - BOTTOM
    pages = plan(people, first_room=first_room, other_room=other_room)
    headers = [
        fitted_in_cell(words(label, BOLD), column, HEADER_SIZE)
        for column, label in enumerate(
            (pgettext("sign-in sheet", "Name"), pgettext("sign-in sheet", "Organisation"), _("Signature"))
        )
    ]
    walk_ins = fit(
        words(_("Not registered: to be filled in on the day"), BOLD), width=WIDTH, height=SECTION_HEIGHT, size=11
    )
    footer = f"{title} – {clean(event.title)}"

    buffer = io.BytesIO()
    canvas = new_canvas(buffer, title=title, event=event)
    for number, items in enumerate(pages, start=1):
        if number == 1:
            block.draw(canvas, TOP)
            y = TOP - block.height
        else:
            canvas.setFillColor(MUTED)
            draw_lines(canvas, continuation, MARGIN, TOP)
            canvas.setFillColor(INK)
            y = TOP - CONTINUATION_HEIGHT
        for item in items:
            height = HEIGHTS[item.kind]
            if item.kind == HEADER:
                draw_grid(canvas, y, height, shaded=True)
                for column, fitted in enumerate(headers):
                    draw_cell(canvas, fitted, column, y, height)
            elif item.kind == SECTION:
                draw_lines(canvas, walk_ins, MARGIN, y - (height - walk_ins.height) / 2 - 1 * mm)
            else:
                draw_grid(canvas, y, height)
                if item.kind == ROW:
                    person = item.attendee
                    draw_cell(canvas, fitted_in_cell(name_words(person), 0, NAME_SIZE), 0, y, height)
                    draw_cell(canvas, fitted_in_cell(words(person.organisation), 1, ORGANISATION_SIZE, 3), 1, y, height)
            y -= height
        draw_footer(canvas, left=footer, page=number, pages=len(pages), margin=MARGIN, bottom=FOOTER_BASELINE)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue(), len(pages)
