from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, register_converter

from config import views as site_views
from config.converters import UnicodeSlugConverter
from config.robots import RobotsView
from config.search import SearchView
from config.sitemaps import SITEMAPS
from config.tags import TagDetailView
from core.views import uses_query_parameters
from events.calendar import EventCalendarView, UpcomingEventsCalendarView
from events.feeds import UpcomingEventsAtomFeed, UpcomingEventsRssFeed
from news.feeds import LatestArticlesAtomFeed, LatestArticlesRssFeed

register_converter(UnicodeSlugConverter, "uslug")

handler500 = "config.views.server_error"  # a database that cannot answer: 503

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("news.urls")),
    path("agenda/", include("events.urls")),
    path("personnes/", include("people.urls")),
    path("etiquettes/<uslug:slug>/", TagDetailView.as_view(), name="tag-detail"),
    path("recherche/", SearchView.as_view(), name="search"),
    # Subscribing and indexing
    path("actualites/flux.rss", LatestArticlesRssFeed(), name="news-rss"),
    path("actualites/flux.atom", LatestArticlesAtomFeed(), name="news-atom"),
    path("agenda/flux.rss", UpcomingEventsRssFeed(), name="events-rss"),
    path("agenda/flux.atom", UpcomingEventsAtomFeed(), name="events-atom"),
    path("agenda/agenda.ics", UpcomingEventsCalendarView.as_view(), name="events-ics"),
    path("agenda/<slug:slug>.ics", EventCalendarView.as_view(), name="event-ics"),
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
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.BENCH_PING:
    urlpatterns.append(path("bench/ping", site_views.bench_ping, name="bench-ping"))
