from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from core.admin import (
    PlainThroughAdminMixin,
    PreloadedAutocompleteInlineMixin,
    PreloadedRelationsForm,
    PublishingAdminMixin,
    thumbnail,
)
from core.admin_input import EditorInputMixin
from core.dates import french_date, french_time
from core.history import HistoryAdminMixin
from core.paginators import EstimatedCountPaginator
from events.display import event_dates, event_times
from library.admin import attachments_inline

from .admin_import import ImportParticipantsView
from .exporters import COLUMNS_BY_KEY, DEFAULT_COLUMNS, FORMATS, ParticipantExporter, recorded, start_record
from .forms import EventAdminForm, ExportForm, ExportPresetAdminForm, ProgrammeItemForm, export_initial, zone_named
from .models import Event, ExportPreset, ParticipantExport, Participation, ProgrammeItem
from .printing.views import print_view


class ProgrammeItemInline(EditorInputMixin, PlainThroughAdminMixin, admin.StackedInline):
    model = ProgrammeItem
    form = ProgrammeItemForm
    extra = 0
    autocomplete_fields = ["speakers"]
    fields = [("title", "kind"), ("start", "end"), "place", "speakers", "description"]


class ContributorForm(PreloadedRelationsForm):
    def clean_person(self):
        """Someone already on the event's list in a role this inline does not show (an attendee) is
        told where that row is, instead of a database error: the formset compares only its own rows."""
        person = self.cleaned_data.get("person")
        event_id = self.instance.event_id
        if person is None or not event_id or "person" not in self.changed_data:
            return person
        elsewhere = (
            Participation.objects.filter(event_id=event_id, person=person)
            .exclude(pk=self.instance.pk)
            .exclude(role__in=Participation.CONTRIBUTING_ROLES)
            .first()
        )
        if elsewhere is not None:
            raise forms.ValidationError(
                _(
                    "%(person)s already takes part in this event (%(role)s): change their role on the list "
                    "of participants (the “see and edit the full list” link above)."
                ),
                code="unique",
                params={"person": person, "role": elsewhere.get_role_display().lower()},
            )
        return person


class ParticipationInline(PreloadedAutocompleteInlineMixin, EditorInputMixin, admin.TabularInline):
    """Those who take the floor or organise; attendees and delegates, who may number
    hundreds, are managed on the participation list the event page links to."""

    model = Participation
    form = ContributorForm
    extra = 1
    autocomplete_fields = ["person", "organisation"]
    fields = ["person", "role", "talk_title", "organisation", "status", "notes"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}}
    verbose_name = _("speaker or organiser")
    verbose_name_plural = _("speakers and organisers")

    def row_name(self, obj):
        return str(obj.person)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # Only the roles this inline lists: a row saved as an attendee would vanish from it.
        if db_field.name == "role":
            kwargs["choices"] = [(role.value, role.label) for role in Participation.CONTRIBUTING_ROLES]
            kwargs["initial"] = Participation.Role.SPEAKER
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(role__in=Participation.CONTRIBUTING_ROLES)
            .select_related("event", "person", "organisation")
        )


# "3 inscrits, 1 annulé": each status agrees with its number.
PARTICIPANTS_BY_STATUS = {
    Participation.Status.INVITED: ngettext_lazy("%(n)d invited", "%(n)d invited", "n"),
    Participation.Status.REGISTERED: ngettext_lazy("%(n)d registered", "%(n)d registered", "n"),
    Participation.Status.CONFIRMED: ngettext_lazy("%(n)d confirmed", "%(n)d confirmed", "n"),
    Participation.Status.ATTENDED: ngettext_lazy("%(n)d attended", "%(n)d attended", "n"),
    Participation.Status.CANCELLED: ngettext_lazy("%(n)d cancelled", "%(n)d cancelled", "n"),
}


