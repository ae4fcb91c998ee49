"""Text on paper: the embedded fonts, and text fitted into a box, shrunk (never cut off) when it is too long.

Both fonts ship with the code (fonts/, DejaVu Sans 2.37: every Latin letter, Vietnamese included,
Greek and Cyrillic), so a PDF reads the same on every machine; ReportLab embeds the subset it uses.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import groupby
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
BREAKABLE_SPACE = re.compile(r"[ \t\r\n\f\v\u2028\u2029]+")
LEADING = 1.18  # line height, as a multiple of the font size
SMALLEST = 1.0  # points: where the search starts going down when even that is too large
# The baseline above the bottom of its line: DejaVu Sans descends 0.24 of the size below it and
# an accented capital ("É") rises 0.93 above it, so both stay inside a line of 1.18.
BASELINE = 0.25


@cache
def register_fonts() -> None:
    for name in (REGULAR, BOLD):
        pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / f"{name}.ttf")))


def clean(value: str | None) -> str:
    """One line of text, composed (NFC: "ễ" as one glyph), white space collapsed; no-break spaces
    ("Sans inscription\u00a0:") stay, and no line breaks there."""
    return BREAKABLE_SPACE.sub(" ", unicodedata.normalize("NFC", value or "")).strip(" ")


def missing_glyphs(text: str, font: str = REGULAR) -> set[str]:
    """The characters of ``text`` that ``font`` cannot draw (they would print as empty boxes)."""
    register_fonts()
    covered = pdfmetrics.getFont(font).face.charToGlyph
    return {char for char in text if not char.isspace() and ord(char) not in covered}


@dataclass(frozen=True)
class Word:
    text: str
    font: str = REGULAR


def words(text: str, font: str = REGULAR) -> list[Word]:
    return [Word(part, font) for part in clean(text).split(" ") if part]


@dataclass(frozen=True)
class Fitted:
    size: float
    lines: list[list[Word]]

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


@lru_cache(maxsize=65536)
def _measure(text: str, font: str) -> float:
    """Width at one point: the bisection of fit() asks for the same words again and again."""
    return pdfmetrics.stringWidth(text, font, 1)


def _width_at_one_point(word: Word) -> float:
    return _measure(word.text, word.font)


def _space_at_one_point(word: Word) -> float:
    """The space before a word is drawn in the word's font."""
    return _measure(" ", word.font)


def wrap(items: list[Word], size: float, width: float) -> list[list[Word]]:
    """Greedy line breaking at spaces; a word wider than the line gets a line of its own."""
    lines: list[list[Word]] = []
    line: list[Word] = []
    used = 0.0
    for word in items:
        advance = _width_at_one_point(word) * size
        space = _space_at_one_point(word) * size if line else 0.0
        if line and used + space + advance > width:
            lines.append(line)
            line, used, space = [], 0.0, 0.0
        used += space + advance
        line.append(word)
    if line:
        lines.append(line)
    return lines


def line_width(line: list[Word], size: float) -> float:
    spaces = sum(_space_at_one_point(word) for word in line[1:])
    return (sum(_width_at_one_point(word) for word in line) + spaces) * size


def fit(items: list[Word], *, width: float, height: float, size: float, max_lines: int = 1) -> Fitted:
    """The largest size up to ``size`` at which the words fit in ``max_lines`` lines of the box.

    Smaller type never needs more lines, so the size is found by bisection, to a hundredth of a
    point; below the size where the longest word alone fills the line, everything fits.
    """
    register_fonts()

    def fits(candidate: float) -> bool:
        lines = wrap(items, candidate, width)
        return (
            len(lines) <= max_lines
            and len(lines) * candidate * LEADING <= height
            and all(line_width(line, candidate) <= width for line in lines)
        )

    if not items or fits(size):
        return Fitted(size, wrap(items, size, width))
    low, high = SMALLEST, size
    while not fits(low) and low > 0.01:
        low /= 2
    while high - low > 0.01:
        middle = (low + high) / 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return Fitted(low, wrap(items, low, width))


def draw_lines(canvas, fitted: Fitted, x: float, top: float, *, width: float = 0, align: str = "left") -> None:
    """The fitted lines from ``top`` down; ``align`` "center" centres each line in ``width``."""
    y = top
    for line in fitted.lines:
        y -= fitted.size * LEADING
        baseline = y + fitted.size * BASELINE
        left = x + (width - line_width(line, fitted.size)) / 2 if align == "center" else x
        text = canvas.beginText(left, baseline)
        for font, run in groupby(enumerate(line), key=lambda pair: pair[1].font):
            text.setFont(font, fitted.size)
            text.textOut("".join(("" if index == 0 else " ") + word.text for index, word in run))
        canvas.drawText(text)
