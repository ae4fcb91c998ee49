"""The site's admin: Django's, with its titles, a "view on site" shortcut that checks permissions,
each app's models in their admin's order, and French typography where Django writes a colon in code.

Installed as the default admin site by core.apps.AdminConfig. Apart from core/admin.py,
which registers models on this site and so cannot be the module that defines it.
"""

import functools

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models.base import ModelBase
from django.http import Http404
from django.urls import path
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class AdminSite(admin.AdminSite):
    site_header = format_lazy(_("{site} – administration"), site=settings.SITE_NAME)
    site_title = settings.SITE_NAME
    index_title = _("Website content")

    def get_urls(self):
        shortcut = path(
            "r/<path:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site), name="view_on_site"
        )
        from core.two_factor import admin_urls

        return [
            shortcut,
            *admin_urls(self),  # the second factor and the account's security page (core/two_factor.py)
            *(url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site"),
        ]

    def login(self, request, extra_context=None):
        """Django's login, or its password step when a second factor is required (core/two_factor.py)."""
        if settings.REQUIRE_2FA:
            from core.two_factor import password_step

            return password_step(self, request, extra_context)
        return super().login(request, extra_context)

    def register(self, model_or_iterable, admin_class=None, **options):
        """The user admin gains the superuser's "reset the second factor" action; django-otp's device
        tables stay out of the admin (their secrets are nobody's to read: a reset is the one action)."""
        from django.contrib.auth import get_user_model

        from core.two_factor import with_reset_action

        models = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else list(model_or_iterable)
        models = [model for model in models if model._meta.app_label not in OTP_APPS]
        if models == [get_user_model()] and admin_class is not None:
            admin_class = with_reset_action(admin_class)
        if models:
            super().register(models, admin_class, **options)

    def get_app_list(self, request, app_label=None):
        """Apps by name, as Django lists them; each app's models in the order its admin module registers
        them (the agenda opens on its events), not alphabetically."""
        position = {model: n for n, model in enumerate(self._registry)}
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            app["models"].sort(key=lambda entry: position[entry["model"]])
        return app_list

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def typeset(request, *args, **kwargs):
            response = inner(request, *args, **kwargs)
            context = getattr(response, "context_data", None) or {}
            for name in RELATED_OBJECT_LISTS:
                if name in context:
                    context[name] = typeset_related(context[name])
            return response

        return typeset

    def view_on_site(self, request, content_type_id, object_id):
        """Django's redirect to an object's address, for those who may view that model in the admin:
        any staff user would otherwise learn the address of a draft or a hidden person."""
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except (ContentType.DoesNotExist, ValueError):
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            raise PermissionDenied
        return contenttype_views.shortcut(request, content_type_id, object_id)


OTP_APPS = {"otp_totp", "otp_static"}  # django-otp's device tables, never in the admin

# What a deletion page lists, each line "Participation: <a…>…</a>" as Django's
# get_deleted_objects() writes it, with a bare colon.
RELATED_OBJECT_LISTS = ("deleted_objects", "deletable_objects", "protected")


def typeset_related(items):
    """"Participation : …" at any depth of the nested lists: a no-break space before the colon
    that follows the model's name."""
    if isinstance(items, list):
        return [typeset_related(item) for item in items]
    if isinstance(items, str):
        fixed = items.replace(": ", "\u00a0: ", 1)
        return mark_safe(fixed) if isinstance(items, SafeData) else fixed
    return items
