"""Admin pieces shared by the three apps: publishing actions, thumbnails, autocompletes; the tags' admin.

The admin site itself (titles, "view on site") is core.admin_site.AdminSite.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag, TaggedItem

from core import history
from core.admin_input import (
    EditorInputMixin,
    KeyChoiceField,
    KeysOnlyAutocompleteSelect,
    KeysOnlyAutocompleteSelectMultiple,
)
from core.dates import moment
from core.publishing import Status, expiring_between, scheduled_at


def thumbnail(renditions: dict, alt: str = "") -> str:
    """The smallest rendition, for change lists: no image is opened."""
    if not renditions or not renditions.get("fallback"):
        return "—"
    _width, name = renditions["fallback"][0]
    return format_html(
        '<img src="{}" alt="{}" width="64" height="{}" class="admin-thumbnail">',
        default_storage.url(name),
        alt,
        max(1, round(64 * renditions["height"] / renditions["width"])),
    )


class PublicationFilter(admin.SimpleListFilter):
    """What the site will do by itself: items waiting for their date, leaving soon, or gone."""

    title = _("publication")
    parameter_name = "publication"
    SOON = timedelta(days=7)

    def lookups(self, request, model_admin):
        return [
            ("scheduled", pgettext_lazy("publication filter", "Scheduled")),
            ("expiring", pgettext_lazy("publication filter", "Expiring within 7 days")),
            ("expired", pgettext_lazy("publication filter", "Expired")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = Q(status=Status.PUBLISHED)
        if self.value() == "scheduled":
            return queryset.filter(scheduled_at(now))
        if self.value() == "expiring":
            return queryset.filter(expiring_between(now, now + self.SOON))
        if self.value() == "expired":
            return queryset.filter(published, unpublish_at__lte=now)
        return queryset


class PublishingAdminMixin:
    """Publish / unpublish actions, the end of publication beside the publication date, the
    status shown as people understand it and a filter on what the site will do by itself."""

    actions = ["publish", "unpublish"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return [
            (name, {**options, "fields": with_unpublish_at(options.get("fields", []))}) for name, options in fieldsets
        ]

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        return filters if PublicationFilter in filters else [*filters, PublicationFilter]

    @admin.action(description=_("Publish the selected items"), permissions=["change"])
    def publish(self, request, queryset):
        selected = list(queryset.values_list("pk", flat=True))
        count = queryset.publish()
        history.record(
            self.model._default_manager.filter(pk__in=selected),
            user=request.user,
            comment=gettext("Published from the list"),
        )
        self.message_user(
            request,
            ngettext("%d item published.", "%d items published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected items"), permissions=["change"])
    def unpublish(self, request, queryset):
        selected = list(queryset.values_list("pk", flat=True))
        count = queryset.unpublish()
        history.record(
            self.model._default_manager.filter(pk__in=selected),
            user=request.user,
            comment=gettext("Unpublished from the list"),
        )
        self.message_user(
            request,
            ngettext("%d item unpublished.", "%d items unpublished.", count) % count,
            messages.SUCCESS,
        )

    @admin.display(description=_("Visibility"), ordering="published_at")
    def visibility(self, obj):
        now = timezone.now()
        if obj.status != Status.PUBLISHED:
            return _("Draft")
        if obj.published_at and obj.published_at > now:
            return _("Scheduled for %(moment)s") % {"moment": moment(obj.published_at)}
        if obj.has_expired(now):
            return _("Expired")
        if obj.unpublish_at:
            return _("Expires on %(moment)s") % {"moment": moment(obj.unpublish_at)}
        return _("Online")


def with_unpublish_at(fields) -> list:
    """The end of publication right after the publication date, where a fieldset has one."""
    fields = list(fields)
    if "published_at" in fields and "unpublish_at" not in fields:
        fields.insert(fields.index("published_at") + 1, "unpublish_at")
    return fields


class KnownChoicesAutocompleteSelect(KeysOnlyAutocompleteSelect):
    """Renders the selected option from an object the form already holds, without a query."""

    known: dict = {}

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not selected or not all(v in self.known for v in selected):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for pk in selected:
            label = self.choices.field.label_from_instance(self.known[pk])
            options.append(self.create_option(name, self.known[pk].pk, label, set(selected), len(options)))
        return [(None, options, 0)]


class KnownChoiceField(KeyChoiceField):
    """Takes a submitted value it already knows without asking the database again."""

    known: dict = {}

    def to_python(self, value):
        if value not in self.empty_values and str(value) in self.known:
            return self.known[str(value)]
        return super().to_python(value)


class PreloadedRelationsForm(forms.ModelForm):
    """For a saved row, the related objects loaded with it feed the autocomplete fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            if isinstance(field, KnownChoiceField):
                related = getattr(self.instance, name, None)
                if related is not None:
                    field.known = field.widget.widget.known = {str(related.pk): related}


