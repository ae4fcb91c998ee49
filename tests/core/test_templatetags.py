import json
from datetime import date
from types import SimpleNamespace

from django.template import Context, Template
from django.test import SimpleTestCase, TestCase
from django.utils import translation
from django.utils.translation import gettext

from core.dates import date_range, french_date
from core.seo import json_ld_script as json_ld
from events.display import event_place, event_times, zone_label
from tests.factories import local, make_article, uploaded_image


class FrenchDateTests(SimpleTestCase):
    def test_ranges_read_as_people_write_them(self):
        self.assertEqual(date_range(date(2025, 5, 7), date(2025, 5, 8)), "7–8 mai 2025")
        self.assertEqual(date_range(date(2025, 4, 30), date(2025, 5, 2)), "30 avril – 2 mai 2025")
        self.assertEqual(date_range(date(2025, 12, 28), date(2026, 1, 3)), "28 décembre 2025 – 3 janvier 2026")
        self.assertEqual(date_range(date(2025, 5, 1), date(2025, 5, 1)), "1er mai 2025")
        self.assertEqual(date_range(date(2025, 5, 1), date(2025, 5, 3)), "1er–3 mai 2025")

    def test_single_dates(self):
        self.assertEqual(french_date(date(2025, 8, 15)), "15 août 2025")
        self.assertEqual(french_date(date(2025, 2, 1)), "1er février 2025")
        self.assertEqual(french_date(date(2025, 5, 7), with_weekday=True), "mercredi 7 mai 2025")
        self.assertEqual(french_date(None), "")

    def test_datetimes_are_read_in_the_site_time_zone(self):
        self.assertEqual(french_date(local(2025, 1, 1, 0, 30)), "1er janvier 2025")
        self.assertEqual(french_date(local(2024, 12, 31, 20, tz="America/Toronto")), "1er janvier 2025")


def event(**fields):
    """An unsaved event: the filters only read its fields."""
    from events.models import Event

    defaults = {"timezone": "Europe/Paris", "city": "", "region": "", "country": "France", "online": False, "all_day": False}
    defaults.update(fields)
    return Event(**defaults)


class EventTimeTests(SimpleTestCase):
    def test_times_in_the_event_zone(self):
        quebec = event(
            timezone="America/Toronto", city="Thetford Mines", region="Québec", country="Canada",
            start=local(2025, 5, 7, 9, 30, tz="America/Toronto"), end=local(2025, 5, 7, 12, tz="America/Toronto"),
        )
        self.assertEqual(event_times(quebec), "9 h 30 – 12 h")
        self.assertEqual(zone_label(quebec), "heure de Québec")
        self.assertEqual(event_place(quebec), "Thetford Mines (Québec, Canada)")

    def test_zone_labels(self):
        self.assertEqual(zone_label(event(city="Lens", region="Hauts-de-France")), "heure de Paris")
        self.assertEqual(zone_label(event(timezone="America/Toronto", city="Ottawa", region="Ontario")), "heure d’Ontario")
        self.assertEqual(zone_label(event(timezone="America/Montreal")), "heure de Montreal")

    def test_multi_day_and_all_day(self):
        long = event(start=local(2025, 4, 30, 9), end=local(2025, 5, 2, 17, 45))
        self.assertEqual(event_times(long), "30 avril, 9 h – 2 mai, 17 h 45")
        self.assertEqual(event_times(event(all_day=True, start=local(2025, 5, 1), end=local(2025, 5, 1, 23, 59))), "")

    def test_places(self):
        self.assertEqual(event_place(event(city="Lens", region="Hauts-de-France")), "Lens (Hauts-de-France)")
        self.assertEqual(event_place(event(city="Liège", country="Belgique")), "Liège (Belgique)")
        self.assertEqual(event_place(event(country="France", online=True)), gettext("Online"))

    def test_english_falls_back_to_english_rules(self):
        with translation.override("en"):
            self.assertEqual(date_range(date(2025, 5, 1), date(2025, 5, 2)), "1–2 May 2025")
            self.assertEqual(zone_label(event()), "Paris time")


class JsonLdTests(SimpleTestCase):
    def test_hostile_text_cannot_close_the_script(self):
        html = json_ld({"name": "</script><script>alert(1)</script> & <!--"})
        self.assertTrue(html.startswith('<script type="application/ld+json">'))
        self.assertEqual(html.count("</script>"), 1)
        self.assertNotIn("<!--", html)
        body = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
        self.assertEqual(json.loads(body)["name"], "</script><script>alert(1)</script> & <!--")

    def test_nothing_for_no_data(self):
        self.assertEqual(json_ld(None), "")


class PictureTagTests(TestCase):
    def render(self, obj, args=""):
        return Template("{% load site_tags %}{% picture obj " + args + " %}").render(Context({"obj": obj}))

    def test_webp_srcset_fallback_size_and_alt_from_the_renditions(self):
        article = make_article(image=uploaded_image("carreau.jpg", size=(1600, 900)), image_alt="Le carreau de fosse")
        html = self.render(article, 'sizes="50vw"')
        self.assertIn('<source type="image/webp" srcset="/media/renditions/', html)
        self.assertIn(" 320w, ", html)
        self.assertIn('width="1600" height="900"', html)
        self.assertIn('alt="Le carreau de fosse"', html)
        self.assertIn('sizes="50vw"', html)
        self.assertIn('loading="lazy"', html)
        self.assertRegex(html, r'<img src="/media/renditions/[^"]+-960\.jpg"')

    def test_no_file_is_opened_while_rendering(self):
        """Rendering only reads the JSON: the renditions may even be gone from the storage."""
        obj = SimpleNamespace(
            image_alt="Un terril",
            image_renditions={
                "source": "news/terril.png", "width": 640, "height": 480, "fallback_type": "image/png",
                "webp": [[320, "renditions/terril-320.webp"], [640, "renditions/terril-640.webp"]],
                "fallback": [[320, "renditions/terril-320.png"], [640, "renditions/terril-640.png"]],
            },
        )
        html = self.render(obj, 'alt="" css_class="vignette"')
        self.assertIn('srcset="/media/renditions/terril-320.png 320w, /media/renditions/terril-640.png 640w"', html)
        self.assertIn('alt=""', html)
        self.assertIn('class="vignette"', html)

    def test_hostile_alt_is_escaped_and_no_renditions_means_nothing(self):
        obj = SimpleNamespace(image_alt='"><script>x</script>', image_renditions={
            "width": 10, "height": 10, "webp": [], "fallback": [[10, "renditions/a.jpg"]]})
        self.assertNotIn("<script>", self.render(obj))
        self.assertEqual(self.render(SimpleNamespace(image_renditions={})), "")
