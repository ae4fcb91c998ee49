"""The agenda's month view: a calendar of the public events, day by day, in French."""

from datetime import date, timedelta

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.publishing import Status
from events.models import Event
from events.month import Month, month_events, month_grid
from tests.factories import local, make_congress, make_event
from tests.helpers import queries_for

MAY = "/agenda/mois/2025/05/"


def titles_by_day(response) -> dict[date, list[str]]:
    """What each day of the displayed grid lists, from the grid the page was drawn from."""
    return {day.date: [entry.event.title for entry in day.entries] for week in response.context["weeks"] for day in week}


class MonthGridTests(TestCase):
    def test_weeks_run_from_monday_and_hold_the_whole_month(self):
        """May 2025 starts on a Thursday and ends on a Saturday: five weeks, 28 April to 1 June."""
        weeks = month_grid(Month(2025, 5), [], today=date(2025, 5, 14))
        self.assertEqual(len(weeks), 5)
        self.assertTrue(all(len(week) == 7 for week in weeks))
        self.assertEqual(weeks[0][0].date, date(2025, 4, 28))
        self.assertEqual(weeks[0][0].date.weekday(), 0)
        self.assertEqual([day.date.day for day in weeks[0] if day.in_month], [1, 2, 3, 4])
        self.assertEqual(weeks[-1][-1].date, date(2025, 6, 1))
        self.assertFalse(weeks[-1][-1].in_month)
        today = [day.date for week in weeks for day in week if day.is_today]
        self.assertEqual(today, [date(2025, 5, 14)])

    def test_months_read_in_french_and_stop_at_the_dates_the_site_knows(self):
        self.assertEqual(str(Month(2025, 5)), "mai 2025")
        self.assertEqual(Month(2025, 1).previous, Month(2024, 12))
        self.assertEqual(Month(2025, 12).next, Month(2026, 1))
        self.assertIsNone(Month(1900, 1).previous)
        self.assertIsNone(Month(2100, 12).next)
        for year, month in ((2025, 0), (2025, 13), (0, 5), (1899, 12), (2101, 1), (99999, 5)):
            self.assertIsNone(Month.valid(year, month), (year, month))


class MonthPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.congress = make_congress()  # 7–8 May 2025, 9 h 30 Québec time
        cls.workshop = make_event(title="Atelier friches", start=local(2025, 5, 20, 14), end=local(2025, 5, 20, 17))
        cls.fair = make_event(title="Salon des territoires", start=local(2025, 4, 29, 9), end=local(2025, 5, 2, 18))
        cls.crossing = make_event(title="Université d’été", start=local(2025, 5, 30, 9), end=local(2025, 6, 2, 12))
        cls.evening = make_event(  # 21 May, 5 h 30 in Paris: the 20th where it takes place
            title="Soirée à Thetford Mines", timezone="America/Toronto", city="Thetford Mines", region="Québec",
            start=local(2025, 5, 20, 23, 30, tz="America/Toronto"), end=local(2025, 5, 20, 23, 45, tz="America/Toronto"),
        )
        cls.all_day = make_event(title="Journée portes ouvertes", all_day=True,
                                 start=local(2025, 5, 24), end=local(2025, 5, 24, 23, 59))
        cls.june_first = make_event(  # 31 May, 22 h 30 UTC: still 1 June in Paris
            title="Fête du 1er juin", start=local(2025, 6, 1, 0, 30), end=local(2025, 6, 1, 2))
        cls.draft = make_event(title="Brouillon de mai", status=Status.DRAFT, start=local(2025, 5, 12, 10))
        cls.scheduled = make_event(title="Annonce programmée de mai", start=local(2025, 5, 13, 10),
                                   published_at=timezone.now() + timedelta(days=1))

    def test_each_event_is_on_every_day_it_covers(self):
        days = titles_by_day(self.client.get(MAY))
        title = self.congress.title
        self.assertEqual([d.day for d, titles in days.items() if title in titles], [7, 8])
        self.assertEqual([d for d, titles in days.items() if "Atelier friches" in titles], [date(2025, 5, 20)])
        self.assertEqual([d.day for d, titles in days.items() if "Journée portes ouvertes" in titles], [24])

    def test_events_spanning_two_months_show_on_their_days_of_each(self):
        may = titles_by_day(self.client.get(MAY))
        self.assertEqual([d for d, t in may.items() if "Salon des territoires" in t], [date(2025, 5, 1), date(2025, 5, 2)])
        self.assertEqual([d for d, t in may.items() if "Université d’été" in t], [date(2025, 5, 30), date(2025, 5, 31)])
        self.assertEqual(may[date(2025, 4, 29)], [])  # April's days in May's grid are left empty
        april = titles_by_day(self.client.get("/agenda/mois/2025/04/"))
        self.assertEqual([d.day for d, t in april.items() if "Salon des territoires" in t], [29, 30])
        june = titles_by_day(self.client.get("/agenda/mois/2025/06/"))
        self.assertEqual([d.day for d, t in june.items() if "Université d’été" in t], [1, 2])

    def test_an_event_is_on_its_own_dates_as_the_site_shows_them(self):
        """23 h 30 in Thetford Mines is the next morning in Paris: the event stays on the 20th,
        as its page says; an event at 0 h 30 on 1 June in Paris is June's, not May's."""
        days = titles_by_day(self.client.get(MAY))
        self.assertIn("Soirée à Thetford Mines", days[date(2025, 5, 20)])
        self.assertNotIn("Soirée à Thetford Mines", days[date(2025, 5, 21)])
        self.assertNotIn("Fête du 1er juin", [t for titles in days.values() for t in titles])
        june = titles_by_day(self.client.get("/agenda/mois/2025/06/"))
        self.assertIn("Fête du 1er juin", june[date(2025, 6, 1)])

    def test_times_read_in_french_in_the_event_zone_on_its_first_day_only(self):
        response = self.client.get(MAY)
        self.assertContains(response, '<span class="month__time">9 h 30 <span class="month__zone">(heure de Québec)</span></span>', count=2)  # table and list
        self.assertContains(response, '<span class="month__time">14 h</span> <span class="month__title">Atelier friches</span>')
        self.assertContains(response, '<span class="month__time">23 h 30 <span class="month__zone">(heure de Québec)</span></span>')
        eighth = [day for week in response.context["weeks"] for day in week if day.date == date(2025, 5, 8)][0]
        self.assertEqual([entry.time for entry in eighth.entries], [""])
        all_day = [day for week in response.context["weeks"] for day in week if day.date == date(2025, 5, 24)][0]
        self.assertEqual([entry.time for entry in all_day.entries], [""])

    def test_each_event_links_to_its_page(self):
        response = self.client.get(MAY)
        self.assertContains(response, f'href="{self.workshop.get_absolute_url()}"')
        self.assertContains(response, f'href="{self.congress.get_absolute_url()}"', count=4)  # 2 days, table and list

    def test_unpublished_and_scheduled_events_are_not_shown(self):
        response = self.client.get(MAY)
        self.assertNotContains(response, "Brouillon de mai")
        self.assertNotContains(response, "Annonce programmée de mai")
        self.assertNotIn(self.draft, month_events(Month(2025, 5)))

    def test_a_french_calendar_table(self):
        response = self.client.get(MAY)
        self.assertContains(response, "<caption>mai 2025</caption>")
        self.assertContains(response, "<h1>Agenda\u00a0: mai 2025</h1>")
        self.assertContains(response, "<title>Agenda\u00a0: mai 2025 – ")
        self.assertInHTML(
            '<th scope="col"><span aria-hidden="true">lun</span><span class="visually-hidden">lundi</span></th>', response.content.decode()
        )
        content = response.content.decode()
        names = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
        positions = [content.index(f'<span class="visually-hidden">{name}</span></th>') for name in names]
        self.assertEqual(positions, sorted(positions))  # weeks start on Monday
        self.assertContains(response, '<time datetime="2025-05-07">mercredi 7 mai 2025</time>')  # the narrow screens' list
        self.assertContains(response, '<time class="month__date" datetime="2025-05-31">31</time>')

    def test_previous_next_and_the_list(self):
        response = self.client.get(MAY)
        self.assertContains(response, '<a rel="prev" href="/agenda/mois/2025/04/">Mois précédent\u00a0: avril 2025</a>')
        self.assertContains(response, '<a rel="next" href="/agenda/mois/2025/06/">Mois suivant\u00a0: juin 2025</a>')
        self.assertContains(response, '<a href="/agenda/">Liste</a>')
        self.assertContains(response, '<span aria-current="page">Mois</span>')
        self.assertContains(response, '<link rel="canonical" href="http://127.0.0.1:8000/agenda/mois/2025/05/">')
        self.assertNotContains(response, "noindex")
        agenda = self.client.get("/agenda/")
        self.assertContains(agenda, '<a href="/agenda/mois/">Mois</a>')

    def test_the_current_month_in_the_site_time_zone(self):
        today = timezone.localdate()
        month = Month.containing(today)
        response = self.client.get("/agenda/mois/")
        self.assertContains(response, f"<caption>{month}</caption>")
        self.assertContains(response, f'<link rel="canonical" href="http://127.0.0.1:8000{month.get_absolute_url()}">')
        self.assertContains(response, f'aria-current="date">\n          <time class="month__date" datetime="{today:%Y-%m-%d}">')
        self.assertNotContains(response, "Ce mois-ci")  # already there
        self.assertContains(self.client.get(MAY), '<a href="/agenda/mois/">Ce mois-ci</a>')

    def test_a_month_without_events_says_so_and_keeps_crawlers_out(self):
        response = self.client.get("/agenda/mois/2031/05/")
        self.assertContains(response, "<p class=\"month-empty\">Aucun événement en mai 2031.</p>")
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">')
        self.assertContains(response, 'href="/agenda/mois/2031/04/"')
        self.assertContains(response, 'href="/agenda/mois/2031/06/"')
        self.assertNotContains(response, 'class="month-list"')

    def test_no_link_beyond_the_dates_the_site_knows(self):
        first = self.client.get("/agenda/mois/1900/01/")
        self.assertNotContains(first, 'rel="prev"')
        self.assertContains(first, 'rel="next" href="/agenda/mois/1900/02/"')
        last = self.client.get("/agenda/mois/2100/12/")
        self.assertNotContains(last, 'rel="next"')
        self.assertContains(last, 'rel="prev" href="/agenda/mois/2100/11/"')

    def test_bad_months_are_not_found(self):
        for path in ("2025/13/", "2025/00/", "0/05/", "0000/05/", "99999/05/", "1899/12/", "2101/01/",
                     "abc/05/", "2025/mai/", "-1/05/", "2025/5.0/", "9" * 5000 + "/05/", "2025/" + "1" * 5000 + "/"):
            with self.subTest(path=path[:20]):
                self.assertEqual(self.client.get(f"/agenda/mois/{path}").status_code, 404)

    def test_unpadded_months_lead_to_the_padded_address(self):
        for path in ("/agenda/mois/2025/5/", "/agenda/mois/2025/005/", "/agenda/mois/02025/05/"):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 301)
                self.assertEqual(response["Location"], MAY)

    def test_queries_do_not_grow_with_the_events(self):
        few = queries_for(self.client, MAY)
        for n in range(12):
            make_event(title=f"Réunion {n}", start=local(2025, 5, 1 + n * 2, 10), end=local(2025, 5, 2 + n * 2, 12))
        with CaptureQueriesContext(connection) as context:
            self.assertContains(self.client.get(MAY), "Réunion 11")
        self.assertEqual(len(context.captured_queries), few)
        self.assertLessEqual(few, 6)  # the content generation and the page cache's deadline among them
        events = [query for query in context.captured_queries if '"events_event"' in query["sql"]]
        self.assertEqual(len(events), 2)  # the month's events, and the page cache's next change


class MonthPageCacheTests(TestCase):
    def test_the_month_is_cached_and_shows_a_publication_at_once(self):
        event = make_event(title="Visite du 9-9 bis", status=Status.DRAFT, start=local(2025, 5, 15, 10))
        first = self.client.get(MAY)
        self.assertEqual(first["X-Cache"], "miss")
        self.assertNotContains(first, "Visite du 9-9 bis")
        self.assertEqual(self.client.get(MAY + "?utm_source=lettre")["X-Cache"], "hit")

        Event.objects.filter(pk=event.pk).publish()
        shown = self.client.get(MAY)
        self.assertEqual(shown["X-Cache"], "miss")
        self.assertContains(shown, "Visite du 9-9 bis")

        Event.objects.filter(pk=event.pk).unpublish()
        self.assertNotContains(self.client.get(MAY), "Visite du 9-9 bis")
