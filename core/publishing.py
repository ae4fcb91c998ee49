"""What "public" means for articles and events, in one place."""

from urllib.parse import urlsplit

from django.contrib.redirects.middleware import RedirectFallbackMiddleware
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Published, dated in the past and not yet expired: what the public may see, evaluated now."""
        now = timezone.now()
        return self.filter(
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now), status=Status.PUBLISHED, published_at__lte=now
        )

    def scheduled(self):
        return self.filter(scheduled_at(timezone.now()))

    def publish(self) -> int:
        """Publish the drafts now; keep the date of those already scheduled or published."""
        now = timezone.now()
        dated = self.filter(published_at__isnull=False).update(status=Status.PUBLISHED, updated=now)
        undated = self.filter(published_at__isnull=True).update(
            status=Status.PUBLISHED, published_at=now, updated=now
        )
        return dated + undated

    def unpublish(self) -> int:
        return self.update(status=Status.DRAFT, updated=timezone.now())


def scheduled_at(now) -> Q:
    """Published with a date still to come: the site shows it by itself then."""
    return Q(status=Status.PUBLISHED, published_at__gt=now)


def expiring_between(now, until) -> Q:
    """Published and due to leave the site after ``now`` and by ``until``."""
    return Q(status=Status.PUBLISHED, unpublish_at__gt=now, unpublish_at__lte=until)


class Publishable(models.Model):
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("In the future, the item stays hidden until then (scheduled)."),
    )
    unpublish_at = models.DateTimeField(
        _("unpublish on"),
        null=True,
        blank=True,
        help_text=_(
            "Left empty, the item stays online. From this date, it leaves the site "
            "(pages, lists, search, feeds, agenda)."
        ),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        now = timezone.now()
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and not self.has_expired(now)
        )

    def has_expired(self, now=None) -> bool:
        # A row loaded without the column (``only()`` of a public list) was public when read:
        # asking the database again, once per row, would cost more than it tells.
        unpublish_at = self.__dict__.get("unpublish_at")
        return unpublish_at is not None and unpublish_at <= (now or timezone.now())

    def clean(self):
        super().clean()
        if self.unpublish_at and self.published_at and self.unpublish_at <= self.published_at:
            raise ValidationError(
                {"unpublish_at": _("The end of publication must come after the publication date.")},
                code="unpublish_before_publish",
            )

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)


class SlugHistoryMixin(models.Model):
    """When the slug of a public item changes, its old URL answers 301 to the new one.

    The redirect is a ``django.contrib.redirects`` row, served by its middleware
    whenever the old URL would otherwise be a 404. Models implement ``url_for_slug``.
    """

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if "slug" in field_names:
            instance._loaded_slug = instance.slug
            instance._loaded_public = bool(instance.is_public)
        return instance

    def url_for_slug(self, slug: str) -> str:
        raise NotImplementedError

    def get_absolute_url(self) -> str:
        return self.url_for_slug(self.slug)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        old_slug = getattr(self, "_loaded_slug", None)
        if old_slug and old_slug != self.slug and getattr(self, "_loaded_public", False):
            record_redirect(self.url_for_slug(old_slug), self.get_absolute_url())
        self._loaded_slug, self._loaded_public = self.slug, bool(self.is_public)


def record_redirect(old_path: str, new_path: str) -> None:
    site = Site.objects.get_current()
    # Earlier redirects to the old URL now lead straight to the new one (no chains),
    # and a URL that comes back into use stops redirecting.
    Redirect.objects.filter(site=site, new_path=old_path).update(new_path=new_path)
    Redirect.objects.filter(site=site, old_path=new_path).delete()
    Redirect.objects.update_or_create(site=site, old_path=old_path, defaults={"new_path": new_path})


class PublicRedirectFallbackMiddleware(RedirectFallbackMiddleware):
    """An old address answers 301 only while its new one answers the same visitor.

    The redirect rows stay (they serve again if the item is published again); an item that
    is unpublished, hidden or gone leaves its old addresses a 404 like its new one.
    """

    def process_response(self, request, response):
        redirected = super().process_response(request, response)
        if redirected is response or not redirected.has_header("Location"):
            return redirected
        return redirected if leads_somewhere(request, redirected["Location"]) else response


def leads_somewhere(request, location: str) -> bool:
    """Whether the detail view at ``location`` finds its object for this request."""
    try:
        match = resolve(urlsplit(location).path)
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not hasattr(view_class, "get_object"):
        return True
    view = view_class()
    view.setup(request, *match.args, **match.kwargs)
    try:
        view.get_object()
    except Http404:
        return False
    return True
