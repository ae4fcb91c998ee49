from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """Project-wide pieces the three apps share: slugs, rich text, images, the demo."""

    name = "config"
    verbose_name = _("Site")


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site's own AdminSite (INSTALLED_APPS names it)."""

    default = False  # SiteConfig remains the "config" app's configuration
    default_site = "config.admin_site.AdminSite"
