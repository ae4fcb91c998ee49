"""Rich text: the admin editor's configuration and the allow-list that guards every page.

The editor (django-prose-editor) offers exactly the formatting the sanitiser keeps;
``RichTextField`` sanitises in ``pre_save`` so that nothing unsanitised reaches the
database, whichever code path wrote it (admin, demo loader, bulk insert).

Pictures and documents of the media library are stored as references, never as pasted
addresses: ``<figure data-picture="12" data-align="left"></figure>`` (an empty figure) and
``<a href="…" data-document="12">``. The public rendering (library/rendering.py) turns them
into the file's current markup, so that a replaced or deleted file is handled.
"""

from html.parser import HTMLParser

import nh3
from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget
from django.templatetags.static import static
from django.urls import reverse_lazy
from django_prose_editor.fields import ProseEditorField
from django_prose_editor.widgets import AdminProseEditorWidget, ProseEditorWidget
from js_asset import Media

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "figure"}
# No ``rel``/``target``: nh3 keeps them on an <a> whose unsafe href it removed,
# which is invalid HTML; we open no new windows, so they are not needed.
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "data-document"}, "figure": {"data-picture", "data-align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
PICTURE_ALIGNMENTS = ("left", "right", "full")
REFERENCES = {"data-picture", "data-document"}

EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": sorted(URL_SCHEMES)},
    "BulletList": True,
    # Start number and numbering style are not kept by the sanitiser: no dialog for them.
    "OrderedList": {"enableListAttributes": False},
    "ListItem": True,
    "Heading": {"levels": [2, 3, 4]},
    "Blockquote": True,
    "HardBreak": True,
    "History": True,
    # static/admin/js/richtext.js: the page's language, spell-check and the library.
    "NoSpellCheck": False,
    "Localize": True,
    "LibraryPicture": {"endpoint": reverse_lazy("library-editor:pictures"), "alignments": PICTURE_ALIGNMENTS},
    "DocumentLink": {"endpoint": reverse_lazy("library-editor:documents")},
}


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """References are ids (digits), alignments one of ours; anything else is dropped."""
    if attribute in REFERENCES:
        return str(int(value)) if value.isascii() and value.isdigit() and len(value) <= 12 else None
    if attribute == "data-align":
        return value if value in PICTURE_ALIGNMENTS else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_keep_attribute,
    url_schemes=URL_SCHEMES,
    link_rel=None,
    strip_comments=True,
)


class _PictureReferences(HTMLParser):
    """Rewrites nh3's output: a figure is an empty picture reference or nothing.

    A figure with a valid ``data-picture`` loses its content (the rendering supplies the
    picture); any other figure is unwrapped, as nh3 unwraps every tag it does not allow.
    """

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out = []
        self.depth = 0  # figures open inside a kept reference, itself included

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag == "figure"
        elif tag != "figure":
            self.out.append(self.get_starttag_text())
        elif picture := dict(attrs).get("data-picture"):
            align = dict(attrs).get("data-align")
            self.out.append(f'<figure data-picture="{picture}"' + (f' data-align="{align}">' if align else ">"))
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            if tag == "figure":
                self.depth -= 1
                if not self.depth:
                    self.out.append("</figure>")
        elif tag != "figure":
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.depth:
            self.out.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


def sanitize_html(html: str) -> str:
    """Keep the allow-listed formatting; drop scripts, handlers and unsafe links."""
    cleaned = _cleaner.clean(html or "")
    if "<figure" in cleaned:
        parser = _PictureReferences()
        parser.feed(cleaned)
        parser.close()
        cleaned = "".join(parser.out)
    cleaned = cleaned.strip()
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


class RichTextWidget(ProseEditorWidget):
    """The editor with our extensions module (static/admin/js/richtext.js) and its styles."""

    script = "admin/js/richtext.js"
    stylesheet = "admin/css/richtext.css"

    def get_config(self):
        config = super().get_config()
        return config | {"js_modules": [*config.get("js_modules", []), static(self.script)]}

    @property
    def media(self):
        return super().media + Media(css={"all": [self.stylesheet]})


class AdminRichTextWidget(RichTextWidget, AdminProseEditorWidget):
    pass


class RichTextField(ProseEditorField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config", {"extensions": EDITOR_EXTENSIONS})
        kwargs["sanitize"] = sanitize_html
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        widget = kwargs.get("widget")
        admin = isinstance(widget, AdminTextareaWidget) or (
            isinstance(widget, type) and issubclass(widget, AdminTextareaWidget)
        )
        kwargs["widget"] = AdminRichTextWidget if admin else RichTextWidget
        return super().formfield(**kwargs)


def nonce_media(request, context):
    """The form media of an admin page rendered with the request's CSP nonce: the editor's inline
    ``<script type="importmap">`` runs, every other inline script stays forbidden. Applied by
    config.security.MediaNonceMiddleware, and by views that render before the middleware sees
    the response (core/history.py)."""
    nonce = getattr(request, "csp_nonce", None)
    if context and nonce is not None and isinstance(context.get("media"), forms.Media):
        context["media"] = Media.from_media(context["media"], nonce=nonce)
