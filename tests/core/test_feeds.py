"""Readers subscribe to the news and the agenda in RSS or Atom; only public content reaches them."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.publishing import Status
from news.feeds import FEED_LENGTH
from tests.factories import local, make_article, make_congress, make_event, make_person

ATOM = "{http://www.w3.org/2005/Atom}"


def rss_items(response) -> list[ElementTree.Element]:
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel").findall("item")


def atom_entries(response) -> list[ElementTree.Element]:
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


class NewsFeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.congress = make_article(
            title="La Mission Bassin Minier invitée au Congrès de Thetford Mines (Québec)",
            standfirst="Les 7 et 8 mai 2025, la Mission Bassin Minier a participé au premier congrès.",
            body="<p>Réunissant <strong>une centaine</strong> de participants &amp; d’experts.</p>",
        )
        cls.congress.tags.add("friches", "Québec")
        cls.no_standfirst = make_article(
            title="Cœur de ville : l’œuvre continue", standfirst="",
            body="<p>Élus <em>et</em> habitants&nbsp;: tous mobilisés.</p>",
        )
        speaker = make_person(email="catherine.bertram@example.org", phone="+33 3 21 08 52 40")
        cls.congress.related_people.add(speaker)
        make_article(title="Brouillon secret", status=Status.DRAFT)
        make_article(title="Annonce programmée", published_at=timezone.now() + timedelta(days=3))

    def test_rss_lists_public_articles_newest_first(self):
        items = rss_items(self.client.get(reverse("news:rss")))
        self.assertEqual(
            [item.findtext("title") for item in items],
            [self.congress.title, self.no_standfirst.title],
        )
        first = items[0]
        self.assertEqual(first.findtext("link"), f"{settings.SITE_URL}{self.congress.get_absolute_url()}")
        self.assertEqual(sorted(c.text for c in first.findall("category")), ["Québec", "friches"])
        self.assertTrue(first.findtext("pubDate"))

    def test_atom_lists_the_same_articles(self):
        entries = atom_entries(self.client.get(reverse("news:atom")))
        self.assertEqual(
            [entry.findtext(f"{ATOM}title") for entry in entries],
            [self.congress.title, self.no_standfirst.title],
        )
        self.assertTrue(entries[0].findtext(f"{ATOM}updated"))
        self.assertTrue(entries[0].findtext(f"{ATOM}published"))
        self.assertEqual(
            sorted(c.get("term") for c in entries[0].findall(f"{ATOM}category")), ["Québec", "friches"]
        )

    def test_links_use_the_canonical_address_and_ids_survive_a_slug_change(self):
        with self.settings(SITE_URL="https://www.bassinminier.example"):
            root = ElementTree.fromstring(self.client.get(reverse("news:rss")).content)
            channel = root.find("channel")
            self.assertEqual(channel.findtext("link"), "https://www.bassinminier.example/actualites/")
            first = channel.find("item")
            self.assertEqual(first.findtext("link"), f"https://www.bassinminier.example{self.congress.get_absolute_url()}")
            guid = first.find("guid")
            self.assertEqual(guid.get("isPermaLink"), "false")
            self.assertTrue(guid.text.startswith("tag:www.bassinminier.example,"), guid.text)
            self.congress.slug = "congres-thetford-mines"
            self.congress.save()
            again = ElementTree.fromstring(self.client.get(reverse("news:atom")).content)
            self.assertEqual(again.find(f"{ATOM}entry").findtext(f"{ATOM}id"), guid.text)

    def test_feed_speaks_french(self):
        root = ElementTree.fromstring(self.client.get(reverse("news:rss")).content)
        self.assertEqual(root.find("channel").findtext("language"), "fr")
        feed = ElementTree.fromstring(self.client.get(reverse("news:atom")).content)
        self.assertEqual(feed.get("{http://www.w3.org/XML/1998/namespace}lang"), "fr")

    def test_descriptions_are_plain_text(self):
        items = rss_items(self.client.get(reverse("news:rss")))
        self.assertEqual(items[0].findtext("description"), self.congress.standfirst)
        self.assertEqual(items[1].findtext("description"), "Élus et habitants\xa0: tous mobilisés.")

    def test_drafts_scheduled_and_private_details_never_appear(self):
        for name in ("news:rss", "news:atom"):
            content = self.client.get(reverse(name)).content.decode()
            self.assertNotIn("Brouillon secret", content)
            self.assertNotIn("Annonce programmée", content)
            self.assertNotIn("catherine.bertram@example.org", content)
            self.assertNotIn("08 52 40", content)

    def test_feed_holds_only_the_latest_articles(self):
        for n in range(FEED_LENGTH + 2):
            make_article(title=f"Ancienne {n}", published_at=timezone.now() - timedelta(days=400 + n))
        self.assertEqual(len(rss_items(self.client.get(reverse("news:rss")))), FEED_LENGTH)


class EventFeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        year = now.year + 1
        cls.congress = make_congress(
            start=local(year, 5, 7, tz="America/Toronto"),
            end=local(year, 5, 8, 18, tz="America/Toronto"),
            all_day=True,
            summary="Premier congrès international sur les friches.",
        )
        cls.congress.tags.add("friches")
        cls.seminar = make_event(
            title="Séminaire Cœur de ville", start=local(year, 2, 12, 14), end=local(year, 2, 12, 17),
            summary="", description="<p>Un <em>séminaire</em> d’échanges.</p>",
        )
        make_event(title="Rencontre passée", start=now - timedelta(days=9), end=now - timedelta(days=8))
        make_event(title="Rencontre en brouillon", status=Status.DRAFT)
        make_event(title="Rencontre programmée", published_at=now + timedelta(days=1))

    def test_rss_lists_upcoming_public_events_soonest_first(self):
        items = rss_items(self.client.get(reverse("events:rss")))
        self.assertEqual([item.findtext("title") for item in items], [self.seminar.title, self.congress.title])
        self.assertEqual([c.text for c in items[1].findall("category")], ["friches"])

    def test_description_says_when_and_where(self):
        items = rss_items(self.client.get(reverse("events:rss")))
        description = items[1].findtext("description")
        self.assertTrue(description.startswith("7–8 "), description)
        self.assertIn("Thetford Mines (Québec, Canada)", description)
        self.assertIn("Premier congrès international sur les friches.", description)
        self.assertIn("Un séminaire d’échanges.", items[0].findtext("description"))
        self.assertIn("14 h – 17 h", items[0].findtext("description"))

    def test_several_days_read_as_dates_only(self):
        year = timezone.now().year + 1
        make_event(title="Université d’été", start=local(year, 7, 1, 9), end=local(year, 7, 3, 17))
        items = rss_items(self.client.get(reverse("events:rss")))
        description = next(item for item in items if item.findtext("title") == "Université d’été").findtext("description")
        self.assertTrue(description.startswith("1"), description)
        self.assertIn("–3 ", description)
        self.assertNotIn(" h ", description)

    def test_atom_lists_the_same_events(self):
        entries = atom_entries(self.client.get(reverse("events:atom")))
        self.assertEqual(
            [entry.findtext(f"{ATOM}title") for entry in entries], [self.seminar.title, self.congress.title]
        )

    def test_past_drafts_and_scheduled_events_never_appear(self):
        for name in ("events:rss", "events:atom"):
            content = self.client.get(reverse(name)).content.decode()
            self.assertNotIn("Rencontre passée", content)
            self.assertNotIn("Rencontre en brouillon", content)
            self.assertNotIn("Rencontre programmée", content)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 25])
def test_feeds_run_a_constant_number_of_queries(client, django_assert_max_num_queries, count):
    for n in range(count):
        make_article().tags.add(f"thème {n % 4}", "actualité")
        make_event(start=timezone.now() + timedelta(days=n + 1)).tags.add(f"thème {n % 4}")
    for name, expected in (("news:rss", count), ("news:atom", count), ("events:rss", count), ("events:atom", count)):
        Site.objects.clear_cache()  # measured cold: the feed's Site lookup counts too
        with django_assert_max_num_queries(4):
            response = client.get(reverse(name))
        entries = rss_items(response) if name.endswith("rss") else atom_entries(response)
        assert len(entries) == expected


class MarkupInTitlesTests(TestCase):
    """An editor's <b> in a title is text in every feed reader."""

    title = "<b>Friches</b> & sites : l'été <script>alert(1)</script>"

    @classmethod
    def setUpTestData(cls):
        make_article(title=cls.title)
        make_event(title=cls.title)

    def test_rss_titles_are_escaped_as_django_does_by_default(self):
        """RSS readers read a title as HTML: it is escaped once more than XML needs (Django's ticket #6533)."""
        from django.utils.html import escape

        for name in ("news:rss", "events:rss"):
            [item] = rss_items(self.client.get(reverse(name)))
            self.assertEqual(item.findtext("title"), escape(self.title), name)

    def test_atom_titles_are_text(self):
        """Atom says a title without a type is plain text: escaping it again would show "&lt;b&gt;"."""
        for name in ("news:atom", "events:atom"):
            [entry] = atom_entries(self.client.get(reverse(name)))
            title = entry.find(f"{ATOM}title")
            self.assertIn(title.get("type"), (None, "text"))
            self.assertEqual(title.text, self.title, name)
