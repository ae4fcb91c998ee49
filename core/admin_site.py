"""The site's admin: Django's, with its titles and a "view on site" shortcut that checks permissions.

Installed as the default admin site by config.apps.AdminConfig. Apart from config/admin.py,
which registers models on this site and so cannot be the module that defines it.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
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
        return [shortcut, *(url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site")]

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
