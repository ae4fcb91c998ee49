from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import PublishingAdminMixin
from core.admin_input import EditorInputMixin
from core.history import HistoryAdminMixin

from .models import SitePage


@admin.register(SitePage)
class SitePageAdmin(PublishingAdminMixin, EditorInputMixin, HistoryAdminMixin):
    list_display = ["title", "menu", "position", "visibility", "published_at", "address"]
    list_display_links = ["title"]
    list_editable = ["position"]
    list_filter = ["status", "menu"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created", "updated"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (_("Menu"), {"fields": ["menu", "position", "menu_title"]}),
        (_("Publication"), {"fields": ["status", "published_at", "created", "updated"]}),
    ]

    @admin.display(description=_("address"))
    def address(self, obj):
        """The page's address; a draft opens as a preview for editors."""
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    class Media:
        js = ["admin/js/urlify.js", "admin/js/slugify_fr.js"]
