"""French text folded one way everywhere: the slug, the search and the export's sort key.

One table of letters that Unicode does not decompose into a base letter and an accent
(``LIGATURES``); the admin's slug script (``static/admin/js/slugify_fr.js``) holds the same
table, and a test compares them entry by entry.
"""

import re
import string
import unicodedata

LIGATURES = {
    "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ẞ": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
    "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i", "ħ": "h", "Ħ": "h", "ŧ": "t", "Ŧ": "t",
}
# The accents of the Latin letters (U+00C0-U+024F) once decomposed: grave, acute, cedilla...
LATIN_MARKS = "".join(
    sorted({mark for code in range(0xC0, 0x250) for mark in unicodedata.normalize("NFD", chr(code))
            if unicodedata.combining(mark)})
)
_ligatures = str.maketrans(LIGATURES)
_latin_marks = str.maketrans(dict.fromkeys(LATIN_MARKS))
_ascii_lower = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def fold(value: str | None) -> str:
    """'Cœur de ville, QUÉBEC' -> 'coeur de ville, quebec': ligatures spelled out, accents dropped, lower case."""
    decomposed = unicodedata.normalize("NFKD", (value or "").translate(_ligatures))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def slugify_fr(value: str, max_length: int = 80) -> str:
    """'Cœur de ville : l'œuvre' -> 'coeur-de-ville-l-oeuvre'."""
    return NOT_ALPHANUMERIC.sub("-", fold(str(value))).strip("-")[:max_length].rstrip("-")


def sort_key(value: str | None) -> str | None:
    """Case and accents folded for sorting: "Émilie" sorts with "emilie", before "Zoé".

    Decomposed (NFD), Latin accents dropped, ligatures spelled out, A-Z lowered; any other
    character keeps its code point, so that PostgreSQL can compute the same key byte for byte
    (events.exporters.postgresql.pg_sort_key).
    """
    if value is None:
        return None
    if not value.isascii():
        value = unicodedata.normalize("NFD", value).translate(_latin_marks).translate(_ligatures)
    return value.translate(_ascii_lower)
