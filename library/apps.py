from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    """The media library: pictures and documents any article, event or person can reuse.

    A shared building block on the ground floor, beside core/: it knows no app.
    """

    name = "library"
    verbose_name = _("Media library")
