"""Rich text as the public reads it: each library reference drawn from the current picture or document.

The stored HTML holds references only (core/richtext.py keeps them through sanitising):
``<figure data-picture="12" data-align="left"></figure>`` and
``<a href="/documents/12/programme.pdf" data-document="12">the programme</a>``.
A picture gone since leaves nothing; a document gone leaves the link's text. Rendering takes
one query for the pictures and one for the documents, whatever their number, and none
without references.
"""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.images import best_fallback, rendition_url

from .models import Document, Picture
from .references import ALIGNMENTS, LINK, PICTURE, attributes, reference_id, references

# What each alignment takes of the text column (static/css/site.css, "Media library").
SIZES = {
    "full": "(min-width: 48rem) 46rem, calc(100vw - 2rem)",
    "left": "(min-width: 48rem) 22rem, calc(100vw - 2rem)",
    "right": "(min-width: 48rem) 22rem, calc(100vw - 2rem)",
}


def render_rich_text(html: str) -> SafeString:
    """The stored (sanitised) HTML with its library references drawn as they are now."""
    html = html or ""
    picture_ids, document_ids = references(html)
    if picture_ids:
        pictures = Picture.objects.in_bulk(picture_ids)
        html = PICTURE.sub(lambda match: _picture(match, pictures), html)
    if document_ids:
        documents = Document.objects.in_bulk(document_ids)
        html = LINK.sub(lambda match: _link(match, documents), html)
    return mark_safe(html)  # sanitised at save (core.richtext), our markup escaped


def _picture(match, pictures: dict) -> str:
    pk = reference_id(match["attrs"], "data-picture")
    if pk is None:
        return match[0]
    picture = pictures.get(pk)
    if picture is None:
        return ""  # deleted since: nothing broken is shown
    align = attributes(match["attrs"]).get("data-align")
    return picture_figure(picture, align if align in ALIGNMENTS else "full")


def picture_figure(picture, align: str = "full") -> str:
    renditions = picture.file_renditions or {}
    if not renditions.get("fallback"):
        return ""
    sizes = SIZES[align]

    def srcset(key):
        return ", ".join(f"{rendition_url(name)} {width}w" for width, name in renditions.get(key, []))

    webp = srcset("webp")
    image = format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" class="{}"'
        ' loading="lazy" decoding="async"></picture>',
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp, sizes) if webp else "",
        rendition_url(best_fallback(renditions, 960)),
        srcset("fallback"),
        sizes,
        renditions["width"],
        renditions["height"],
        picture.alt,
        picture.focal_class,
    )
    caption = " ".join(
        part for part in (
            escape(picture.caption),
            format_html('<span class="rich-picture__credit">{}</span>', credit_line(picture.credit))
            if picture.credit else "",
        ) if part
    )
    return format_html(
        '<figure class="rich-picture rich-picture--{}">{}{}</figure>',
        align,
        image,
        format_html("<figcaption>{}</figcaption>", mark_safe(caption)) if caption else "",  # escaped above
    )


def credit_line(credit: str) -> str:
    """As under an article's main picture: « Photo : … »."""
    return f"{_('Photo:')} {credit.strip()}"


def _link(match, documents: dict) -> str:
    pk = reference_id(match["attrs"], "data-document")
    if pk is None:
        return match[0]
    document = documents.get(pk)
    if document is None or not document.file:
        return match["text"]  # deleted since: the words stay, the link goes
    kept = {name: value for name, value in attributes(match["attrs"]).items() if name == "title"}
    # Still escaped as nh3 serialised it.
    title = format_html(' title="{}"', mark_safe(kept["title"])) if kept.get("title") else ""
    return format_html(
        '<a href="{}" data-document="{}"{}>{}</a> <span class="document-link__about">({})</span>',
        document.get_absolute_url(),
        document.pk,
        title,
        mark_safe(match["text"]),  # sanitised at save
        document.description,
    )
