"""Sitemaps at the site's canonical address, paginated, in a constant number of queries.

Each app's sitemap is a ``PublicSitemap`` over its public queryset (news/sitemaps.py…);
config/urls.py composes them into /sitemap.xml. One aggregate gives both the number of
pages of the index and the section's latest change.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.utils.functional import cached_property


class CanonicalSitemap(Sitemap):
    """URLs at the site's canonical address (``SITE_URL``), as in the pages' canonical links."""

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_urls(self, page=1, site=None, protocol=None):
        canonical = SimpleNamespace(domain=urlsplit(settings.SITE_URL).netloc)
        return super().get_urls(page=page, site=canonical, protocol=self.protocol)


class PublicSitemap(CanonicalSitemap):
    limit = 5000
    # Loading these columns only; ``SlugHistoryMixin`` reads the slug and what makes it public.
    columns = ("pk", "slug", "updated")

    def public(self):
        raise NotImplementedError

    def items(self):
        return self.public().only(*self.columns).order_by("pk")

    def lastmod(self, item):
        return item.updated

    @cached_property
    def stats(self) -> dict:
        return self.public().aggregate(count=Count("pk"), latest=Max("updated"))

    @property
    def paginator(self):
        paginator = Paginator(self._items(), self.limit)
        paginator.count = self.stats["count"]  # one aggregate instead of a COUNT per access
        return paginator

    def get_latest_lastmod(self):
        return self.stats["latest"]
