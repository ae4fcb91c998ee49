from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from taggit.apps import TaggitAppConfig


class CoreConfig(AppConfig):
    """The ground floor: building blocks every app shares and which know no app."""

    default = True
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from core.generation import install_triggers

        # After every migrate (new tables, tables SQLite rebuilt): each content table has its trigger.
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="core-content-triggers")


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site's own AdminSite (INSTALLED_APPS names it)."""

    default = False  # "core" alone names CoreConfig
    default_site = "core.admin_site.AdminSite"


# Libraries' admin sections, named as an editor reads them (not "TAGGIT", "AXES").
class TaggitConfig(TaggitAppConfig):
    default = False
    verbose_name = _("Tags")


class AxesConfig(AxesAppConfig):
    default = False
    verbose_name = _("Login attempts")
