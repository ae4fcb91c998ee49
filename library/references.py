"""Library references in stored rich text, and which models hold rich text (filled by LibraryConfig.ready).

``<figure data-picture="12" data-align="left"></figure>`` and ``<a href="…" data-document="12">``:
core/richtext.py keeps them through sanitising; library/rendering.py draws them.
"""

import re

from django.db import models

# Model -> the attribute names of its RichTextFields.
RICH_TEXT_MODELS: dict[type[models.Model], list[str]] = {}

# nh3 serialises its output: attributes in double quotes, a quote inside one escaped.
ATTRIBUTES = r'(?P<attrs>(?:\s+[\w:-]+(?:="[^"]*")?)*)\s*'
PICTURE = re.compile(r"<figure" + ATTRIBUTES + r">(?P<inner>.*?)</figure>", re.S | re.I)
LINK = re.compile(r"<a" + ATTRIBUTES + r">(?P<text>.*?)</a>", re.S | re.I)
ATTRIBUTE = re.compile(r'([\w:-]+)(?:="([^"]*)")?')
ALIGNMENTS = {"left", "right", "full"}


def attributes(text: str) -> dict[str, str]:
    return {name.lower(): value or "" for name, value in ATTRIBUTE.findall(text)}


def reference_id(attrs: str, name: str) -> int | None:
    value = attributes(attrs).get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def references(html: str) -> tuple[set[int], set[int]]:
    """The ids of the pictures and of the documents ``html`` refers to."""
    pictures, documents = set(), set()
    if "data-picture" in (html or ""):
        pictures = {pk for match in PICTURE.finditer(html) if (pk := reference_id(match["attrs"], "data-picture"))}
    if "data-document" in (html or ""):
        documents = {pk for match in LINK.finditer(html) if (pk := reference_id(match["attrs"], "data-document"))}
    return pictures, documents
