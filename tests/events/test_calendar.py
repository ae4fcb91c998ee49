"""Subscribers add events to Google Calendar, Outlook or Apple Calendar from our .ics files."""

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from core.publishing import Status
from events.calendar import google_calendar_url, outlook_calendar_url
from tests.factories import local, make_congress, make_event

SITE = urlsplit(settings.SITE_URL)  # the Site that migrations configure


def lines(response) -> list[str]:
    return response.content.decode("utf-8").split("\r\n")


class EventCalendarTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.congress = make_congress(
            start=local(2025, 5, 7, tz="America/Toronto"),
            all_day=True,
            summary="Premier congrès international consacré aux friches industrielles et aux sites stratégiques.",
            description="<p>Conférences, <strong>tables rondes</strong> &amp; visites de terrain.</p><p>Bell et King Beaver.</p>",
        )
        cls.congress.tags.add("friches", "coopération internationale")
        cls.seminar = make_event(
            title="Séminaire Cœur de ville",
            start=local(2025, 6, 12, 14),
            end=local(2025, 6, 12, 17, 30),
            venue="Maison de l’habitant",
            city="Lens",
        )
        cls.draft = make_event(title="Brouillon", status=Status.DRAFT)
        cls.scheduled = make_event(title="Programmé", published_at=timezone.now() + timedelta(days=2))

    def get_calendar(self, event):
        response = self.client.get(reverse("events:event-ics", kwargs={"slug": event.slug}))
        self.assertEqual(response.status_code, 200)
        return response, icalendar.Calendar.from_ical(response.content)

    def test_headers_offer_a_calendar_file(self):
        response, _calendar = self.get_calendar(self.seminar)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="{self.seminar.slug}.ics"'
        )
        self.assertEqual(response["Last-Modified"], http_date(self.seminar.updated.timestamp()))

    def test_calendar_properties_required_by_rfc_5545(self):
        _response, calendar = self.get_calendar(self.seminar)
        self.assertEqual(calendar["VERSION"], "2.0")
        self.assertTrue(calendar["PRODID"])
        self.assertEqual(calendar["METHOD"], "PUBLISH")
        [vevent] = calendar.walk("VEVENT")
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LAST-MODIFIED", "URL"):
            self.assertIn(prop, vevent)

    def test_all_day_event_ends_the_day_after_its_last_day(self):
        """A 7–8 May congress is DTSTART 20250507, DTEND 20250509 in iCal terms."""
        response, calendar = self.get_calendar(self.congress)
        [vevent] = calendar.walk("VEVENT")
        self.assertEqual(vevent.decoded("DTSTART"), date(2025, 5, 7))
        self.assertEqual(vevent.decoded("DTEND"), date(2025, 5, 9))
        self.assertIn("DTSTART;VALUE=DATE:20250507", lines(response))
        self.assertIn("DTEND;VALUE=DATE:20250509", lines(response))
        self.assertEqual(calendar.walk("VTIMEZONE"), [])

    def test_timed_event_carries_its_zone_and_the_zone_definition(self):
        response, calendar = self.get_calendar(self.seminar)
        [vevent] = calendar.walk("VEVENT")
        self.assertEqual(vevent.decoded("DTSTART"), local(2025, 6, 12, 14))
        self.assertEqual(vevent.decoded("DTEND"), local(2025, 6, 12, 17, 30))
        self.assertIn("DTSTART;TZID=Europe/Paris:20250612T140000", lines(response))
        [vtimezone] = calendar.walk("VTIMEZONE")
        self.assertEqual(vtimezone["TZID"], "Europe/Paris")

    def test_event_abroad_keeps_its_local_time(self):
        visit = make_event(
            title="Visite du site Bell",
            start=local(2025, 5, 9, 9, tz="America/Toronto"),
            end=local(2025, 5, 9, 12, tz="America/Toronto"),
            timezone="America/Toronto",
        )
        response, calendar = self.get_calendar(visit)
        self.assertIn("DTSTART;TZID=America/Toronto:20250509T090000", lines(response))
        self.assertEqual([tz["TZID"] for tz in calendar.walk("VTIMEZONE")], ["America/Toronto"])
        [vevent] = calendar.walk("VEVENT")
        self.assertEqual(vevent.decoded("DTSTART"), local(2025, 5, 9, 15))  # 15:00 in Paris

    def test_uid_is_stable_across_downloads_and_edits(self):
        _response, first = self.get_calendar(self.seminar)
        self.seminar.title = "Séminaire Cœur de ville (nouvelle date)"
        self.seminar.save()
        _response, second = self.get_calendar(self.seminar)
        uid = first.walk("VEVENT")[0]["UID"]
        self.assertEqual(uid, f"event-{self.seminar.pk}@{SITE.hostname}")
        self.assertEqual(second.walk("VEVENT")[0]["UID"], uid)

    def test_urls_and_uids_follow_the_canonical_address(self):
        with self.settings(SITE_URL="https://www.bassinminier.example"):
            _response, calendar = self.get_calendar(self.seminar)
        [vevent] = calendar.walk("VEVENT")
        self.assertEqual(vevent["UID"], f"event-{self.seminar.pk}@www.bassinminier.example")
        self.assertEqual(vevent["URL"], f"https://www.bassinminier.example{self.seminar.get_absolute_url()}")

    def test_description_is_plain_text_and_location_reads_like_an_address(self):
        _response, calendar = self.get_calendar(self.congress)
        [vevent] = calendar.walk("VEVENT")
        description = str(vevent["DESCRIPTION"])
        self.assertIn("Conférences, tables rondes & visites de terrain.\nBell et King Beaver.", description)
        self.assertNotIn("<", description)
        self.assertIn(f"{SITE.scheme}://{SITE.netloc}/agenda/", description)
        self.assertEqual(
            str(vevent["LOCATION"]), "Centre des congrès, Thetford Mines (Québec, Canada)"
        )
        self.assertEqual(sorted(vevent.categories), ["coopération internationale", "friches"])

    def test_raw_lines_end_in_crlf_and_fold_at_75_octets(self):
        response, _calendar = self.get_calendar(self.congress)
        raw = response.content
        self.assertTrue(raw.startswith(b"BEGIN:VCALENDAR\r\n"))
        self.assertTrue(raw.endswith(b"END:VCALENDAR\r\n"))
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""))
        for line in raw.split(b"\r\n"):
            self.assertLessEqual(len(line), 75, line)
        self.assertTrue(any(line.startswith(b" ") for line in raw.split(b"\r\n")), "long lines are folded")
        raw.decode("utf-8")  # folding never splits a multi-byte character

    def test_drafts_and_scheduled_events_answer_404(self):
        for event in (self.draft, self.scheduled):
            response = self.client.get(reverse("events:event-ics", kwargs={"slug": event.slug}))
            self.assertEqual(response.status_code, 404)

    def test_past_public_event_stays_downloadable(self):
        past = make_event(start=timezone.now() - timedelta(days=30), end=timezone.now() - timedelta(days=29))
        self.get_calendar(past)


class UpcomingCalendarTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.soon = make_event(title="Bientôt", start=now + timedelta(days=3))
        cls.later = make_event(title="Plus tard", start=now + timedelta(days=40))
        cls.running = make_event(title="En cours", start=now - timedelta(hours=1), end=now + timedelta(hours=2))
        make_event(title="Passé", start=now - timedelta(days=10), end=now - timedelta(days=9))
        make_event(title="Brouillon", status=Status.DRAFT)
        make_event(title="Programmé", published_at=now + timedelta(days=1))

    def test_lists_only_upcoming_public_events(self):
        response = self.client.get(reverse("events:ics"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="agenda.ics"')
        calendar = icalendar.Calendar.from_ical(response.content)
        self.assertEqual(
            sorted(str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")),
            ["Bientôt", "En cours", "Plus tard"],
        )
        uids = [str(vevent["UID"]) for vevent in calendar.walk("VEVENT")]
        self.assertEqual(len(set(uids)), 3)
        self.assertIn("X-WR-CALNAME", calendar)

    def test_empty_agenda_is_still_a_valid_calendar(self):
        from events.models import Event

        Event.objects.all().delete()
        calendar = icalendar.Calendar.from_ical(self.client.get(reverse("events:ics")).content)
        self.assertEqual(calendar.walk("VEVENT"), [])
        self.assertEqual(calendar["VERSION"], "2.0")


def add_events(count: int) -> None:
    for n in range(count):
        event = make_event(start=timezone.now() + timedelta(days=n + 1))
        event.tags.add(f"thème {n % 3}", "agenda")


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 25])
def test_calendars_run_a_constant_number_of_queries(client, django_assert_max_num_queries, count):
    add_events(count)
    event = make_event()
    event.tags.add("friches")
    with django_assert_max_num_queries(4):
        response = client.get(reverse("events:ics"))
    assert response.content.count(b"BEGIN:VEVENT") == count + 1
    with django_assert_max_num_queries(4):
        response = client.get(reverse("events:event-ics", kwargs={"slug": event.slug}))
    assert response.status_code == 200


class DatesAtTheEndsOfTimeTests(TestCase):
    """Events dated in year 1 or 9999, stored before the admin refused them, never take a calendar down."""

    @classmethod
    def setUpTestData(cls):
        from datetime import UTC as utc
        from datetime import datetime

        cls.ancient = make_event(title="An 1", start=datetime(1, 1, 1, 12, tzinfo=utc), end=datetime(1, 1, 1, 15, tzinfo=utc))
        cls.far = make_event(
            title="An 9999", start=datetime(9999, 12, 30, 9, tzinfo=utc), end=datetime(9999, 12, 31, 12, tzinfo=utc)
        )
        cls.far_abroad = make_event(
            title="An 9999 à Thetford Mines", timezone="America/Toronto",
            start=datetime(9999, 12, 31, 14, tzinfo=utc), end=datetime(9999, 12, 31, 20, tzinfo=utc),
        )
        cls.last_day = make_event(
            title="Jusqu’au dernier jour", all_day=True,
            start=datetime(9999, 12, 30, 9, tzinfo=utc), end=datetime(9999, 12, 31, 9, tzinfo=utc),
        )
        cls.soon = make_event(title="Bientôt")

    def calendar(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response, icalendar.Calendar.from_ical(response.content)

    def test_the_agenda_lists_them_with_the_others(self):
        response, calendar = self.calendar(reverse("events:ics"))
        self.assertEqual(
            [str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")],
            ["Bientôt", "Jusqu’au dernier jour", "An 9999", "An 9999 à Thetford Mines"],
        )
        self.assertLess(len(response.content), 20_000, "zone definitions for 8,000 years")

    def test_each_has_its_own_calendar_file(self):
        for event in (self.ancient, self.far, self.far_abroad, self.last_day):
            _response, calendar = self.calendar(reverse("events:event-ics", kwargs={"slug": event.slug}))
            [vevent] = calendar.walk("VEVENT")
            self.assertEqual(vevent.decoded("DTSTART").year, event.start_local.year)

    def test_an_all_day_event_ending_on_31_december_9999_lasts_its_days(self):
        """There is no 1 January 10000 to end on: its length is given instead."""
        _response, calendar = self.calendar(reverse("events:event-ics", kwargs={"slug": self.last_day.slug}))
        [vevent] = calendar.walk("VEVENT")
        self.assertEqual(vevent.decoded("DTSTART"), date(9999, 12, 30))
        self.assertEqual(vevent.decoded("DURATION"), timedelta(days=2))
        self.assertNotIn("DTEND", vevent)


class CalendarLinkTests(TestCase):
    """Without a calendar app, a visitor adds the event to Google Calendar or Outlook on the web."""

    url = "https://example.org/agenda/congres/"

    @classmethod
    def setUpTestData(cls):
        cls.congress = make_congress(summary="Premier congrès sur les friches & sites stratégiques.")
        cls.all_day = make_congress(title="Journées du patrimoine minier", all_day=True)

    def params(self, link: str) -> dict:
        parts = urlsplit(link)
        return {key: values[0] for key, values in parse_qs(parts.query).items()} | {"_at": parts.netloc + parts.path}

    def test_google_calendar_times_in_utc(self):
        link = google_calendar_url(self.congress, url=self.url)
        params = self.params(link)
        self.assertEqual(params["_at"], "calendar.google.com/calendar/render")
        self.assertEqual(params["action"], "TEMPLATE")
        self.assertEqual(params["text"], self.congress.title)
        # 9 h 30 – 17 h in Québec (UTC−4 in May)
        self.assertEqual(params["dates"], "20250507T133000Z/20250508T210000Z")
        self.assertEqual(params["details"], f"Premier congrès sur les friches & sites stratégiques.\n\n{self.url}")
        self.assertEqual(params["location"], "Centre des congrès, Thetford Mines (Québec, Canada)")
        self.assertNotIn(" ", link)
        self.assertNotIn("+", link)  # spaces as %20: Outlook reads "+" literally

    def test_google_calendar_whole_days_end_the_day_after(self):
        self.assertEqual(self.params(google_calendar_url(self.all_day, url=self.url))["dates"], "20250507/20250509")

    def test_outlook_compose_form(self):
        params = self.params(outlook_calendar_url(self.congress, url=self.url))
        self.assertEqual(params["_at"], "outlook.live.com/calendar/0/action/compose")
        self.assertEqual(params["subject"], self.congress.title)
        self.assertEqual(params["startdt"], "2025-05-07T13:30:00Z")
        self.assertEqual(params["enddt"], "2025-05-08T21:00:00Z")
        self.assertEqual(params["allday"], "false")
        self.assertIn(self.url, params["body"])
        self.assertEqual(params["location"], "Centre des congrès, Thetford Mines (Québec, Canada)")

    def test_outlook_whole_days(self):
        params = self.params(outlook_calendar_url(self.all_day, url=self.url))
        self.assertEqual((params["startdt"], params["enddt"], params["allday"]), ("2025-05-07", "2025-05-09", "true"))

    def test_the_event_page_links_to_both(self):
        response = self.client.get(self.congress.get_absolute_url())
        self.assertContains(response, "Ajouter à Google Agenda")
        self.assertContains(response, "Ajouter à Outlook")
        self.assertContains(response, 'href="https://calendar.google.com/calendar/render?action=TEMPLATE&amp;')
        self.assertContains(response, 'href="https://outlook.live.com/calendar/0/action/compose?')
