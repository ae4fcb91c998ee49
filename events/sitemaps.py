from core.sitemaps import PublicSitemap

from .models import Event


class EventSitemap(PublicSitemap):
    columns = PublicSitemap.columns + ("status", "published_at")

    def public(self):
        return Event.objects.published()
