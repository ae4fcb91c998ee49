"""What every printed page shares: A4, the canvas, the colours, the footer "page 2 / 7"."""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .text import REGULAR, fit, register_fonts, words

PAGE_WIDTH, PAGE_HEIGHT = A4
INK = HexColor("#1b1d21")
MUTED = HexColor("#4a4f57")
LINE = HexColor("#b9b4aa")
SOFT = HexColor("#f3f1ed")
BRICK = HexColor("#a3361f")  # the site's accent: organisers
BLUE = HexColor("#0a5086")  # the site's links: those who take the floor
WHITE = HexColor("#ffffff")
FOOTER_SIZE = 8


def new_canvas(buffer: io.BytesIO, *, title: str, event) -> Canvas:
    register_fonts()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=REGULAR, initialFontSize=10)
    canvas.setTitle(f"{title} – {event.title}")
    canvas.setAuthor(settings.SITE_NAME)
    canvas.setSubject(str(event.title))
    canvas.setCreator(settings.SITE_NAME)
    canvas.setLineJoin(1)
    return canvas


def page_number(page: int, pages: int) -> str:
    return _("page %(page)d / %(pages)d") % {"page": page, "pages": pages}


def draw_footer(canvas: Canvas, *, left: str, page: int, pages: int, margin: float, bottom: float) -> None:
    """The sheet and the event on the left, "page 2 / 7" on the right, both on the baseline ``bottom``."""
    number = page_number(page, pages)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, FOOTER_SIZE)
    canvas.drawRightString(PAGE_WIDTH - margin, bottom, number)
    room = PAGE_WIDTH - 2 * margin - canvas.stringWidth(number, REGULAR, FOOTER_SIZE) - 8 * mm
    fitted = fit(words(left), width=room, height=FOOTER_SIZE * 2, size=FOOTER_SIZE)
    canvas.setFont(REGULAR, fitted.size)
    canvas.drawString(margin, bottom, " ".join(word.text for word in fitted.lines[0]) if fitted.lines else "")
    canvas.setFillColor(INK)
