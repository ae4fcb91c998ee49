from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """Project-wide pieces the three apps share: slugs, rich text, images, the demo."""

    name = "config"
    verbose_name = _("Site")

    def ready(self):
        from config.cache import connect_invalidation

        connect_invalidation()