class PreloadedAutocompleteInlineMixin:
    """An inline of hundreds of rows opens and saves in a constant number of queries.

    Each row's autocomplete widgets would otherwise query their selected object,
    and each submitted value would be looked up again: two queries per field and row.
    The inline's queryset must ``select_related`` the autocomplete fields.
    """

    form = PreloadedRelationsForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownChoicesAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
            kwargs["form_class"] = KnownChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


admin.site.unregister(Tag)


class MergeTagsForm(forms.Form):
    new_tag_name = forms.CharField(
        label=_("Merge into the tag"),
        max_length=Tag._meta.get_field("name").max_length,
        help_text=_("One of the selected tags, another existing tag or a new one."),
    )


@admin.register(Tag)
class TagAdmin(EditorInputMixin, TaggitTagAdmin):
    """django-taggit's, with its "merge tags" page under the rule of the other tag pages, in French."""

    @admin.action(description=_("Merge the selected tags"), permissions=["add", "change"])
    def render_tag_form(self, request, queryset):
        request.session["selected_tag_ids"] = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return redirect("admin:taggit_tag_merge_tags")

    def merge_tags_view(self, request):
        # Merging may create the tag it merges into, and changes what the others tag.
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        # The selection the list's action left in the session: none, or a tag deleted since, is no 500.
        try:
            selected = {int(pk) for pk in request.session.get("selected_tag_ids", "").split(",")}
        except ValueError:
            selected = set()
        tags = list(Tag.objects.filter(pk__in=selected).order_by("name")) if selected else []
        if not tags or len(tags) != len(selected):
            self.message_user(request, _("Select at least one tag in the list, then the merge action."), messages.ERROR)
            return redirect("admin:taggit_tag_changelist")
        form = MergeTagsForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            target = merge_tags(tags, form.cleaned_data["new_tag_name"])
            request.session.pop("selected_tag_ids", None)
            message = ngettext(
                "%(count)d tag merged into “%(tag)s”.", "%(count)d tags merged into “%(tag)s”.", len(tags)
            ) % {"count": len(tags), "tag": target.name}
            self.message_user(request, message, messages.SUCCESS)
            return redirect("admin:taggit_tag_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge tags"),
            "opts": self.opts,
            "form": form,
            "tags": tags,
        }
        return TemplateResponse(request, "admin/taggit/merge_tags_form.html", context)


@transaction.atomic
def merge_tags(tags, name: str) -> Tag:
    """What ``tags`` tagged is tagged ``name`` instead (an existing tag or a new one), once each; the
    merged tags, then unused, are deleted."""
    target, _created = Tag.objects.get_or_create(name=name)
    for item in TaggedItem.objects.filter(tag__in=[tag for tag in tags if tag != target]):
        duplicate = TaggedItem.objects.filter(
            tag=target, content_type_id=item.content_type_id, object_id=item.object_id
        ).exists()
        if duplicate:
            item.delete()
        else:
            item.tag = target
            item.save(update_fields=["tag"])
    Tag.objects.filter(pk__in=[tag.pk for tag in tags if tag != target]).delete()
    return target


def plain_through(field) -> bool:
    """A many-to-many field whose own model holds the pair and nothing else: a form can fill it."""
    if not isinstance(field, models.ManyToManyField) or field.remote_field.through._meta.auto_created:
        return False
    opts = field.remote_field.through._meta
    return {f.name for f in opts.concrete_fields} == {
        opts.pk.name,
        field.m2m_field_name(),
        field.m2m_reverse_field_name(),
    }


class PlainThroughChecks:
    def _check_field_spec_item(self, obj, field_name, label):
        try:
            if plain_through(obj.model._meta.get_field(field_name)):
                return []
        except FieldDoesNotExist:
            pass
        return super()._check_field_spec_item(obj, field_name, label)


class PlainThroughAdminMixin:
    """A many-to-many field whose own model holds only the pair (events' organisers and speakers,
    so that the database protects the organisations and people they name) is edited as a plain
    many-to-many field: Django leaves out any field with its own model (admin.E013).
    Placed after EditorInputMixin, which chooses the widget and the form field."""

    def check(self, **kwargs):
        checks_class = type("PlainThroughChecks", (PlainThroughChecks, self.checks_class), {})
        return checks_class().check(self, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not plain_through(db_field):
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        using = kwargs.get("using")
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlyAutocompleteSelectMultiple(db_field, self.admin_site, using=using)
        if "queryset" not in kwargs and (queryset := self.get_field_queryset(using, db_field, request)) is not None:
            kwargs["queryset"] = queryset
        return db_field.formfield(**kwargs)
