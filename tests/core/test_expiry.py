"""An end of publication ("Dépublier le"): from that instant an item leaves every public surface,
by the same rule as scheduling, with no cron; the page cache knows the instant in advance."""

from datetime import timedelta
from unittest import mock

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.publishing import Status
from news.models import Article
from pages.cache import next_midnight, next_scheduled_change
from tests.factories import make_article, make_event, make_site_page, make_user


class ExpiryTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.gone = make_article(
            title="Terrils périmés", slug="terrils-perimes",
            published_at=now - timedelta(days=3), unpublish_at=now - timedelta(hours=1),
        )
        cls.staying = make_article(
            title="Terrils durables", slug="terrils-durables",
            published_at=now - timedelta(days=2), unpublish_at=now + timedelta(days=1),
        )
        start = now + timedelta(days=10)
        cls.gone_event = make_event(
            title="Congrès périmé", slug="congres-perime", start=start, unpublish_at=now - timedelta(hours=1)
        )
        cls.staying_event = make_event(
            title="Congrès durable", slug="congres-durable", start=start, unpublish_at=now + timedelta(days=1)
        )
        for item in (cls.gone, cls.staying, cls.gone_event, cls.staying_event):
            item.tags.add("patrimoine")
        # An article that relates to both events, an event that both articles relate to.
        cls.host = make_article(title="Le programme des terrils")
        cls.host.related_events.add(cls.gone_event, cls.staying_event)
        cls.meeting = make_event(title="Rencontre des bassins")
        cls.gone.related_events.add(cls.meeting)
        cls.staying.related_events.add(cls.meeting)
        cls.gone_page = make_site_page(title="Page périmée", slug="page-perimee", unpublish_at=now - timedelta(hours=1))
        cls.staying_page = make_site_page(title="Page durable", slug="page-durable", unpublish_at=now + timedelta(days=1))

    def page(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()


class ExpiredItemsLeaveTheSiteTests(ExpiryTestCase):
    def test_the_pages_of_expired_items_are_gone(self):
        for item in (self.gone, self.gone_event, self.gone_page):
            self.assertEqual(self.client.get(item.get_absolute_url()).status_code, 404, item)
        self.assertEqual(self.client.get(reverse("events:event-ics", kwargs={"slug": "congres-perime"})).status_code, 404)
        for item in (self.staying, self.staying_event, self.staying_page):
            self.assertEqual(self.client.get(item.get_absolute_url()).status_code, 200, item)

    def test_lists_home_search_tags_and_related_items_show_only_what_has_not_expired(self):
        month = timezone.localtime(self.staying_event.start)
        urls = [
            reverse("news:home"),
            reverse("news:article-list"),
            reverse("news:article-tag", kwargs={"tag": "patrimoine"}),
            reverse("events:event-list"),
            reverse("events:event-month", kwargs={"year": month.year, "month": month.month}),
            reverse("tag-detail", kwargs={"slug": "patrimoine"}),
            reverse("search") + "?q=terrils",
            reverse("search") + "?q=congres",
            self.host.get_absolute_url(),  # its related events
            self.meeting.get_absolute_url(),  # the articles about it
        ]
        for url in urls:
            with self.subTest(url=url):
                html = self.page(url)
                self.assertNotIn("Terrils périmés", html)
                self.assertNotIn("Congrès périmé", html)
        self.assertIn("Terrils durables", self.page(reverse("news:article-list")))
        self.assertIn("Congrès durable", self.page(reverse("events:event-list")))
        self.assertIn("Terrils durables", self.page(reverse("search") + "?q=terrils"))
        self.assertIn("Congrès durable", self.page(reverse("tag-detail", kwargs={"slug": "patrimoine"})))
        self.assertIn("Congrès durable", self.page(urls[4]))  # the month
        self.assertIn("Congrès durable", self.page(self.host.get_absolute_url()))
        self.assertIn("Terrils durables", self.page(self.meeting.get_absolute_url()))

    def test_feeds_and_calendars_drop_expired_items(self):
        for url in (reverse("news:rss"), reverse("news:atom")):
            html = self.page(url)
            self.assertNotIn("Terrils périmés", html)
            self.assertIn("Terrils durables", html)
        for url in (reverse("events:rss"), reverse("events:atom"), reverse("events:ics")):
            html = self.page(url)
            self.assertNotIn("Congrès périmé", html)
            self.assertIn("Congrès durable", html)

    def test_the_sitemap_and_the_site_map_page_drop_expired_items(self):
        xml = "".join(
            self.page(reverse("sitemap-section", kwargs={"section": name})) for name in ("actualites", "agenda", "informations")
        )
        for slug in ("terrils-perimes", "congres-perime", "page-perimee"):
            self.assertNotIn(f"/{slug}/", xml)
        for slug in ("terrils-durables", "congres-durable", "page-durable"):
            self.assertIn(f"/{slug}/", xml)
        html = self.page(reverse("pages:site-map"))
        self.assertNotIn("Page périmée", html)
        self.assertIn("Page durable", html)

    def test_the_old_address_of_an_expired_article_no_longer_redirects(self):
        self.staying.slug = "terrils-toujours-durables"
        self.staying.save()
        self.assertRedirects(self.client.get("/actualites/terrils-durables/"), "/actualites/terrils-toujours-durables/",
                             status_code=301)
        Article.objects.filter(pk=self.staying.pk).update(unpublish_at=timezone.now() - timedelta(seconds=1))
        self.assertEqual(self.client.get("/actualites/terrils-durables/").status_code, 404)

    def test_the_rule_is_the_querysets_and_the_items_own(self):
        self.assertNotIn(self.gone, Article.objects.published())
        self.assertIn(self.staying, Article.objects.published())
        self.assertFalse(self.gone.is_public)
        self.assertTrue(self.staying.is_public)
        self.assertNotIn(self.gone, Article.objects.scheduled())  # expired is not scheduled


class PageCacheTests(ExpiryTestCase):
    def test_the_next_expiry_is_the_next_change(self):
        soon = timezone.now() + timedelta(seconds=30)
        if soon >= next_midnight():
            self.skipTest("run within 30 s of midnight")
        make_event(title="Atelier éphémère", unpublish_at=soon)
        self.assertEqual(next_scheduled_change(), soon)

    def test_the_end_of_a_drafts_publication_changes_nothing(self):
        # Only public items leave the site: a draft has nothing to leave.
        make_article(title="Brouillon", status=Status.DRAFT, unpublish_at=timezone.now() + timedelta(seconds=20))
        self.assertGreater(next_scheduled_change(), timezone.now() + timedelta(seconds=20))

    def test_a_cached_list_is_not_served_past_the_expiry(self):
        expiry = self.staying.unpublish_at
        for url in (reverse("news:article-list"), reverse("news:rss")):
            self.assertIn("Terrils durables", self.page(url))
            self.assertEqual(self.client.get(url)["X-Cache"], "hit")
        later = expiry + timedelta(seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            for url in (reverse("news:article-list"), reverse("news:rss")):
                response = self.client.get(url)
                self.assertNotEqual(response["X-Cache"], "hit")
                self.assertNotContains(response, "Terrils durables")


class AdminTests(ExpiryTestCase):
    def setUp(self):
        self.client.force_login(make_user(group="Communication"))

    def test_an_end_before_the_publication_is_a_form_error(self):
        response = self.client.post(
            "/admin/news/article/add/",
            {
                "title": "À rebours",
                "slug": "",
                "standfirst": "Un chapeau.",
                "body": "<p>Texte</p>",
                "status": "published",
                "published_at_0": "10/03/2026",
                "published_at_1": "9 h 30",
                "unpublish_at_0": "09/03/2026",
                "unpublish_at_1": "9 h 30",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "La fin de publication doit venir après la date de publication.")
        self.assertFalse(Article.objects.filter(title="À rebours").exists())

    def test_a_year_out_of_bounds_is_a_form_error(self):
        response = self.client.post(
            "/admin/pages/sitepage/add/",
            {"title": "Lointaine", "status": "draft", "unpublish_at_0": "01/01/2200", "unpublish_at_1": "9:00"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("unpublish_at", response.context["adminform"].form.errors)

    def test_the_form_asks_for_the_end_of_publication_in_french(self):
        for url in ("/admin/news/article/add/", "/admin/events/event/add/", "/admin/pages/sitepage/add/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "Dépublier le")
                self.assertContains(response, 'name="unpublish_at_1"')
                self.assertContains(response, "il disparaît du site")

    def test_the_list_shows_scheduled_expiring_and_expired_with_their_dates(self):
        make_article(title="Bientôt", published_at=timezone.now() + timedelta(days=2))
        html = self.page("/admin/news/article/")
        self.assertIn("Programmé le ", html)
        self.assertIn("Expire le ", html)
        self.assertIn("Expiré", html)
        self.assertIn("En ligne", html)

    def test_the_list_filters_scheduled_expiring_and_expired_items(self):
        make_article(title="Bientôt", published_at=timezone.now() + timedelta(days=2))
        make_article(title="Plus tard", unpublish_at=timezone.now() + timedelta(days=30))
        expected = {
            "scheduled": {"Bientôt"},
            "expiring": {"Terrils durables"},
            "expired": {"Terrils périmés"},
        }
        for value, titles in expected.items():
            with self.subTest(value=value):
                response = self.client.get("/admin/news/article/", {"publication": value})
                self.assertEqual({article.title for article in response.context["cl"].result_list}, titles)
        html = self.page("/admin/events/event/?publication=expired")
        self.assertIn("Congrès périmé", html)
        self.assertNotIn("Congrès durable", html)
        self.assertIn("Expirent dans les 7 jours", html)
