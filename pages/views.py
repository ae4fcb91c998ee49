"""The site's own pages at /<slug>/, and the site map for people at /plan-du-site/."""

from django.conf import settings
from django.views.generic import DetailView, TemplateView

from core.seo import absolute, describe
from core.text import sort_key
from core.views import StaffPreviewMixin
from events.models import Event
from news.models import Article
from news.views import public_years

from .models import SitePage

LATEST = 10  # articles and events listed by name on the site map; the rest through their lists
MAX_PAGES = 200  # the site's own pages: a dozen, bounded all the same


class SitePageDetailView(StaffPreviewMixin, DetailView):
    model = SitePage
    template_name = "pages/sitepage_detail.html"
    context_object_name = "page"

    def public_queryset(self):
        return SitePage.objects.published()

    def get_context_data(self, **kwargs):
        page = self.object
        return super().get_context_data(
            meta_description=describe(page.summary or page.body),
            structured_data={
                "@context": "https://schema.org",
                "@type": "WebPage",
                "name": page.title,
                "description": describe(page.summary or page.body, 300),
                "url": absolute(page.get_absolute_url()),
                "inLanguage": "fr",
                "dateModified": page.updated,
                "isPartOf": {"@type": "WebSite", "name": settings.SITE_NAME, "url": absolute("/")},
            },
            **kwargs,
        )


class SiteMapView(TemplateView):
    """Every section of the site in a few bounded queries: the newest items by name, the others
    through the lists and yearly archives (the site holds 100,000 articles)."""

    template_name = "pages/sitemap.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            latest_articles=Article.objects.published().only("title", "slug", "status", "published_at")[:LATEST],
            years=public_years(),
            upcoming=Event.objects.published().upcoming()[:LATEST],
            site_pages=sorted(
                SitePage.objects.published().order_by("pk").only("title", "slug", "status", "published_at")[:MAX_PAGES],
                key=lambda page: sort_key(page.title),  # « À propos » with the A's
            ),
            **kwargs,
        )
