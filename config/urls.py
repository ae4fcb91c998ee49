from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, register_converter

from config import views as site_views
from core.converters import UnicodeSlugConverter
from core.views import uses_query_parameters
from events.sitemaps import EventSitemap
from news.sitemaps import ArticleSitemap
from pages.favicon import FaviconView
from pages.robots import RobotsView
from pages.search import SearchView
from pages.sitemaps import SitePageSitemap, StaticSitemap
from pages.tags import TagDetailView
from people.sitemaps import PersonSitemap

register_converter(UnicodeSlugConverter, "uslug")

handler500 = "config.views.server_error"  # a database that cannot answer: 503

SITEMAPS = {
    "pages": StaticSitemap,
    "actualites": ArticleSitemap,
    "agenda": EventSitemap,
    "personnes": PersonSitemap,
    "informations": SitePageSitemap,
}

urlpatterns = [
    path(f"{settings.ADMIN_URL}library/editor/", include("library.editor")),  # the rich-text editor's look-ups
    path(f"{settings.ADMIN_URL}aide/", include("newsroom.urls")),  # the staff guide
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("news.urls")),
    path("agenda/", include("events.urls")),
    path("personnes/", include("people.urls")),
    path("documents/", include("library.urls")),
    path("etiquettes/<uslug:slug>/", TagDetailView.as_view(), name="tag-detail"),
    path("recherche/", SearchView.as_view(), name="search"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        uses_query_parameters("p")(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", RobotsView.as_view(), name="robots"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.BENCH_PING:
    urlpatterns.append(path("bench/ping", site_views.bench_ping, name="bench-ping"))

# The site's own pages at /<slug>/ and the site map, last: no other address is shadowed.
urlpatterns.append(path("", include("pages.urls")))
