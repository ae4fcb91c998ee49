import json
import re
from datetime import timedelta
from html.parser import HTMLParser

from django.contrib.auth.models import Permission
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.publishing import Status
from tests.factories import make_article, make_event, make_person, make_user, uploaded_image
from tests.helpers import json_ld, queries_for


class HomePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.featured = make_article(title="Le congrès de Thetford Mines", featured=True)
        cls.latest = make_article(title="Une friche devient un parc")
        cls.draft = make_article(title="Brouillon secret", status=Status.DRAFT)
        cls.scheduled = make_article(title="Annonce programmée", published_at=timezone.now() + timedelta(days=2))
        cls.event = make_event(title="Rencontre des territoires miniers")
        cls.past_event = make_event(title="Rencontre terminée", start=timezone.now() - timedelta(days=20))

    def test_home_shows_featured_latest_and_upcoming(self):
        """A visitor sees the featured story, the latest news and the next events."""
        response = self.client.get(reverse("news:home"))
        self.assertContains(response, "Le congrès de Thetford Mines")
        self.assertContains(response, "Une friche devient un parc")
        self.assertContains(response, "Rencontre des territoires miniers")
        self.assertContains(response, reverse("people:person-list"))
        self.assertNotContains(response, "Rencontre terminée")

    def test_home_hides_drafts_and_scheduled(self):
        response = self.client.get(reverse("news:home"))
        self.assertNotContains(response, "Brouillon secret")
        self.assertNotContains(response, "Annonce programmée")

    def test_home_announces_feeds_and_search(self):
        content = self.client.get(reverse("news:home")).content.decode()
        self.assertIn('<html lang="fr"', content)
        for name in ("news:rss", "news:atom", "events:rss", "events:atom"):
            self.assertIn('rel="alternate"', content)
            self.assertIn(f'href="{reverse(name)}"', content)
        self.assertIn(f'action="{reverse("search")}"', content)
        self.assertIn('name="q"', content)
        self.assertIn('href="#contenu"', content)


class ArticleListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.articles = [
            make_article(title=f"Article numéro {i:02d}", published_at=now - timedelta(days=i)) for i in range(1, 15)
        ]
        cls.articles[0].tags.add("friches")
        cls.old = make_article(title="Archive de 2019", published_at=now.replace(year=2019))
        cls.draft = make_article(title="Brouillon secret", status=Status.DRAFT)
        cls.draft.tags.add("brouillons")
        cls.scheduled = make_article(title="Annonce programmée", published_at=now + timedelta(days=1))
        cls.scheduled.tags.add("friches")

    def test_newest_first_and_paginated(self):
        response = self.client.get(reverse("news:article-list"))
        content = response.content.decode()
        self.assertLess(content.index("Article numéro 01"), content.index("Article numéro 02"))
        self.assertNotContains(response, "Article numéro 13")
        self.assertContains(self.client.get(reverse("news:article-list") + "?page=2"), "Article numéro 13")

    def test_drafts_and_scheduled_never_listed(self):
        for page in ("", "?page=2"):
            response = self.client.get(reverse("news:article-list") + page)
            self.assertNotContains(response, "Brouillon secret")
            self.assertNotContains(response, "Annonce programmée")

    def test_odd_page_numbers_give_404_not_500(self):
        for page in ("abc", "99999", "0", "-1", "1e3", "9" * 5000, ""):
            response = self.client.get(reverse("news:article-list"), {"page": page})
            self.assertIn(response.status_code, (200, 404), page[:20])

    def test_by_tag_lists_only_public_articles(self):
        response = self.client.get(reverse("news:article-tag", kwargs={"tag": "friches"}))
        self.assertContains(response, "Article numéro 01")
        self.assertNotContains(response, "Article numéro 02")
        self.assertNotContains(response, "Annonce programmée")

    def test_unknown_tag_or_tag_of_drafts_only_is_404(self):
        self.assertEqual(self.client.get(reverse("news:article-tag", kwargs={"tag": "inconnue"})).status_code, 404)
        self.assertEqual(self.client.get(reverse("news:article-tag", kwargs={"tag": "brouillons"})).status_code, 404)

    def test_by_year(self):
        response = self.client.get(reverse("news:article-year", kwargs={"year": 2019}))
        self.assertContains(response, "Archive de 2019")
        self.assertNotContains(response, "Article numéro 01")
        self.assertContains(self.client.get(reverse("news:article-list")), reverse("news:article-year", kwargs={"year": 2019}))

    def test_a_quiet_year_between_two_busy_ones_is_an_empty_page(self):
        response = self.client.get(reverse("news:article-year", kwargs={"year": 2022}))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Article numéro")

    def test_empty_or_absurd_year_is_404(self):
        for year in (1950, 1800, 99999):
            self.assertEqual(self.client.get(f"/actualites/annee/{year}/").status_code, 404)
        self.assertEqual(self.client.get("/actualites/annee/" + "9" * 5000 + "/").status_code, 404)

    def test_second_page_has_its_own_title_and_canonical(self):
        content = self.client.get(reverse("news:article-list") + "?page=2&utm_source=x").content.decode()
        self.assertIn("page 2", re.search(r"<title>(.*?)</title>", content).group(1))
        self.assertIn('rel="canonical" href="http://127.0.0.1:8000/actualites/?page=2"', content)

    def test_json_ld_lists_the_page_items(self):
        data = json_ld(self.client.get(reverse("news:article-list")))
        self.assertEqual(data["@type"], "CollectionPage")
        self.assertEqual(len(data["mainEntity"]["itemListElement"]), 12)
        self.assertEqual(data["mainEntity"]["itemListElement"][0]["url"], "http://127.0.0.1:8000" + self.articles[0].get_absolute_url())

    def test_constant_queries(self):
        small = queries_for(self.client, reverse("news:article-list"))
        for i in range(20):
            make_article(title=f"Encore {i}").tags.add("friches", "bassin")
        self.assertEqual(queries_for(self.client, reverse("news:article-list")), small)
        self.assertLessEqual(small, 8)


class ArticlePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.older = make_article(title="Article plus ancien", published_at=now - timedelta(days=10))
        cls.article = make_article(
            title="La Mission au Québec",
            standfirst="Les 7 et 8 mai 2025, la Mission a participé au congrès.",
            body="<p>Catherine Bertram est <strong>intervenue</strong>.</p>",
            published_at=now.replace(year=2025, month=5, day=12, hour=10),
            image=uploaded_image("thetford.jpg"),
            image_alt="Le chevalement de Thetford Mines",
            image_credit="Ville de Thetford Mines",
        )
        cls.article.published_at = now - timedelta(days=5)
        cls.article.save()
        cls.newer = make_article(title="Article plus récent", published_at=now - timedelta(days=1))
        cls.draft_newer = make_article(title="Brouillon récent", status=Status.DRAFT, published_at=now - timedelta(days=2))
        cls.article.tags.add("Coopération", "friches")
        cls.public_event = make_event(title="Congrès des friches")
        cls.draft_event = make_event(title="Événement en brouillon", status=Status.DRAFT)
        cls.public_person = make_person(first_name="Catherine", last_name="Bertram", email="c.bertram@example.org", phone="+33 6 12 34 56 78")
        cls.hidden_person = make_person(first_name="Paul", last_name="Discret", is_public=False)
        cls.article.related_events.add(cls.public_event, cls.draft_event)
        cls.article.related_people.add(cls.public_person, cls.hidden_person)
        cls.draft = make_article(title="Brouillon", status=Status.DRAFT)
        cls.scheduled = make_article(title="Plus tard", published_at=now + timedelta(days=3))

    def get(self):
        return self.client.get(self.article.get_absolute_url())

    def test_article_page_reads_as_expected(self):
        response = self.get()
        self.assertContains(response, "<h1>La Mission au Québec</h1>", html=True)
        self.assertContains(response, "Les 7 et 8 mai 2025, la Mission a participé au congrès.")
        self.assertContains(response, "<strong>intervenue</strong>")
        self.assertContains(response, "Ville de Thetford Mines")
        self.assertContains(response, 'alt="Le chevalement de Thetford Mines"')
        self.assertContains(response, 'type="image/webp"')
        self.assertContains(response, "Coopération")

    def test_date_is_written_in_french(self):
        date = timezone.localtime(self.article.published_at).date()
        months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
        day = "1er" if date.day == 1 else str(date.day)
        self.assertContains(self.get(), f"{day} {months[date.month - 1]} {date.year}")

    def test_related_blocks_show_only_public_things(self):
        response = self.get()
        self.assertContains(response, "Congrès des friches")
        self.assertContains(response, "Catherine Bertram")
        self.assertNotContains(response, "Événement en brouillon")
        self.assertNotContains(response, "Discret")
        self.assertNotContains(response, "c.bertram@example.org")
        self.assertNotContains(response, "+33 6 12 34 56 78")

    def test_previous_and_next_skip_unpublished(self):
        response = self.get()
        self.assertContains(response, self.older.get_absolute_url())
        self.assertContains(response, self.newer.get_absolute_url())
        self.assertNotContains(response, "Brouillon récent")

    def test_drafts_and_scheduled_are_404_to_the_public(self):
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 404)
        self.assertEqual(self.client.get(self.scheduled.get_absolute_url()).status_code, 404)

    def test_staff_who_may_edit_can_preview_a_draft(self):
        editor = make_user()
        editor.user_permissions.add(Permission.objects.get(codename="change_article"))
        self.client.force_login(editor)
        response = self.client.get(self.draft.get_absolute_url())
        self.assertContains(response, "Brouillon")
        self.assertContains(response, 'name="robots" content="noindex, nofollow"')

    def test_staff_without_permission_cannot_preview(self):
        self.client.force_login(make_user())
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 404)

    def test_head_describes_the_article_for_search_engines_and_sharing(self):
        content = self.get().content.decode()
        url = "http://127.0.0.1:8000" + self.article.get_absolute_url()
        self.assertIn("<title>La Mission au Québec – Mission Bassin Minier</title>", content)
        self.assertIn('name="description" content="Les 7 et 8 mai 2025', content)
        self.assertIn(f'<link rel="canonical" href="{url}">', content)
        self.assertIn('property="og:type" content="article"', content)
        self.assertIn('property="og:title" content="La Mission au Québec"', content)
        self.assertRegex(content, r'property="og:image" content="http://127\.0\.0\.1:8000/media/renditions/[^"]+\.jpg"')
        self.assertIn('name="twitter:card" content="summary_large_image"', content)
        self.assertIn('property="og:image:alt" content="Le chevalement de Thetford Mines"', content)

    def test_json_ld_is_a_news_article(self):
        data = json_ld(self.get())
        self.assertEqual(data["@type"], "NewsArticle")
        self.assertEqual(data["headline"], "La Mission au Québec")
        self.assertTrue(data["image"][0].startswith("http://127.0.0.1:8000/media/"))
        self.assertEqual([p["name"] for p in data["mentions"]], ["Catherine Bertram"])
        self.assertNotIn("c.bertram@example.org", json.dumps(data))

    def test_hostile_text_cannot_escape_the_json_ld_block(self):
        hostile = make_article(title='</script><script>alert("x")</script>', standfirst="<b>&</b>")
        content = self.client.get(hostile.get_absolute_url()).content.decode()
        self.assertNotIn('<script>alert("x")</script>', content)
        self.assertEqual(json_ld(self.client.get(hostile.get_absolute_url()))["headline"], '</script><script>alert("x")</script>')

    def test_constant_queries(self):
        small = queries_for(self.client, self.article.get_absolute_url())
        for i in range(5):
            self.article.related_events.add(make_event())
            self.article.related_people.add(make_person())
            self.article.tags.add(f"sujet {i}")
        self.assertEqual(queries_for(self.client, self.article.get_absolute_url()), small)
        self.assertLessEqual(small, 10)  # of which the attached documents (library/) and the menus (pages/)


