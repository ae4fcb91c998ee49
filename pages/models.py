"""The site's own pages (legal notice, accessibility statement, privacy notice, about, contact)
and the header and footer menus they appear in.

Not ``django.contrib.flatpages``: a page here is published or scheduled like an article, keeps
its old address when its slug changes, is sanitised rich text, has a place in a menu, and its
address is always ``/<slug>/``, matched after every other address of the site.
"""

import re

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import URLResolver, get_resolver, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.publishing import Publishable, PublishableQuerySet, SlugHistoryMixin
from core.richtext import RichTextField
from core.search import SearchFields
from core.slugs import SLUG_HELP, unique_slug, validate_slug_address

# A dozen short pages: the search reads them without an index of their own.
SEARCH = SearchFields({"A": ("title",), "B": ("summary",), "C": ("body",)})

SEGMENT = re.compile(r"[-\w]+")
# Addresses kept for the site even where no URL answers them (static and media files in production).
ALWAYS_RESERVED = {"admin", "static", "media", "documents", "sitemap", "robots", "favicon", "plan-du-site"}


def routed_segments() -> set[str]:
    """The first segment of every address the site routes ("actualites", "agenda", the admin's…)."""
    found = set()

    def walk(patterns):
        for entry in patterns:
            route = str(entry.pattern).lstrip("^")
            if isinstance(entry, URLResolver) and not route:
                walk(entry.url_patterns)  # included at the root: news' "actualites/", the pages'…
            elif SEGMENT.fullmatch(segment := route.split("/", 1)[0]):
                found.add(segment)

    walk(get_resolver().url_patterns)
    return found


def is_reserved(slug: str) -> bool:
    slug = slug.lower()
    return slug in ALWAYS_RESERVED or slug in routed_segments()


class Menu(models.TextChoices):
    HEADER = "header", _("Header")
    FOOTER = "footer", _("Footer")
    NONE = "none", pgettext_lazy("menu", "None")


class SitePageQuerySet(PublishableQuerySet):
    def menus(self) -> dict[str, list]:
        """Both menus from one query: {"header": [...], "footer": [...]}."""
        pages = (
            self.published()
            .exclude(menu=Menu.NONE)
            .order_by("position", "title", "pk")
            .only("title", "menu_title", "slug", "menu", "status", "published_at")
        )
        found = {Menu.HEADER.value: [], Menu.FOOTER.value: []}
        for page in pages:
            found[page.menu].append(page)
        return found


@reversion.register()
class SitePage(SlugHistoryMixin, Publishable):
    site_search = SEARCH
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True, help_text=SLUG_HELP)
    summary = models.TextField(
        _("summary"), max_length=300, blank=True,
        help_text=_("One or two sentences, shown in search results and to search engines."),
    )
    body = RichTextField(_("body"), blank=True)
    menu = models.CharField(
        _("menu"), max_length=10, choices=Menu.choices, default=Menu.NONE,
        help_text=_("Where a link to the page appears on every page of the site, once it is public."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in the menu: the smallest number comes first.")
    )
    menu_title = models.CharField(
        _("label in the menu"), max_length=80, blank=True,
        help_text=_("Left empty, the title. The accessibility statement's label also gives its conformity, as the RGAA asks."),
    )

    objects = SitePageQuerySet.as_manager()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["menu", "position", "title"]
        indexes = [
            models.Index(fields=["menu", "position"], name="pages_sitepage_menu_idx"),
            models.Index(
                fields=["unpublish_at"], condition=models.Q(unpublish_at__isnull=False), name="pages_sitepage_expiry_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        return self.menu_title or self.title

    def url_for_slug(self, slug: str) -> str:
        return reverse("pages:page-detail", kwargs={"slug": slug})

    def clean(self):
        super().clean()
        if not SEGMENT.fullmatch(self.slug or ""):
            return  # empty (made at save) or not a slug at all (the field says so)
        if is_reserved(self.slug):
            raise ValidationError(
                {"slug": _("The address /%(slug)s/ is already used by the site: choose another slug.")
                 % {"slug": self.slug}},
                code="reserved",
            )
        validate_slug_address(self)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title)
            if is_reserved(self.slug):
                self.slug = unique_slug(self, f"{self.title} page")
        super().save(*args, **kwargs)
