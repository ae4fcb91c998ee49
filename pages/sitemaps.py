"""The site-wide pages in the sitemap: home and the lists of each section."""

from django.urls import reverse

from core.sitemaps import CanonicalSitemap


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
