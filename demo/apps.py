from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo content and bulk data for benchmarks, apart from the product."""

    name = "demo"
    verbose_name = _("Demo content")
