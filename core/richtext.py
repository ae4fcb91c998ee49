"""Rich text: the admin editor's configuration and the allow-list that guards every page.

The editor (django-prose-editor) offers exactly the formatting the sanitiser keeps;
``RichTextField`` sanitises in ``pre_save`` so that nothing unsanitised reaches the
database, whichever code path wrote it (admin, demo loader, bulk insert).
"""

import nh3
from django_prose_editor.fields import ProseEditorField

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "h4", "blockquote"}
# No ``rel``/``target``: nh3 keeps them on an <a> whose unsafe href it removed,
# which is invalid HTML; we open no new windows, so they are not needed.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": sorted(URL_SCHEMES)},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Heading": {"levels": [2, 3, 4]},
    "Blockquote": True,
    "HardBreak": True,
    "History": True,
}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel=None,
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Keep the allow-listed formatting; drop scripts, handlers and unsafe links."""
    cleaned = _cleaner.clean(html or "").strip()
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


class RichTextField(ProseEditorField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config", {"extensions": EDITOR_EXTENSIONS})
        kwargs["sanitize"] = sanitize_html
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
