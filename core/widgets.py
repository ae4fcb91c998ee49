"""Widgets of the ground floor: an image field that shows the current picture (admin), a long select (public)."""

from html import escape

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.storage import default_storage
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

THUMBNAIL_WIDTH = 160


def smallest_rendition(renditions: dict) -> dict | None:
    """The smallest JPEG/PNG copy made at save time, with its size shown in the admin: no image is opened."""
    if not renditions or not renditions.get("fallback") or not renditions.get("width"):
        return None
    _width, name = renditions["fallback"][0]
    return {
        "url": default_storage.url(name),
        "width": THUMBNAIL_WIDTH,
        "height": max(1, round(THUMBNAIL_WIDTH * renditions["height"] / renditions["width"])),
    }


class ThumbnailImageInput(AdminFileWidget):
    """The current picture as a thumbnail (from ``<field>_renditions`` of the object), then a file chooser
    to replace it and a box to remove it: Django's writes only the file's stored name."""

    template_name = "core/widgets/thumbnail_image_input.html"
    initial_text = _("Current image")
    input_text = _("Replace")
    clear_checkbox_label = _("Remove the image")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["thumbnail"] = self.thumbnail(value) if self.is_initial(value) else None
        return context

    @staticmethod
    def thumbnail(value) -> dict | None:
        instance, field = getattr(value, "instance", None), getattr(value, "field", None)
        renditions = getattr(instance, f"{field.name}_renditions", None) if field is not None else None
        if not isinstance(renditions, dict) or renditions.get("source") != value.name:
            return None  # none made yet, or those of another picture
        return smallest_rendition(renditions)


class LongSelect(forms.Select):
    """A ``<select>`` of plain options (no groups), its options written in Python: the public filters.

    Django renders each option through a template: the directory's 2,000 organisations took
    150 ms of the page; this writes the same markup in about 2 ms.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(option))}"{" selected" if str(option) in chosen else ""}>{escape(str(label))}</option>'
            for option, label in self.choices
        )
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{options}</select>')
