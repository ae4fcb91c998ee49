from core.sitemaps import PublicSitemap

from .models import Article


class ArticleSitemap(PublicSitemap):
    columns = PublicSitemap.columns + ("status", "published_at")

    def public(self):
        return Article.objects.published()
