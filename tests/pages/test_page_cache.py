"""The page cache's key: one stored copy per page, whatever a visitor adds to its address.

And the old address of a renamed item leads to it only while the item is public.
"""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

from django.test import TestCase
from django.utils import timezone

from core.publishing import Status
from pages.cache import next_midnight, next_scheduled_change
from pages.models import SitePage
from tests.factories import make_article, make_event, make_person, make_user


class QueryParameterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for n in range(14):
            make_article(title=f"Actualité du bassin {n}")

    def test_tracking_parameters_are_served_the_one_stored_copy(self):
        first = self.client.get("/actualites/")
        self.assertEqual(first["X-Cache"], "miss")
        for query in ("utm_source=lettre&utm_medium=email", "fbclid=IwAR0x", "gclid=1", "n=1", "n=2"):
            with self.subTest(query=query):
                response = self.client.get(f"/actualites/?{query}")
                self.assertEqual(response["X-Cache"], "hit")
                self.assertEqual(response.content, first.content)

    def test_the_view_never_sees_a_parameter_it_does_not_read(self):
        """The copy stored for everybody carries nothing the first visitor added."""
        response = self.client.get("/actualites/?page=2&utm_campaign=%3Cb%3Epiege")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "utm_campaign")
        self.assertNotContains(response, "piege")
        self.assertContains(self.client.get("/actualites/?page=1"), 'href="?page=2"')

    def test_a_parameter_the_view_reads_makes_a_page_of_its_own(self):
        self.assertEqual(self.client.get("/actualites/?page=2")["X-Cache"], "miss")
        self.assertEqual(self.client.get("/actualites/?page=2")["X-Cache"], "hit")
        self.assertEqual(self.client.get("/actualites/?page=002")["X-Cache"], "hit")  # the same page number
        self.assertEqual(self.client.get("/actualites/?page=2&page=2")["X-Cache"], "hit")
        self.assertEqual(self.client.get("/recherche/?q=bassin")["X-Cache"], "miss")
        self.assertEqual(self.client.get("/recherche/?q=%20bassin%20&utm_source=x")["X-Cache"], "hit")

    def test_filters_and_sitemap_pages_still_work(self):
        make_event(title="Visite de la base 11/19", kind="site_visit")
        self.assertContains(self.client.get("/agenda/?type=site_visit&utm_source=x"), "Visite de la base 11/19")
        self.assertNotContains(self.client.get("/agenda/?type=congress"), "Visite de la base 11/19")
        self.assertEqual(self.client.get("/sitemap-actualites.xml?p=1&fbclid=x").status_code, 200)
        self.assertEqual(self.client.get("/sitemap-actualites.xml?p=2").status_code, 404)  # one page only

    def test_staff_keep_every_parameter(self):
        """Only anonymous pages are shared: an editor's request is left as it came."""
        self.client.force_login(make_user(group="Communication"))
        response = self.client.get("/admin/news/article/?status__exact=draft")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["cl"].params.get("status__exact"), "draft")


class OldAddressTests(TestCase):
    def rename(self, item, slug):
        item.slug = slug
        item.save()
        return item

    def test_an_old_address_answers_301_only_while_the_item_is_public(self):
        for item in (make_article(title="Les terrils"), make_event(title="Congrès des friches"),
                     make_person(first_name="Catherine", last_name="Bertram")):
            with self.subTest(item=item):
                old = item.get_absolute_url()
                self.rename(item, f"{item.slug}-nouveau")
                self.assertRedirects(self.client.get(old), item.get_absolute_url(), status_code=301)
                if hasattr(item, "status"):
                    item.status = Status.DRAFT
                else:
                    item.is_public = False
                item.save()
                self.assertEqual(self.client.get(item.get_absolute_url()).status_code, 404)
                self.assertEqual(self.client.get(old).status_code, 404)

    def test_an_old_address_leads_again_once_the_item_is_public_again(self):
        article = self.rename(make_article(title="Les terrils"), "terrils-patrimoine")
        article.status = Status.DRAFT
        article.save()
        self.assertEqual(self.client.get("/actualites/les-terrils/").status_code, 404)
        article.status = Status.PUBLISHED
        article.save()
        self.assertRedirects(self.client.get("/actualites/les-terrils/"), "/actualites/terrils-patrimoine/",
                             status_code=301)

    def test_staff_who_preview_a_draft_are_led_to_it(self):
        article = self.rename(make_article(title="Les terrils"), "terrils-patrimoine")
        article.status = Status.DRAFT
        article.save()
        self.client.force_login(make_user(group="Communication"))
        self.assertRedirects(self.client.get("/actualites/les-terrils/"), "/actualites/terrils-patrimoine/",
                             status_code=301)



class MidnightTests(TestCase):
    """The agenda's month marks today: no page is kept past the next local midnight."""

    def test_with_nothing_scheduled_pages_are_kept_until_midnight_in_paris(self):
        instant = next_scheduled_change().astimezone(ZoneInfo("Europe/Paris"))
        self.assertEqual(instant.time(), time(0, 0))
        self.assertEqual(instant.date(), timezone.localdate() + timedelta(days=1))
        self.assertTrue(timezone.now() < instant <= timezone.now() + timedelta(hours=25))

    def test_a_scheduled_article_before_midnight_comes_first(self):
        soon = timezone.now() + timedelta(seconds=30)
        if soon >= next_midnight():
            self.skipTest("run within 30 s of midnight")
        make_article(title="Bientôt en ligne", published_at=soon)
        self.assertEqual(next_scheduled_change(), soon)

    def test_a_scheduled_site_page_counts_too(self):
        soon = timezone.now() + timedelta(seconds=30)
        if soon >= next_midnight():
            self.skipTest("run within 30 s of midnight")
        SitePage.objects.create(title="Nouvelle page", slug="nouvelle-page", status=Status.PUBLISHED, published_at=soon)
        self.assertEqual(next_scheduled_change(), soon)
