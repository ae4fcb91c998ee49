"""The admin's side of personal data (people/personal_data.py): on a person's page and as list
actions, « Exporter les données personnelles » (a zip, by a POST) and « Effacer les données
personnelles » (a confirmation page listing what goes, then a POST), for those with the
permission ``people.manage_personal_data`` only."""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import personal_data
from .models import PersonalDataAudit

PERMISSION = "people.manage_personal_data"


class PersonalDataAdminMixin:
    def may_manage_personal_data(self, request) -> bool:
        return request.user.has_perm(PERMISSION)

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        return [
            path(
                "<path:object_id>/personal-data/export/",
                self.admin_site.admin_view(require_POST(self.export_personal_data_view)),
                name=f"{name}_export_personal_data",
            ),
            path(
                "<path:object_id>/personal-data/erase/",
                self.admin_site.admin_view(self.erase_personal_data_view),
                name=f"{name}_erase_personal_data",
            ),
            *super().get_urls(),
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.may_manage_personal_data(request):
            for name in ("export_personal_data", "erase_personal_data"):
                function = getattr(type(self), name)
                actions[name] = (function, name, function.short_description)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_manage_personal_data": self.may_manage_personal_data(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    # List actions: one person at a time (a request concerns one person).

    @admin.action(description=_("Export personal data"))
    def export_personal_data(self, request, queryset):
        person = self._one(request, queryset)
        return self._archive(request, person) if person is not None else None

    @admin.action(description=_("Erase personal data"))
    def erase_personal_data(self, request, queryset):
        person = self._one(request, queryset)
        if person is not None:
            return redirect(self._url("erase_personal_data", person))
        return None

    def _one(self, request, queryset):
        if not self.may_manage_personal_data(request):
            raise PermissionDenied
        people = list(queryset[:2])
        if len(people) != 1:
            self.message_user(request, gettext("Choose one person at a time."), messages.WARNING)
            return None
        return people[0]

    # The views.

    def _person(self, request, object_id):
        if not self.may_manage_personal_data(request):
            raise PermissionDenied
        person = self.model._default_manager.filter(pk=unquote(object_id)).first() if object_id.isdigit() else None
        if person is None:
            raise Http404
        return person

    def _url(self, view: str, person) -> str:
        opts = self.model._meta
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}", args=(quote(person.pk),))

    def export_personal_data_view(self, request, object_id):
        return self._archive(request, self._person(request, object_id))

    def _archive(self, request, person):
        archive = personal_data.export_archive(person)
        personal_data.audit(
            PersonalDataAudit.Action.EXPORT, person, by=request.user, ident_kind=PersonalDataAudit.IdentKind.ADMIN
        )
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{personal_data.archive_name(person)}"'
        response["Cache-Control"] = "no-store"
        return response

    def erase_personal_data_view(self, request, object_id):
        person = self._person(request, object_id)
        opts = self.model._meta
        plan = personal_data.plan(person)
        if plan.already_anonymised:
            self.message_user(request, gettext("This person is already anonymised."), messages.INFO)
            return redirect(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            name = str(person)
            personal_data.erase(person, by=request.user)
            self.message_user(
                request,
                gettext("The personal data of %(name)s is erased: the record is now “%(placeholder)s”.")
                % {"name": name, "placeholder": personal_data.PLACEHOLDER_NAME},
                messages.SUCCESS,
            )
            return redirect(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Erase the personal data of %(name)s") % {"name": person},
            "subtitle": None,
            "opts": opts,
            "app_label": opts.app_label,
            "original": person,
            "plan": plan,
            "change_url": self._url("change", person),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/people/person/erase_confirmation.html", context)


class PersonalDataAuditAdmin(admin.ModelAdmin):
    """Read only, for those who manage personal data: the proof of what was done, not the data."""

    list_display = ["created", "action", "person", "username", "ident_kind"]
    list_filter = ["action", "ident_kind"]
    date_hierarchy = "created"
    list_select_related = ["person"]

    def has_module_permission(self, request):
        return request.user.has_perm(PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
