from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import thumbnail
from core.admin_input import EditorInputMixin
from core.history import HistoryAdminMixin
from core.paginators import EstimatedCountPaginator

from .models import Organisation, Person, PersonalDataAudit
from .personal_data_admin import PersonalDataAdminMixin, PersonalDataAuditAdmin


@admin.register(Organisation)
class OrganisationAdmin(EditorInputMixin, HistoryAdminMixin):
    list_display = ["name", "acronym", "kind", "city", "country", "logo_thumbnail"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "acronym", "city"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "kind"]}),
        (_("Where"), {"fields": ["city", "country", "website"]}),
        (_("Logo"), {"fields": ["logo"]}),
    ]

    @admin.display(description=_("logo"))
    def logo_thumbnail(self, obj):
        return thumbnail(obj.logo_renditions, alt=str(obj))

    class Media:
        js = ["admin/js/urlify.js", "admin/js/slugify_fr.js"]


@admin.register(Person)
class PersonAdmin(PersonalDataAdminMixin, EditorInputMixin, HistoryAdminMixin):
    list_display = ["full_name", "organisation", "job_title", "is_public", "photo_thumbnail"]
    list_display_links = ["full_name"]
    list_filter = ["is_public", "organisation__kind", "tags"]
    list_select_related = ["organisation"]
    search_fields = ["last_name", "first_name", "organisation__name", "organisation__acronym", "email"]
    autocomplete_fields = ["organisation"]
    prepopulated_fields = {"slug": ["first_name", "last_name"]}
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["first_name", "last_name", "grammatical_gender", "slug", "job_title", "organisation"]}),
        (_("Public profile"), {"fields": ["is_public", "bio", "photo", "tags"]}),
        (
            _("Private contact details"),
            {"fields": ["email", "phone"], "description": _("Never shown on the website.")},
        ),
    ]

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("photo"))
    def photo_thumbnail(self, obj):
        return thumbnail(obj.photo_renditions, alt=obj.full_name)

    class Media:
        js = ["admin/js/urlify.js", "admin/js/slugify_fr.js"]


admin.site.register(PersonalDataAudit, PersonalDataAuditAdmin)
