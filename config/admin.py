"""Admin pieces shared by the three apps: publishing actions, thumbnails, the site's titles."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.files.storage import default_storage
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

admin.site.site_header = format_lazy(_("{site} – administration"), site=settings.SITE_NAME)
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("Website content")


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


class PublishingAdminMixin:
    """Publish / unpublish actions and the status shown as people understand it."""

    actions = ["publish", "unpublish"]

    @admin.action(description=_("Publish the selected items"), permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.publish()
        self.message_user(
            request,
            ngettext("%d item published.", "%d items published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected items"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.unpublish()
        self.message_user(
            request,
            ngettext("%d item unpublished.", "%d items unpublished.", count) % count,
            messages.SUCCESS,
        )

    @admin.display(description=_("Visibility"), ordering="published_at")
    def visibility(self, obj):
        if obj.status != "published":
            return _("Draft")
        if not obj.is_public:
            return _("Scheduled")
        return _("Online")
