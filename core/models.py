from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentGeneration(models.Model):
    """One row: a token that changes in the same transaction as any public content.

    Every process reads it from the database the pages come from, so what one process, a
    management command or another server writes is seen by all on their next request.
    Database triggers write it (``core/generation.py``); nothing else needs to remember to.
    """

    value = models.CharField(_("value"), max_length=32)

    class Meta:
        verbose_name = _("content generation")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="content_generation_single_row")]

    def __str__(self) -> str:
        return self.value


class RevisionOrigin(models.Model):
    """The management command that wrote a version of the history (core/history.py)."""

    revision = models.OneToOneField("reversion.Revision", on_delete=models.CASCADE)
    command = models.CharField(_("command"), max_length=100)

    class Meta:
        verbose_name = _("version origin")

    def __str__(self) -> str:
        return self.command
