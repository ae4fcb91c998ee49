"""The staff guide (docs/guide/*.md, in French) served in the admin, to staff only.

Each chapter is a file ``NN-slug.md``: the number orders the chapters, the slug is its address, its
first ``# heading`` its title. Its pictures are the screenshots tests/browser/test_guide.py takes,
in docs/guide/images/. The files are written as plain Markdown, readable where they lie; here the
picture and chapter links are turned into the guide's own addresses, and raw HTML is escaped.
"""

import re
import struct
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import markdown
from django.conf import settings
from django.contrib import admin
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "guide"
IMAGES_DIR = GUIDE_DIR / "images"
CHAPTER_FILE = re.compile(r"^\d+-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
IMAGE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.png$")


@dataclass(frozen=True)
class Chapter:
    slug: str
    path: Path
    title: str
    sections: tuple[tuple[str, str], ...]  # (anchor, heading) of each "## section"


def chapters() -> list[Chapter]:
    """The guide's chapters in their order."""
    found = []
    for path in sorted(GUIDE_DIR.glob("*.md")):
        if match := CHAPTER_FILE.match(path.name):
            page = rendered(path, path.stat().st_mtime_ns)
            found.append(Chapter(match["slug"], path, page["title"], page["sections"]))
    return found


def image_names() -> set[str]:
    """The screenshots on disk: the only names the image view serves."""
    if not IMAGES_DIR.is_dir():
        return set()
    return {path.name for path in IMAGES_DIR.iterdir() if IMAGE_NAME.match(path.name) and path.is_file()}


class GuideLinks(Treeprocessor):
    """``images/x.png`` and ``03-article.md#publier``, right where the files lie, become the guide's
    addresses; each picture opens full size, with its dimensions so the page does not jump."""

    def run(self, root):
        for parent in list(root.iter()):
            for position, child in enumerate(list(parent)):
                if child.tag == "img" and child.get("src", "").startswith("images/"):
                    parent[position] = self.picture(child)
        for link in root.iter("a"):
            target, _hash, anchor = link.get("href", "").partition("#")
            if match := CHAPTER_FILE.match(target):
                link.set("href", reverse("guide:chapter", args=[match["slug"]]) + (f"#{anchor}" if anchor else ""))

    def picture(self, img):
        name = img.get("src").removeprefix("images/")
        src = reverse("guide:image", args=[name])
        img.set("src", src)
        img.set("loading", "lazy")
        if size := png_size(IMAGES_DIR / name):
            img.set("width", str(size[0]))
            img.set("height", str(size[1]))
        link = etree.Element("a", {"href": src, "class": "guide-screenshot"})
        link.tail, img.tail = img.tail, None
        link.append(img)
        return link


class GuideExtension(Extension):
    def extendMarkdown(self, md):
        # Our own files, but nothing in them needs HTML: any that slips in is shown as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(GuideLinks(md), "guide_links", 1)


def png_size(path: Path) -> tuple[int, int] | None:
    try:
        with path.open("rb") as file:
            head = file.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


@lru_cache(maxsize=64)
def rendered(path: Path, _mtime: int) -> dict:
    """A chapter's title, its sections and its HTML, rendered again when the file changes."""
    md = markdown.Markdown(
        extensions=["toc", "tables", "attr_list", "sane_lists", "fenced_code", GuideExtension()],
        extension_configs={"toc": {"toc_depth": "2-2"}},
        output_format="html",
    )
    text = path.read_text(encoding="utf-8")
    title, _newline, body = text.partition("\n") if text.startswith("# ") else ("", "", text)
    html = md.convert(body)
    sections = tuple((token["id"], token["name"]) for token in md.toc_tokens)
    return {"title": title.removeprefix("# ").strip() or path.stem, "html": html, "sections": sections}


def context(request, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, "guide_chapters": chapters(), **extra}


def index(request):
    return TemplateResponse(request, "newsroom/guide_index.html", context(request, _("Staff guide")))


def chapter(request, slug: str):
    found = chapters()
    position = next((n for n, entry in enumerate(found) if entry.slug == slug), None)
    if position is None:
        raise Http404(_("No such chapter in the guide."))
    current = found[position]
    page = rendered(current.path, current.path.stat().st_mtime_ns)
    return TemplateResponse(
        request,
        "newsroom/guide_chapter.html",
        context(
            request,
            current.title,
            chapter=current,
            body=mark_safe(page["html"]),  # our own Markdown, raw HTML escaped (GuideExtension)
            previous=found[position - 1] if position else None,
            next=found[position + 1] if position + 1 < len(found) else None,
        ),
    )


def image(request, name: str):
    if name not in image_names():  # nothing but a file listed in the folder: no path from the address
        raise Http404
    response = FileResponse((IMAGES_DIR / name).open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response
