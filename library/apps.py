from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    """The media library: pictures and documents any article, event or person can reuse.

    A shared building block on the ground floor, beside core/: it knows no app.
    """

    name = "library"
    verbose_name = _("Media library")

    def ready(self):
        from core.richtext import RichTextField

        from . import usage
        from .references import RICH_TEXT_MODELS

        # Every model with rich text, found rather than imported: its references are recorded at save.
        for model in apps.get_models():
            fields = [field.attname for field in model._meta.concrete_fields if isinstance(field, RichTextField)]
            if fields:
                RICH_TEXT_MODELS[model] = fields
                post_save.connect(usage.record_usages, sender=model, dispatch_uid=f"library-usage-{model._meta.label}")
                post_delete.connect(usage.forget_usages, sender=model, dispatch_uid=f"library-forget-{model._meta.label}")
