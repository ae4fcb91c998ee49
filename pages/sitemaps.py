"""The site-wide pages in the sitemap: home and the lists of each section; the site's own pages."""

from django.urls import reverse

from core.sitemaps import CanonicalSitemap, PublicSitemap

from .models import SitePage


class StaticSitemap(CanonicalSitemap):
    changefreq = "daily"

    def items(self):
        return [
            "news:home",
            "news:article-list",
            "events:event-list",
            "events:past-event-list",
            "people:person-list",
        ]

    def location(self, name):
        return reverse(name)


class SitePageSitemap(PublicSitemap):
    """Legal notice, accessibility statement…: the public ones."""

    columns = PublicSitemap.columns + ("status", "published_at")

    def public(self):
        return SitePage.objects.published()
