"""iCalendar (RFC 5545) exports: one public event, and the upcoming events as a subscribable feed;
links that open an event in Google Calendar or Outlook on the web, for those without a calendar app."""

from datetime import UTC, date, timedelta
from urllib.parse import quote, urlencode, urlsplit

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views import View

from core.dates import FIRST_DAY, LAST_DAY
from core.seo import absolute
from events.display import event_place

from .feeds import plain_text, with_tag_list
from .models import Event

CALENDAR_LENGTH = 200
PRODID = "-//Mission Bassin Minier//Agenda//FR"


def location(event: Event) -> str:
    parts = [event.venue, event.address, event_place(event)]
    return ", ".join(part for part in parts if part)


def to_vevent(event: Event, *, host: str, url: str) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", f"event-{event.pk}@{host}")
    vevent.add("dtstamp", event.updated.astimezone(UTC))
    vevent.add("last-modified", event.updated.astimezone(UTC))
    vevent.add("summary", event.title)
    if event.all_day:
        # Whole days: the end date is exclusive, so a 7–8 May event ends on 9 May.
        vevent.add("dtstart", event.start_date)
        if event.end_date < date.max:
            vevent.add("dtend", event.end_date + timedelta(days=1))
        else:  # 31 December 9999 has no day after: the length instead
            vevent.add("duration", event.end_date - event.start_date + timedelta(days=1))
        vevent.add("transp", "TRANSPARENT")
    else:
        vevent.add("dtstart", event.start_local)
        vevent.add("dtend", event.end_local)
    description = "\n\n".join(part for part in (event.summary, plain_text(event.description), url) if part)
    vevent.add("description", description)
    if place := location(event):
        vevent.add("location", place)
    vevent.add("url", url)
    if tags := [tag.name for tag in event.tag_list]:
        vevent.add("categories", tags)
    vevent.add("status", "CONFIRMED")
    return vevent


def link_description(event: Event, url: str) -> str:
    return "\n\n".join(part for part in (event.summary, url) if part)


def _whole_days(event: Event) -> tuple[date, date]:
    """First day and the day after the last (exclusive end), as calendars want whole days."""
    return event.start_date, min(event.end_date, date.max - timedelta(days=1)) + timedelta(days=1)


def google_calendar_url(event: Event, *, url: str) -> str:
    """Google Calendar's "add an event" form, filled in: times in UTC, or whole days."""
    if event.all_day:
        first, after = _whole_days(event)
        dates = f"{first:%Y%m%d}/{after:%Y%m%d}"
    else:
        dates = f"{event.start.astimezone(UTC):%Y%m%dT%H%M%SZ}/{event.end.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    params = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": dates,
        "details": link_description(event, url),
        "location": location(event),
        "ctz": event.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(params, quote_via=quote)


def outlook_calendar_url(event: Event, *, url: str) -> str:
    """Outlook on the web's new-event form, filled in (outlook.live.com: personal accounts)."""
    if event.all_day:
        first, after = _whole_days(event)
        start, end = first.isoformat(), after.isoformat()
    else:
        start = event.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = event.end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": start,
        "enddt": end,
        "body": link_description(event, url),
        "location": location(event),
        "allday": "true" if event.all_day else "false",
    }
    return "https://outlook.live.com/calendar/0/action/compose?" + urlencode(params, quote_via=quote)


class CalendarView(View):
    filename = "agenda.ics"

    def get_events(self):
        raise NotImplementedError

    def calendar_name(self) -> str:
        return settings.SITE_NAME

    def get(self, request, *args, **kwargs):
        events = list(self.get_events())
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        name = " ".join(self.calendar_name().split())  # one line: a title may hold a line break
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT6H")
        host = urlsplit(settings.SITE_URL).hostname
        for event in events:
            calendar.add_component(to_vevent(event, host=host, url=absolute(event.get_absolute_url())))
        if events:
            # Zone definitions covering the events' dates, not the default 1970–2038, but only the
            # years the admin accepts: an event of year 9999 would ask for 8,000 years of them.
            def within(day):
                return min(max(day, FIRST_DAY), LAST_DAY)

            calendar.add_missing_timezones(
                first_date=within(min(event.start_date for event in events)) - timedelta(days=366),
                last_date=within(max(event.end_date for event in events)) + timedelta(days=366),
            )
        response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}"'
        if events:
            response["Last-Modified"] = http_date(max(event.updated for event in events).timestamp())
        return response

    def get_filename(self) -> str:
        return self.filename


class EventCalendarView(CalendarView):
    """The .ics behind "add to my calendar" on a public event's page."""

    def get_events(self):
        self.event = get_object_or_404(
            Event.objects.published().prefetch_related(with_tag_list()), slug=self.kwargs["slug"]
        )
        return [self.event]

    def calendar_name(self) -> str:
        return self.event.title

    def get_filename(self) -> str:
        return f"{self.event.slug}.ics"


class UpcomingEventsCalendarView(CalendarView):
    """A calendar to subscribe to: the upcoming public events."""

    def get_events(self):
        return Event.objects.published().upcoming().prefetch_related(with_tag_list())[:CALENDAR_LENGTH]

    def calendar_name(self) -> str:
        return _("%(site)s: agenda") % {"site": settings.SITE_NAME}
