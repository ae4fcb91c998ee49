from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from config.admin import PublishingAdminMixin, thumbnail

from .forms import EventAdminForm, ProgrammeItemForm, zone_named
from .models import Event, Participation, ProgrammeItem


class ProgrammeItemInline(admin.StackedInline):
    model = ProgrammeItem
    form = ProgrammeItemForm
    extra = 0
    autocomplete_fields = ["speakers"]
    fields = [("title", "kind"), ("start", "end"), "place", "speakers", "description"]
    classes = ["collapse"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 1
    autocomplete_fields = ["person", "organisation"]
    fields = ["person", "role", "talk_title", "organisation", "status", "notes"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "organisation")


@admin.register(Event)
class EventAdmin(PublishingAdminMixin, admin.ModelAdmin):
    form = EventAdminForm
    list_display = ["title", "start", "city", "kind", "visibility", "participant_count", "image_thumbnail"]
    list_filter = ["status", "kind", "country", "tags"]
    search_fields = ["title", "city", "venue"]
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisers"]
    inlines = [ProgrammeItemInline, ParticipationInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "description", "tags"]}),
        (
            _("When"),
            {
                "fields": ["timezone", ("start", "end"), "all_day"],
                "description": _("Dates and times are those of the place of the event, in its time zone."),
            },
        ),
        (_("Where"), {"fields": ["venue", "address", ("city", "region", "country"), "online"]}),
        (_("Organisation"), {"fields": ["organisers", "expected_attendance", "website"]}),
        (_("Image"), {"fields": ["image", "image_alt", "image_credit"]}),
        (_("Publication"), {"fields": ["status", "published_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(participant_count=Count("participations"))

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ProgrammeItemInline):
            default = obj.zone if obj and obj.pk else None
            zone = zone_named(request.POST.get("timezone"), default) if request.method == "POST" else default
            kwargs["form_kwargs"] = {"event_zone": zone}
        return kwargs

    @admin.display(description=_("participants"), ordering="participant_count")
    def participant_count(self, obj):
        return obj.participant_count

    @admin.display(description=_("image"))
    def image_thumbnail(self, obj):
        return thumbnail(obj.image_renditions, alt=obj.image_alt)

    class Media:
        js = ["admin/js/urlify.js", "admin/js/slugify_fr.js"]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["person", "event", "role", "status", "organisation", "talk_title"]
    list_filter = ["role", "status", ("event__start", admin.DateFieldListFilter)]
    list_select_related = ["person", "event", "organisation"]
    search_fields = ["person__last_name", "person__first_name", "event__title", "talk_title"]
    autocomplete_fields = ["event", "person", "organisation"]
    ordering = ["-pk"]
    show_full_result_count = False


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(admin.ModelAdmin):
    """Reached mostly through the event page; listed for searching across programmes."""

    form = ProgrammeItemForm
    list_display = ["title", "event", "kind", "start", "place"]
    list_filter = ["kind"]
    list_select_related = ["event"]
    search_fields = ["title", "event__title", "place"]
    autocomplete_fields = ["event", "speakers"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        zone = obj.event.zone if obj else None

        class ZonedForm(form):
            def __init__(self, *args, **kw):
                kw.setdefault("event_zone", zone)
                super().__init__(*args, **kw)

        return ZonedForm
