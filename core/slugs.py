"""Slugs: unique, never another page's address, identical to what the admin's script makes.

Django's ``slugify`` and ``URLify.js`` drop the ligatures (œ, æ) and glue words
around an apostrophe ("l'œuvre" -> "luvre"). ``static/admin/js/slugify_fr.js``
replaces ``URLify`` with the same algorithm as ``core.text.slugify_fr``; the browser
tests check they agree.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import resolve
from django.utils.translation import gettext_lazy as _

from core.text import slugify_fr


def unique_slug(instance: models.Model, value: str, field: str = "slug") -> str:
    """A slug from ``value`` not used by another row of the same model ("titre-2", ...)."""
    max_length = instance._meta.get_field(field).max_length
    base = slugify_fr(value, max_length - 4) or "sans-titre"
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    taken = set(others.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    candidate, n = base, 2
    while candidate in taken or leads_elsewhere(instance, candidate):
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def addresses(instance: models.Model, slug: str) -> list[str]:
    """The public addresses ``instance`` would have with this slug (its page, an event's .ics)."""
    if hasattr(instance, "addresses_for_slug"):
        return instance.addresses_for_slug(slug)
    return [instance.url_for_slug(slug)] if hasattr(instance, "url_for_slug") else []


def leads_elsewhere(instance: models.Model, slug: str) -> bool:
    """Whether one of those addresses is another page's: an event "archives" would be
    /agenda/archives/, the past events, and its .ics /agenda/agenda.ics, the whole agenda."""
    return any(resolve(url).kwargs.get("slug") != slug for url in addresses(instance, slug))


def validate_slug_address(instance: models.Model) -> None:
    """For ``clean()``: a slug typed in the admin must not take another page's address."""
    if instance.slug and leads_elsewhere(instance, instance.slug):
        raise ValidationError(
            {"slug": _("This address is that of another page of the site: choose another slug.")},
            code="reserved",
        )


SLUG_HELP = _(
    "Part of the web address. Left empty, it is built from the title; "
    "once published, change it only if you must (the old address will redirect)."
)
