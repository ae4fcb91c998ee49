from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.admin import PublishingAdminMixin, thumbnail

from .models import Article


@admin.register(Article)
class ArticleAdmin(PublishingAdminMixin, admin.ModelAdmin):
    list_display = ["title", "published_at", "visibility", "featured", "author", "image_thumbnail"]
    list_filter = ["status", "featured", "tags"]
    list_select_related = ["author"]
    search_fields = ["title", "standfirst"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["related_events", "related_people"]
    readonly_fields = ["author", "created", "updated"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "tags"]}),
        (_("Image"), {"fields": ["image", "image_alt", "image_credit"]}),
        (_("Related"), {"fields": ["related_events", "related_people"]}),
        (_("Publication"), {"fields": ["status", "published_at", "featured", "author", "created", "updated"]}),
    ]

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("image"))
    def image_thumbnail(self, obj):
        return thumbnail(obj.image_renditions, alt=obj.image_alt)

    class Media:
        js = ["admin/js/urlify.js", "admin/js/slugify_fr.js"]
