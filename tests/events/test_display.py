"""An event's dates read inside a French sentence: "Cet événement a eu lieu les 7 et 8 mai 2025"."""

from datetime import date

from django.test import SimpleTestCase, TestCase
from django.utils import translation

from events.display import dates_phrase, event_dates_phrase
from tests.factories import local, make_congress


class DatesPhraseTests(SimpleTestCase):
    def test_one_day_two_days_and_longer(self):
        self.assertEqual(dates_phrase(date(2025, 5, 7), date(2025, 5, 7)), "le 7 mai 2025")
        self.assertEqual(dates_phrase(date(2025, 5, 1), date(2025, 5, 1)), "le 1er mai 2025")
        self.assertEqual(dates_phrase(date(2025, 5, 7), date(2025, 5, 8)), "les 7 et 8 mai 2025")
        self.assertEqual(dates_phrase(date(2025, 5, 7), date(2025, 5, 9)), "du 7 au 9 mai 2025")
        self.assertEqual(dates_phrase(date(2025, 5, 1), date(2025, 5, 3)), "du 1er au 3 mai 2025")

    def test_across_months_and_years(self):
        self.assertEqual(dates_phrase(date(2025, 4, 30), date(2025, 5, 1)), "les 30 avril et 1er mai 2025")
        self.assertEqual(dates_phrase(date(2025, 4, 30), date(2025, 5, 2)), "du 30 avril au 2 mai 2025")
        self.assertEqual(
            dates_phrase(date(2025, 12, 31), date(2026, 1, 1)), "les 31 décembre 2025 et 1er janvier 2026"
        )
        self.assertEqual(
            dates_phrase(date(2025, 12, 28), date(2026, 1, 3)), "du 28 décembre 2025 au 3 janvier 2026"
        )

    def test_english(self):
        with translation.override("en"):
            self.assertEqual(dates_phrase(date(2025, 5, 7), date(2025, 5, 8)), "on 7 and 8 May 2025")
            self.assertEqual(dates_phrase(date(2025, 5, 7), date(2025, 5, 9)), "from 7 to 9 May 2025")


class EventDatesPhraseTests(TestCase):
    def test_read_in_the_events_own_zone(self):
        """9:30 to 17:00 in Québec, 7–8 May: late on the 8th in Paris, still the 7th and 8th there."""
        congress = make_congress(end=local(2025, 5, 8, 20, tz="America/Toronto"))
        self.assertEqual(event_dates_phrase(congress), "les 7 et 8 mai 2025")
