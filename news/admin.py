from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import PublishingAdminMixin, thumbnail
from core.admin_input import EditorInputMixin
from core.history import HistoryAdminMixin
from core.paginators import EstimatedCountPaginator
from library.admin import attachments_inline

from .models import Article


class PublicationYearFilter(admin.SimpleListFilter):
    """Years from the oldest to the newest article: two index lookups, where a date hierarchy
    reads the whole table to find its years."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        span = model_admin.get_queryset(request).aggregate(first=Min("published_at"), last=Max("published_at"))
        if not span["first"]:
            return []
        first, last = (timezone.localtime(span[key]).year for key in ("first", "last"))
        return [(str(year), str(year)) for year in range(last, first - 1, -1)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() not in dict(self.lookup_choices):  # "0", "99999", "²" (a digit to isdigit())
            raise IncorrectLookupParameters(self.value())
        return queryset.filter(published_at__year=int(self.value()))


@admin.register(Article)
class ArticleAdmin(PublishingAdminMixin, EditorInputMixin, HistoryAdminMixin):
    list_display = ["title", "published_at", "visibility", "featured", "author", "image_thumbnail"]
    list_filter = ["status", "featured", PublicationYearFilter, "tags"]
    list_select_related = ["author"]
    search_fields = ["title", "standfirst"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["related_events", "related_people"]
    inlines = [attachments_inline(Article)]
    readonly_fields = ["author", "created", "updated"]
    save_on_top = True
    paginator = EstimatedCountPaginator
    show_full_result_count = False
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
