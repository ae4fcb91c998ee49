"""Name badges on A4 sheets of labels: 2 × 4 labels of 90 × 55 mm, centred on the page.

On each: the event's name, the first name and the last name large, the organisation below, and
for those who take the floor or organise a band of colour naming their role. The labels left on
the last sheet carry the event's name only, for walk-ins to write on.
"""

import io
from datetime import date

from django.utils.translation import gettext as _
from reportlab.lib.units import mm

from .page import BLUE, BRICK, INK, LINE, MUTED, PAGE_HEIGHT, PAGE_WIDTH, WHITE, draw_footer, new_canvas
from .text import BOLD, REGULAR, clean, draw_lines, fit, words

COLUMNS, ROWS = 2, 4
LABEL_WIDTH, LABEL_HEIGHT = 90 * mm, 55 * mm
PER_SHEET = COLUMNS * ROWS
LEFT = (PAGE_WIDTH - COLUMNS * LABEL_WIDTH) / 2  # 15 mm
BOTTOM = (PAGE_HEIGHT - ROWS * LABEL_HEIGHT) / 2  # 38.5 mm
PADDING = 5 * mm
INNER = LABEL_WIDTH - 2 * PADDING
EVENT_HEIGHT = 7 * mm
FIRST_NAME_HEIGHT = 9 * mm
LAST_NAME_HEIGHT = 12 * mm
ORGANISATION_HEIGHT = 9 * mm
BAND_HEIGHT = 9 * mm
CROP_MARK = 4 * mm
FOOTER_BASELINE = 12 * mm


def band_colour(person):
    if person.speaks:
        return BLUE
    if person.contributes:
        return BRICK
    return None


def label_origin(slot: int) -> tuple[float, float]:
    """Bottom-left corner of a label, filled row by row from the top left."""
    row, column = divmod(slot, COLUMNS)
    return LEFT + column * LABEL_WIDTH, PAGE_HEIGHT - BOTTOM - (row + 1) * LABEL_HEIGHT


def draw_crop_marks(canvas) -> None:
    """Short marks in the margins where the labels' edges run, for cutting plain paper; none on a label."""
    canvas.setStrokeColor(LINE)
    canvas.setLineWidth(0.4)
    top = PAGE_HEIGHT - BOTTOM
    right = LEFT + COLUMNS * LABEL_WIDTH
    for column in range(COLUMNS + 1):
        x = LEFT + column * LABEL_WIDTH
        canvas.line(x, top + 2 * mm, x, top + 2 * mm + CROP_MARK)
        canvas.line(x, BOTTOM - 2 * mm, x, BOTTOM - 2 * mm - CROP_MARK)
    for row in range(ROWS + 1):
        y = BOTTOM + row * LABEL_HEIGHT
        canvas.line(LEFT - 2 * mm, y, LEFT - 2 * mm - CROP_MARK, y)
        canvas.line(right + 2 * mm, y, right + 2 * mm + CROP_MARK, y)


def draw_badge(canvas, slot: int, person, event_name) -> None:
    x, y = label_origin(slot)
    top = y + LABEL_HEIGHT - PADDING
    canvas.setFillColor(MUTED)
    draw_lines(canvas, event_name, x + PADDING, top, width=INNER, align="center")
    if person is None:
        return
    top -= EVENT_HEIGHT + 1 * mm
    canvas.setFillColor(INK)
    first = fit(words(person.first_name, REGULAR), width=INNER, height=FIRST_NAME_HEIGHT, size=18)
    last = fit(words(person.last_name, BOLD), width=INNER, height=LAST_NAME_HEIGHT, size=22, max_lines=2)
    draw_lines(canvas, first, x + PADDING, top, width=INNER, align="center")
    top -= FIRST_NAME_HEIGHT
    draw_lines(canvas, last, x + PADDING, top - (LAST_NAME_HEIGHT - last.height) / 2, width=INNER, align="center")
    top -= LAST_NAME_HEIGHT + 1 * mm
    organisation = fit(words(person.organisation), width=INNER, height=ORGANISATION_HEIGHT, size=10, max_lines=2)
    canvas.setFillColor(MUTED)
    draw_lines(canvas, organisation, x + PADDING, top, width=INNER, align="center")
    colour = band_colour(person)
    if colour is not None:
        canvas.setFillColor(colour)
        canvas.rect(x, y, LABEL_WIDTH, BAND_HEIGHT, stroke=0, fill=1)
        role = fit(words(person.role_label.upper(), BOLD), width=INNER, height=BAND_HEIGHT - 2 * mm, size=11)
        canvas.setFillColor(WHITE)
        draw_lines(
            canvas, role, x + PADDING, y + BAND_HEIGHT - (BAND_HEIGHT - role.height) / 2, width=INNER, align="center"
        )
    canvas.setFillColor(INK)


def render_badges(event, people: list, *, printed_on: date) -> tuple[bytes, int]:
    title = _("Badges")
    event_name = fit(words(event.title, BOLD), width=INNER, height=EVENT_HEIGHT, size=8, max_lines=2)
    sheets = max(1, -(-len(people) // PER_SHEET))
    footer = f"{title} – {clean(event.title)}"
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, title=title, event=event)
    for sheet in range(sheets):
        draw_crop_marks(canvas)
        for slot in range(PER_SHEET):
            index = sheet * PER_SHEET + slot
            draw_badge(canvas, slot, people[index] if index < len(people) else None, event_name)
        draw_footer(canvas, left=footer, page=sheet + 1, pages=sheets, margin=LEFT, bottom=FOOTER_BASELINE)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue(), sheets
