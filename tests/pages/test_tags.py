from datetime import timedelta

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.publishing import Status
from tests.factories import make_article, make_event, make_organisation, make_person
from tests.helpers import queries_for


def tag_url(slug: str) -> str:
    return reverse("tag-detail", kwargs={"slug": slug})


class TagPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        for item in (
            make_article(title="Une friche devient un parc"),
            make_event(title="Visite des friches du 11/19"),
            make_event(title="Congrès passé sur les friches", start=now - timedelta(days=30)),
            make_person(first_name="Marc", last_name="De Nale", organisation=make_organisation(name="Réseau PALME")),
        ):
            item.tags.add("friches")
        for hidden in (
            make_article(title="Brouillon sur les friches", status=Status.DRAFT),
            make_article(title="Article programmé", published_at=now + timedelta(days=1)),
            make_event(title="Événement en brouillon", status=Status.DRAFT),
            make_person(first_name="Paul", last_name="Privé", is_public=False),
        ):
            hidden.tags.add("friches")
        make_article(title="Brouillon seul", status=Status.DRAFT).tags.add("secret")
        make_article(title="Sans rapport").tags.add("autre")

    def test_gathers_public_articles_events_and_people(self):
        response = self.client.get(tag_url("friches"))
        for shown in ("Une friche devient un parc", "Visite des friches du 11/19", "Congrès passé sur les friches", "Marc De Nale", "Réseau PALME"):
            self.assertContains(response, shown)
        self.assertContains(response, "<title>")
        self.assertContains(response, 'rel="canonical" href="http://127.0.0.1:8000/etiquettes/friches/"')

    def test_never_shows_what_is_not_public(self):
        response = self.client.get(tag_url("friches"))
        for hidden in ("Brouillon sur les friches", "Article programmé", "Événement en brouillon", "Privé", "Sans rapport"):
            self.assertNotContains(response, hidden)

    def test_unknown_tag_and_tag_of_unpublished_content_only_are_404(self):
        self.assertEqual(self.client.get(tag_url("inconnue")).status_code, 404)
        self.assertEqual(self.client.get(tag_url("secret")).status_code, 404)

    def test_tags_on_pages_link_to_the_tag_page(self):
        article = make_article(title="Article étiqueté")
        article.tags.add("friches")
        self.assertContains(self.client.get(article.get_absolute_url()), f'href="{tag_url("friches")}"')

    def test_accented_tags_have_their_page(self):
        article = make_article(title="Au Québec")
        article.tags.add("Québec")
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, f'href="{tag_url("québec")}"')
        self.assertContains(self.client.get(tag_url("québec")), "Au Québec")

    def test_constant_queries(self):
        small = queries_for(self.client, tag_url("friches"))
        for _ in range(8):
            make_article().tags.add("friches")
            make_event().tags.add("friches")
            make_person(organisation=make_organisation()).tags.add("friches")
        self.assertEqual(queries_for(self.client, tag_url("friches")), small)
        self.assertLessEqual(small, 8)


class TagStructuredDataTests(TestCase):
    def test_tag_page_lists_its_public_items_in_json_ld(self):
        import json
        import re

        article = make_article(title="Une friche")
        article.tags.add("friches")
        make_article(title="Brouillon", status=Status.DRAFT).tags.add("friches")
        content = self.client.get(tag_url("friches")).content.decode()
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S).group(1))
        self.assertEqual(data["@type"], "CollectionPage")
        urls = [item["url"] for item in data["mainEntity"]["itemListElement"]]
        self.assertEqual(urls, ["http://127.0.0.1:8000" + article.get_absolute_url()])
