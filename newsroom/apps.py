from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    """The admin's home page (what needs doing today) and the staff guide: the top floor of the
    back office, reading every app."""

    name = "newsroom"
    verbose_name = _("Newsroom")
