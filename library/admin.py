from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.forms.models import BaseInlineFormSet
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import thumbnail
from core.admin_input import EditorInputMixin
from core.images import rendition_url

from .models import Attachment, Document, Picture


def admin_link(obj) -> str:
    """The object's change page in the admin, or its name alone."""
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return format_html("{}", obj)
    return format_html('<a href="{}">{}</a>', url, obj)


def uses_list(item) -> str:
    """Where a picture or document appears: texts, then attachments."""
    places = [usage.content_object for usage in item.usages.select_related("content_type")]
    if isinstance(item, Document):
        for relation in Document._meta.related_objects:
            through = relation.related_model
            if issubclass(through, Attachment):
                rows = through._default_manager.filter(document=item).select_related(through.attached_to)
                places += [getattr(row, through.attached_to) for row in rows]
    places = [place for place in places if place is not None]
    if not places:
        return _("Not used yet.")
    return format_html(
        "<ul class=\"library-uses\">{}</ul>",
        format_html_join(
            "", "<li>{}\u00a0: {}</li>", ((str(place._meta.verbose_name).capitalize(), admin_link(place)) for place in places)
        ),
    )


def uses_count(count: int) -> str:
    if not count:
        return "—"
    return ngettext("%(count)d use", "%(count)d uses", count) % {"count": count}


class FocalPointWidget(forms.NumberInput):
    """A number between 0 and 1; static/library/focal.js sets it from a click on the picture."""

    def __init__(self, attrs=None):
        super().__init__({"step": "0.01", "min": "0", "max": "1", "class": "library-focal-input", **(attrs or {})})


class PictureForm(forms.ModelForm):
    class Meta:
        model = Picture
        fields = "__all__"
        widgets = {"focal_x": FocalPointWidget(), "focal_y": FocalPointWidget()}


@admin.register(Picture)
class PictureAdmin(EditorInputMixin, admin.ModelAdmin):
    form = PictureForm
    list_display = ["preview", "title", "dimensions", "where_used", "updated"]
    list_display_links = ["preview", "title"]
    search_fields = ["title", "alt", "caption", "credit"]
    readonly_fields = ["focal_point", "dimensions", "uses", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["file", "title", "alt", ("caption", "credit")]}),
        (
            _("Focal point"),
            {
                "fields": ["focal_point", ("focal_x", "focal_y")],
                "description": _(
                    "Click the subject of the picture: it stays in view when the picture is cropped "
                    "(cards, shares)."
                ),
            },
        ),
        (_("Uses"), {"fields": ["uses", "dimensions", "created", "updated"]}),
    ]

    class Media:
        js = ["library/focal.js"]
        css = {"all": ["library/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=Count("usages"))

    @admin.display(description=_("picture"))
    def preview(self, obj):
        return thumbnail(obj.file_renditions, alt="")

    @admin.display(description=_("size in pixels"))
    def dimensions(self, obj):
        if not obj.width:
            return "—"
        return f"{obj.width} × {obj.height}"

    @admin.display(description=_("where used"), ordering="use_count")
    def where_used(self, obj):
        return uses_count(obj.use_count)

    @admin.display(description=_("where used"))
    def uses(self, obj):
        return uses_list(obj) if obj.pk else "—"

    @admin.display(description=_("focal point"))
    def focal_point(self, obj):
        if not obj.pk or not obj.thumbnail_url:
            return _("Save the picture first: its focal point is set on it.")
        renditions = obj.file_renditions
        return format_html(
            '<div class="library-focal" data-label="{}">'
            '<img src="{}" alt="" width="{}" height="{}">'
            '<span class="library-focal__marker" aria-hidden="true"></span></div>',
            _("Focal point: click the subject, or move it with the arrow keys"),
            rendition_url(_middle(renditions)),
            renditions["width"],
            renditions["height"],
        )


def _middle(renditions) -> str:
    fallback = renditions["fallback"]
    return fallback[min(1, len(fallback) - 1)][1]  # 640 px wide at most


@admin.register(Document)
class DocumentAdmin(EditorInputMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "size_display", "where_used", "updated"]
    # The current file is the "address" below: no "Currently: … Change:" lines around the input.
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}
    search_fields = ["title"]
    readonly_fields = ["link", "kind", "size_display", "uses", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["title", "file"]}),
        (_("About the file"), {"fields": ["link", "kind", "size_display", "uses", "created", "updated"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(use_count=Count("usages", distinct=True))
        for relation in Document._meta.related_objects:
            if issubclass(relation.related_model, Attachment):
                name = f"{relation.related_model._meta.model_name}_count"
                queryset = queryset.annotate(**{name: Count(relation.name, distinct=True)})
        return queryset

    @admin.display(description=_("type"))
    def kind(self, obj):
        return obj.kind if obj.file else "—"

    @admin.display(description=_("size"), ordering="size")
    def size_display(self, obj):
        return obj.human_size if obj.file else "—"

    @admin.display(description=_("where used"))
    def where_used(self, obj):
        total = getattr(obj, "use_count", 0) + sum(
            getattr(obj, f"{relation.related_model._meta.model_name}_count", 0)
            for relation in Document._meta.related_objects
            if issubclass(relation.related_model, Attachment)
        )
        return uses_count(total)

    @admin.display(description=_("where used"))
    def uses(self, obj):
        return uses_list(obj) if obj.pk else "—"

    @admin.display(description=_("address"))
    def link(self, obj):
        if not obj.pk or not obj.file:
            return "—"
        return format_html('<a href="{0}">{0}</a>', obj.get_absolute_url())


class AttachmentFormSet(BaseInlineFormSet):
    """A form posted without this inline's rows (a script, a page opened before the inline existed)
    leaves the attachments as they are, instead of failing on the missing management form."""

    def __init__(self, data=None, *args, **kwargs):
        prefix = kwargs.get("prefix") or self.get_default_prefix()
        if data is not None and f"{prefix}-{TOTAL_FORM_COUNT}" not in data:
            data = data.copy()
            data[f"{prefix}-{TOTAL_FORM_COUNT}"] = data[f"{prefix}-{INITIAL_FORM_COUNT}"] = "0"
        super().__init__(data, *args, **kwargs)


class AttachmentInline(EditorInputMixin, admin.TabularInline):
    """Documents attached to an article or an event, in order (news/admin.py, events/admin.py)."""

    formset = AttachmentFormSet
    extra = 0
    autocomplete_fields = ["document"]
    fields = ["document", "position"]
    verbose_name = _("attached document")
    verbose_name_plural = _("attached documents")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document")



def attachments_inline(owner) -> type[AttachmentInline]:
    """The inline of documents attached to ``owner`` (an article, an event), found from the model."""
    for relation in Document._meta.related_objects:
        through = relation.related_model
        if issubclass(through, Attachment) and through._meta.get_field(through.attached_to).related_model is owner:
            return type(f"{through.__name__}Inline", (AttachmentInline,), {"model": through})
    raise LookupError(f"No attachments for {owner._meta.label}")