class HomeQueryTests(TestCase):
    def test_constant_queries(self):
        make_article(featured=True)
        make_event()
        small = queries_for(self.client, reverse("news:home"))
        for _ in range(10):
            make_article(featured=True)
            make_event().tags.add("friches")
            make_person(photo=uploaded_image("portrait.jpg", size=(200, 200)))
        self.assertEqual(queries_for(self.client, reverse("news:home")), small)
        self.assertLessEqual(small, 8)


class ErrorPageTests(TestCase):
    def test_404_page_is_in_the_site_design(self):
        response = self.client.get("/actualites/n-existe-pas/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, 'class="site-header"', status_code=404)
        self.assertContains(response, f'action="{reverse("search")}"', status_code=404)
        self.assertContains(response, 'name="robots" content="noindex"', status_code=404)

    def test_500_page_needs_neither_request_nor_database(self):
        from django.template.loader import render_to_string
        from django.test.utils import CaptureQueriesContext as Capture

        with Capture(connection) as context:
            html = render_to_string("500.html")
        self.assertEqual(context.captured_queries, [])
        self.assertIn('<html lang="fr"', html)
        self.assertIn('class="site-header"', html)
        self.assertIn("Mission Bassin Minier", html)

    def test_hostile_tag_paths_give_404(self):
        for tag in ("a%00b", "%ff", "x" * 3000, "..%2F..%2Fetc"):
            self.assertEqual(self.client.get(f"/actualites/etiquette/{tag}/").status_code, 404, tag[:10])


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class MarkupChecker(HTMLParser):
    """Every element closed in order, ids unique: enough to catch a broken template."""

    def __init__(self):
        super().__init__()
        self.stack, self.ids, self.problems = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            if attrs["id"] in self.ids:
                self.problems.append(f"duplicate id {attrs['id']}")
            self.ids.append(attrs["id"])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}>")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


class MarkupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.event = make_event(title="Congrès")
        cls.event.tags.add("friches")
        cls.person = make_person(bio="<p>Urbaniste.</p>")
        cls.article = make_article(featured=True, image=uploaded_image("a.jpg"), image_alt="Un terril", image_credit="MBM")
        cls.article.tags.add("friches")
        cls.article.related_events.add(cls.event)
        cls.article.related_people.add(cls.person)
        for _ in range(14):
            make_article()

    def test_every_page_type_is_well_formed(self):
        urls = [
            reverse("news:home"),
            reverse("news:article-list"),
            reverse("news:article-list") + "?page=2",
            self.article.get_absolute_url(),
            reverse("events:event-list"),
            reverse("events:past-event-list"),
            self.event.get_absolute_url(),
            reverse("people:person-list"),
            self.person.get_absolute_url(),
            reverse("tag-detail", kwargs={"slug": "friches"}),
            "/nulle-part/",
        ]
        for url in urls:
            response = self.client.get(url)
            checker = MarkupChecker()
            checker.feed(response.content.decode())
            self.assertEqual(checker.problems, [], url)
            self.assertEqual(checker.stack, [], url)
            self.assertEqual(response.content.decode().count("<h1"), 1, url)
            self.assertEqual(response.content.decode().count('<link rel="canonical"'), 1, url)
