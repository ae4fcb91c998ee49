"""Search engines find every public page, and only those, through /sitemap.xml."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from config.urls import SITEMAPS
from core.publishing import Status
from tests.factories import make_article, make_event, make_person

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(response, tag="url") -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    return [element.findtext(f"{NS}loc") for element in root.iter(f"{NS}{tag}")]


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


class SitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(title="Le congrès de Thetford Mines")
        cls.draft_article = make_article(title="Brouillon", status=Status.DRAFT)
        cls.scheduled_article = make_article(published_at=timezone.now() + timedelta(days=2))
        cls.event = make_event(title="Congrès des friches")
        cls.past_event = make_event(start=timezone.now() - timedelta(days=400), end=timezone.now() - timedelta(days=399))
        cls.draft_event = make_event(status=Status.DRAFT)
        cls.scheduled_event = make_event(published_at=timezone.now() + timedelta(days=2))
        cls.speaker = make_person(first_name="Catherine", last_name="Bertram")
        cls.attendee = make_person(is_public=False)

    def section(self, name: str, **params):
        return self.client.get(reverse("sitemap-section", kwargs={"section": name}), params)

    def test_index_names_every_section(self):
        response = self.client.get(reverse("sitemap"))
        self.assertEqual(
            locations(response, "sitemap"),
            [absolute(reverse("sitemap-section", kwargs={"section": name})) for name in SITEMAPS],
        )

    def test_index_gives_each_section_its_latest_change(self):
        root = ElementTree.fromstring(self.client.get(reverse("sitemap")).content)
        lastmods = {
            element.findtext(f"{NS}loc").rsplit("/", 1)[-1]: element.findtext(f"{NS}lastmod")
            for element in root.iter(f"{NS}sitemap")
        }
        self.assertIsNone(lastmods["sitemap-pages.xml"])
        self.assertTrue(lastmods["sitemap-actualites.xml"].startswith(str(self.article.updated.year)))

    def test_sections_list_public_pages_with_lastmod(self):
        self.assertEqual(locations(self.section("actualites")), [absolute(self.article.get_absolute_url())])
        self.assertEqual(
            locations(self.section("agenda")),
            [absolute(self.event.get_absolute_url()), absolute(self.past_event.get_absolute_url())],
        )
        self.assertEqual(locations(self.section("personnes")), [absolute(self.speaker.get_absolute_url())])
        root = ElementTree.fromstring(self.section("actualites").content)
        self.assertEqual(
            root.find(f"{NS}url").findtext(f"{NS}lastmod"),
            timezone.localtime(self.article.updated).date().isoformat(),
        )

    def test_static_pages_are_listed(self):
        self.assertEqual(
            locations(self.section("pages")),
            [absolute(path) for path in ("/", "/actualites/", "/agenda/", "/agenda/archives/", "/personnes/")],
        )

    def test_nothing_private_appears(self):
        content = b"".join(self.section(name).content for name in SITEMAPS).decode()
        for hidden in (self.draft_article, self.scheduled_article, self.draft_event, self.scheduled_event, self.attendee):
            self.assertNotIn(hidden.get_absolute_url(), content)

    def test_odd_section_or_page_is_a_404(self):
        self.assertEqual(self.section("inconnue").status_code, 404)
        self.assertEqual(self.section("actualites", p="abc").status_code, 404)
        self.assertEqual(self.section("actualites", p="99999").status_code, 404)

    def test_index_and_sections_point_at_the_canonical_address(self):
        """The Site row starts from SITE_URL (a migration), and sections always use SITE_URL."""
        self.assertEqual(Site.objects.get_current().domain, settings.SITE_URL.split("://", 1)[1])
        with self.settings(SITE_URL="https://www.bassinminier.example"):
            self.assertEqual(
                locations(self.section("actualites")),
                [f"https://www.bassinminier.example{self.article.get_absolute_url()}"],
            )
            self.assertTrue(all(loc.startswith("https://") for loc in locations(self.client.get(reverse("sitemap")), "sitemap")))


class PaginatedSitemapTests(TestCase):
    """With 100,000 articles the index points to pages of `limit` URLs, as sitemaps are paginated."""

    @classmethod
    def setUpTestData(cls):
        cls.articles = [make_article() for _ in range(5)]

    def test_sections_are_split_into_pages(self):
        from news.sitemaps import ArticleSitemap

        original = ArticleSitemap.limit
        ArticleSitemap.limit = 2
        try:
            index = locations(self.client.get(reverse("sitemap")), "sitemap")
            url = absolute(reverse("sitemap-section", kwargs={"section": "actualites"}))
            self.assertEqual([loc for loc in index if loc.startswith(url)], [url, f"{url}?p=2", f"{url}?p=3"])
            pages = [locations(self.client.get(reverse("sitemap-section", kwargs={"section": "actualites"}), {"p": p})) for p in (1, 2, 3)]
        finally:
            ArticleSitemap.limit = original
        self.assertEqual([len(page) for page in pages], [2, 2, 1])
        self.assertEqual(sorted(sum(pages, [])), sorted(absolute(a.get_absolute_url()) for a in self.articles))


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_sitemaps_run_a_constant_number_of_queries(client, django_assert_max_num_queries, count):
    for _ in range(count):
        make_article()
        make_event()
        make_person()
    Site.objects.clear_cache()  # measured cold: the view's Site lookup counts too
    # One is the page cache's read of the content generation; one aggregate per section.
    with django_assert_max_num_queries(6):
        index = client.get(reverse("sitemap"))
    assert len(locations(index, "sitemap")) == len(SITEMAPS)
    for name, expected in (("actualites", count), ("agenda", count), ("personnes", count)):
        Site.objects.clear_cache()
        with django_assert_max_num_queries(5):
            response = client.get(reverse("sitemap-section", kwargs={"section": name}))
        assert len(locations(response)) == expected
