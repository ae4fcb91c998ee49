from django.urls import path

from . import calendar, feeds, views

app_name = "events"
urlpatterns = [
    path("", views.EventListView.as_view(), name="event-list"),
    path("archives/", views.PastEventListView.as_view(), name="past-event-list"),
    path("mois/", views.EventMonthView.as_view(), name="event-month-current"),
    path("mois/<int:year>/<int:month>/", views.EventMonthView.as_view(), name="event-month"),
    path("flux.rss", feeds.UpcomingEventsRssFeed(), name="rss"),
    path("flux.atom", feeds.UpcomingEventsAtomFeed(), name="atom"),
    path("agenda.ics", calendar.UpcomingEventsCalendarView.as_view(), name="ics"),
    path("<slug:slug>.ics", calendar.EventCalendarView.as_view(), name="event-ics"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
]