@admin.register(Event)
class EventAdmin(PublishingAdminMixin, EditorInputMixin, PlainThroughAdminMixin, HistoryAdminMixin):
    history_snapshot = ("participations",)  # a deleted event comes back with its whole list
    form = EventAdminForm
    list_display = ["title", "dates", "city", "kind", "visibility", "participant_count", "image_thumbnail"]
    list_filter = ["status", "kind", "country", "tags"]
    search_fields = ["title", "city", "venue"]
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisers"]
    inlines = [ProgrammeItemInline, ParticipationInline, attachments_inline(Event)]
    readonly_fields = ["participants"]
    actions = [*PublishingAdminMixin.actions, "export_participants"]
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
        (_("Organisation"), {"fields": ["organisers", "expected_attendance", "website", "participants"]}),
        (_("Image"), {"fields": ["image", "image_alt", "image_credit"]}),
        (_("Publication"), {"fields": ["status", "published_at"]}),
    ]

    def get_queryset(self, request):
        # A subquery, computed for the rows shown only, not a GROUP BY over every participation.
        counts = Participation.objects.filter(event=OuterRef("pk")).order_by().values("event").annotate(n=Count("pk"))
        return super().get_queryset(request).annotate(participant_count=Coalesce(Subquery(counts.values("n")), 0))

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ProgrammeItemInline):
            default = obj.zone if obj and obj.pk else None
            zone = zone_named(request.POST.get("timezone"), default) if request.method == "POST" else default
            kwargs["form_kwargs"] = {"event_zone": zone}
        return kwargs

    @admin.display(description=_("participants"))
    def participants(self, obj):
        if obj.pk is None:
            return _("Add speakers and organisers below; the other participants after saving.")
        counts = dict(
            obj.participations.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        total = sum(counts.values())
        if not total:
            return _("No participant yet.")
        by_status = ", ".join(
            PARTICIPANTS_BY_STATUS[status] % {"n": counts[status]}
            for status in Participation.Status.values
            if status in counts
        )
        url = reverse("admin:events_participation_changelist") + f"?event__id__exact={obj.pk}"
        return format_html(
            '{} ({}) — <a href="{}">{}</a>',
            ngettext("%(n)d participant", "%(n)d participants", total) % {"n": total},
            by_status,
            url,
            _("see and edit the full list"),
        )

    @admin.display(description=_("dates"), ordering="start")
    def dates(self, obj):
        """As the event's own place reads them: "7–8 mai 2025" or "16 décembre 2026, 18 h 30"."""
        times = "" if obj.is_multi_day else event_times(obj)
        return f"{event_dates(obj)}, {times}" if times else event_dates(obj)

    @admin.display(description=_("participants"), ordering="participant_count")
    def participant_count(self, obj):
        return obj.participant_count

    @admin.display(description=_("image"))
    def image_thumbnail(self, obj):
        return thumbnail(obj.image_renditions, alt=obj.image_alt)

    def has_export_permission(self, request):
        return request.user.has_perm("events.export_participants")

    def get_urls(self):
        export = path(
            "<path:object_id>/export/",
            self.admin_site.admin_view(self.export_view),
            name="events_event_export",
        )
        importing = path(
            "<path:object_id>/import/",
            self.admin_site.admin_view(ImportParticipantsView.as_view(model_admin=self)),
            name="events_event_import",
        )
        printing = [
            path(
                f"<path:object_id>/print/{sheet}/",
                self.admin_site.admin_view(print_view(self, sheet)),
                name=f"events_event_print_{sheet}",  # events_event_print_signin, events_event_print_badges
            )
            for sheet in ("signin", "badges")
        ]
        return [export, importing, *printing, *super().get_urls()]

    def export_view(self, request, object_id):
        if not self.has_export_permission(request):
            raise PermissionDenied
        event = self.get_object(request, object_id)
        if event is None:
            raise Http404
        return export_response(
            request,
            event.participations.all(),
            events=[event],
            source=ParticipantExport.Source.EVENT_PAGE,
            model_admin=self,
        )

    @admin.action(description=_("Export the participants of the selected events…"), permissions=["export"])
    def export_participants(self, request, queryset):
        """The export page first (columns, filters, file), then the file: the page posts back here."""
        events = list(Event.objects.filter(pk__in=queryset.values("pk")).order_by("start"))
        participations = Participation.objects.filter(event__in=events)
        return export_response(
            request,
            participations,
            events=events,
            source=ParticipantExport.Source.EVENT_LIST,
            model_admin=self,
            action="export_participants",
        )

    class Media:
        js = ["admin/js/urlify.js", "admin/js/slugify_fr.js"]


@admin.register(Participation)
class ParticipationAdmin(EditorInputMixin, HistoryAdminMixin):
    history_parents = {"event": lambda participation: participation.role in Participation.CONTRIBUTING_ROLES}
    history_recover = False  # no recovery one by one (a deleted event comes back with its whole list)
    list_display = ["person", "role", "status", "event", "organisation", "talk_title"]
    list_editable = ["role", "status"]
    list_filter = ["role", "status", ("event__start", admin.DateFieldListFilter)]
    list_select_related = ["person", "event", "organisation"]
    search_fields = ["person__last_name", "person__first_name", "event__title", "talk_title"]  # see get_search_results
    autocomplete_fields = ["event", "person", "organisation"]
    ordering = ["-pk"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def row_name(self, obj):
        """ "Rôle de Catherine Bertram": the list's editable columns say whose row they are in."""
        return str(obj.person)

    def has_export_permission(self, request):
        return request.user.has_perm("events.export_participants")

    def get_list_display(self, request):
        """The list of one event's participants (where the event page leads) does not repeat its title."""
        list_display = super().get_list_display(request)
        if "event__id__exact" in request.GET:
            return [name for name in list_display if name != "event"]
        return list_display

    def get_search_results(self, request, queryset, search_term):
        """The admin's search over ``search_fields``, word by word, through indexes at any size."""
        words = self.search_words(request, search_term)
        if words is None:
            return queryset.none(), False
        for word in words:
            queryset = queryset.mentioning(word)
        return queryset, False

    def get_urls(self):
        export = path("export/", self.admin_site.admin_view(self.export_view), name="events_participation_export")
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The current filtered and searched selection of the change list, as one file."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        request.GET = request.GET.copy()
        format = request.GET.pop(EXPORT_FORMAT_VAR, [ParticipantExport.Format.EXCEL])[-1]
        preset = request.GET.pop(EXPORT_PRESET_VAR, [""])[-1]
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect("../?e=1")
        participations = changelist.queryset
        events = list(Event.objects.filter(pk__in=participations.values("event")).order_by("start"))
        return export_response(
            request,
            participations,
            events=events,
            source=ParticipantExport.Source.PARTICIPATION_LIST,
            model_admin=self,
            filters=dict(request.GET.items()),
            format=format,
            preset=preset,
        )


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(EditorInputMixin, PlainThroughAdminMixin, HistoryAdminMixin):
    history_parents = {"event": lambda item: True}
    """Reached mostly through the event page; listed for searching across programmes."""

    form = ProgrammeItemForm
    list_display = ["title", "event", "kind", "when", "place"]
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

    @admin.display(description=_("start"), ordering="start")
    def when(self, obj):
        """As the event's own place reads it: "7 mai 2025, 9 h 30 – 10 h"."""
        start = obj.start.astimezone(obj.event.zone)
        end = obj.end.astimezone(obj.event.zone) if obj.end else start
        text = f"{french_date(start.date())}, {french_time(start)}"
        if end.date() != start.date():
            return f"{text} – {french_date(end.date())}, {french_time(end)}"
        return f"{text} – {french_time(end)}" if end != start else text


EXPORT_FORMAT_VAR = "format"
EXPORT_PRESET_VAR = "preset"


def may_see_personal_data(user) -> bool:
    """E-mail and phone go to those who may read a person's private contact details in the admin."""
    return user.has_perm("people.view_person") or user.has_perm("people.change_person")


def export_response(
    request, participations, *, events, source, model_admin, filters=None, format=None, preset=None, action=""
):
    """The export page (columns, filters, file, presets), or the file: streamed, recorded before the
    first byte and completed after the last.

    Only a POST, with the CSRF token of a button of the admin, exports: a GET (a link, perhaps
    on another site) gets the page, whose button posts. A POST of the page's form exports what it
    chose; a bare POST (the event page's and the participation list's buttons) exports the preset
    and the format of the query string (?preset=NAME&format=xlsx), all columns by default. The list
    action's first POST (``action``) gets the page, which posts back to the list.
    """
    format = format or request.GET.get(EXPORT_FORMAT_VAR, ParticipantExport.Format.EXCEL)
    if format not in FORMATS:
        return HttpResponseBadRequest(str(_("Unknown export format.")))
    preset_name = request.GET.get(EXPORT_PRESET_VAR, "") if preset is None else preset
    preset = preset_named(preset_name)
    if preset_name and preset is None:
        return HttpResponseBadRequest(str(_("Unknown export preset.")))
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    personal = may_see_personal_data(request.user)
    page = ExportPage(request, model_admin, events=events, action=action, personal=personal)
    if request.method != "POST" or (action and ExportForm.MARKER not in request.POST):
        return page.render(page.unbound(preset, format))

    if ExportForm.MARKER in request.POST:
        form = ExportForm(request.POST, personal=personal)
        if ExportForm.LOAD in request.POST:
            return page.load(form)
        if not form.is_valid():
            return page.render(form)
        if ExportForm.SAVE in request.POST:
            return page.save(form)
        chosen = form.cleaned_data
        columns, roles, statuses, format = chosen["columns"], chosen["roles"], chosen["statuses"], chosen["format"]
        preset = chosen["preset"]
        if preset is not None and (preset.columns, preset.roles, preset.statuses) != (columns, roles, statuses):
            preset = None  # the preset, changed: recorded as a choice of columns, not under its name
    else:
        columns = preset.columns if preset is not None else DEFAULT_COLUMNS
        columns = [key for key in columns if personal or key not in COLUMNS_BY_KEY or not COLUMNS_BY_KEY[key].personal]
        roles, statuses = (preset.roles, preset.statuses) if preset is not None else ([], [])
    filters = dict(filters or {})
    if roles:
        participations = participations.filter(role__in=roles)
        filters["roles"] = roles
    if statuses:
        participations = participations.filter(status__in=statuses)
        filters["statuses"] = statuses
    try:
        exporter = ParticipantExporter(
            participations, format=format, events=events, columns=columns, preset=preset.name if preset else ""
        )
    except ValueError:  # a preset naming a column that no longer exists, or none left to this user
        return HttpResponseBadRequest(str(_("This preset names an unknown column, or no column you may export.")))
    record = start_record(exporter, source=source, user=request.user, filters=filters)
    response = StreamingHttpResponse(recorded(exporter, record), content_type=exporter.content_type)
    response.headers["Content-Disposition"] = content_disposition_header(True, exporter.filename())
    return response


def preset_named(name: str) -> ExportPreset | None:
    return ExportPreset.objects.filter(name=name).first() if name and "\x00" not in name else None


class ExportPage:
    """The French page of templates/admin/events/export_confirmation.html, around an ExportForm."""

    def __init__(self, request, model_admin, *, events, action, personal):
        self.request, self.model_admin, self.events = request, model_admin, events
        self.action, self.personal = action, personal

    def unbound(self, preset, format):
        return ExportForm(initial=export_initial(preset, personal=self.personal, format=format), personal=self.personal)

    def load(self, form):
        """The "apply" button next to the presets: the form filled in with the chosen preset's choices."""
        name = self.request.POST.get("preset", "")
        preset = preset_named(name)
        if name and preset is None:
            form.is_valid()  # the preset field says it does not know this name
            return self.render(form)
        return self.render(self.unbound(preset, self.request.POST.get("format") or ParticipantExport.Format.EXCEL))

    def save(self, form):
        user = self.request.user
        if not (user.has_perm("events.add_exportpreset") and user.has_perm("events.change_exportpreset")):
            raise PermissionDenied
        chosen = form.cleaned_data
        choice = {"columns": chosen["columns"], "roles": chosen["roles"], "statuses": chosen["statuses"]}
        preset, created = ExportPreset.objects.update_or_create(
            name=chosen["preset_name"].strip(), defaults=choice, create_defaults={**choice, "created_by": user}
        )
        message = _("The preset “%(name)s” was saved.") if created else _("The preset “%(name)s” was replaced.")
        self.model_admin.message_user(self.request, message % {"name": preset.name}, messages.SUCCESS)
        return self.render(self.unbound(preset, chosen["format"]))

    def render(self, form):
        request, model_admin = self.request, self.model_admin
        user = request.user
        context = {
            **model_admin.admin_site.each_context(request),
            "title": _("Export participants"),
            "opts": model_admin.opts,
            "events": self.events,
            "form": form,
            "action": self.action,
            "personal": self.personal,
            "can_save_preset": user.has_perm("events.add_exportpreset") and user.has_perm("events.change_exportpreset"),
            "has_presets": ExportPreset.objects.exists(),
        }
        return TemplateResponse(request, "admin/events/export_confirmation.html", context)


@admin.register(ParticipantExport)
class ParticipantExportAdmin(EditorInputMixin, admin.ModelAdmin):
    """The log of participant list exports: read-only, for those who may export."""

    list_display = ["created", "username", "source", "event_list", "format", "row_count", "completed"]
    list_filter = ["source", "format", "completed", "created"]
    search_fields = ["username"]
    date_hierarchy = "created"
    list_select_related = ["user"]
    fields = [
        "created",
        "finished",
        "user",
        "username",
        "source",
        "event_list",
        "filters",
        "format",
        "preset",
        "column_list",
        "row_count",
        "completed",
    ]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("events.export_participants") or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changelist_instance(self, request):
        """Each export of the page carries the titles of its events, looked up in one query."""
        changelist = super().get_changelist_instance(request)
        exports = list(changelist.result_list)  # the page's rows, evaluated once: the list shows these
        titles = event_titles({slug for export in exports for slug in export.events})
        for export in exports:
            export.event_titles = [titles.get(slug, slug) for slug in export.events]
        return changelist

    @admin.display(description=_("events"))
    def event_list(self, obj):
        """The events' titles; the slug recorded at export time when the event has changed address since."""
        titles = getattr(obj, "event_titles", None)
        if titles is None:
            found = event_titles(obj.events)
            titles = [found.get(slug, slug) for slug in obj.events]
        return format_html_join(mark_safe("<br>"), "{}", ((title,) for title in titles)) or "—"

    @admin.display(description=_("columns"))
    def column_list(self, obj):
        return column_headers(obj.columns)


def event_titles(slugs) -> dict[str, str]:
    return dict(Event.objects.filter(slug__in=slugs).values_list("slug", "title")) if slugs else {}


def column_headers(keys) -> str:
    """The French headers of these columns, in order; a key no longer known as recorded."""
    return ", ".join(str(COLUMNS_BY_KEY[key].header) if key in COLUMNS_BY_KEY else key for key in keys) or "—"


@admin.register(ExportPreset)
class ExportPresetAdmin(EditorInputMixin, admin.ModelAdmin):
    """Presets of participant exports, shared by the team; made on the export page, or here."""

    form = ExportPresetAdminForm
    list_display = ["name", "column_list", "filter_list", "updated"]
    search_fields = ["name"]
    fields = ["name", "columns", "roles", "statuses"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        personal = may_see_personal_data(request.user)

        class PresetForm(form):
            def __init__(self, *args, **kw):
                kw.setdefault("personal", personal)
                super().__init__(*args, **kw)

        return PresetForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("columns"))
    def column_list(self, obj):
        return column_headers(obj.columns)

    @admin.display(description=_("participants"))
    def filter_list(self, obj):
        roles = [str(Participation.Role(role).label) for role in obj.roles if role in Participation.Role.values]
        statuses = [str(Participation.Status(s).label) for s in obj.statuses if s in Participation.Status.values]
        return " · ".join(filter(None, [", ".join(roles), ", ".join(statuses)])) or _("all")
