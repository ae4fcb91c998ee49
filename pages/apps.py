from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """Site-wide pages above the apps: search, tags, sitemaps, robots, the page cache."""

    name = "pages"
    verbose_name = _("Site-wide pages")
