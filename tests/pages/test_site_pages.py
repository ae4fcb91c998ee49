"""The site's own pages (legal notice, accessibility statement…), the menus they appear in, and the
site map for people."""

import re
from datetime import timedelta
from xml.etree import ElementTree

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.publishing import Status
from demo.content import load_demo
from pages.admin import SitePageAdmin
from pages.models import Menu, SitePage
from tests.factories import make_article, make_event, make_site_page, make_user
from tests.helpers import json_ld, queries_for

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def menu_labels(response, css_class: str) -> list[str]:
    """The link texts of the header's main menu or the footer's information menu."""
    html = response.content.decode()
    start = html.index(f'class="{css_class}"')
    block = html[start:html.index("</nav>", start)]
    return re.findall(r"<a [^>]*>(.*?)</a>", block)


class PublicationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.legal = make_site_page(title="Mentions légales", slug="mentions-legales",
                                   body="<p>L’éditeur du site.</p><script>alert(1)</script>")
        cls.draft = make_site_page(title="Données personnelles", slug="donnees-personnelles", status=Status.DRAFT)
        cls.scheduled = make_site_page(title="Contact", slug="contact",
                                       published_at=timezone.now() + timedelta(days=2))

    def test_a_published_page_is_at_its_address(self):
        """/mentions-legales/ shows the page: one h1, its text, sanitised, a canonical address."""
        response = self.client.get("/mentions-legales/")
        self.assertContains(response, "<h1>Mentions légales</h1>", html=True)
        self.assertContains(response, "L’éditeur du site.")
        self.assertNotContains(response, "<script>alert")
        self.assertContains(response, f'<link rel="canonical" href="{settings.SITE_URL.rstrip("/")}/mentions-legales/">')
        self.assertEqual(json_ld(response)["@type"], "WebPage")
        self.assertEqual(json_ld(response)["name"], "Mentions légales")

    def test_drafts_and_scheduled_pages_are_404_for_the_public(self):
        self.assertEqual(self.client.get("/donnees-personnelles/").status_code, 404)
        self.assertEqual(self.client.get("/contact/").status_code, 404)
        self.assertEqual(list(SitePage.objects.published()), [self.legal])

    def test_staff_who_may_change_pages_preview_a_draft(self):
        self.client.force_login(make_user(group="Communication"))
        response = self.client.get("/donnees-personnelles/")
        self.assertContains(response, "Données personnelles")
        self.assertContains(response, 'class="preview-notice')
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">')

    def test_staff_without_the_permission_get_a_404(self):
        self.client.force_login(make_user())
        self.assertEqual(self.client.get("/donnees-personnelles/").status_code, 404)

    def test_unknown_pages_are_404_and_other_addresses_still_answer(self):
        self.assertEqual(self.client.get("/n-existe-pas/").status_code, 404)
        for path in ("/", "/actualites/", "/agenda/", "/personnes/", "/recherche/", "/sitemap.xml", "/robots.txt"):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 200)

    def test_an_edit_shows_at_once(self):
        """The page cache keeps no stale copy: the database triggers change the content generation."""
        self.assertEqual(self.client.get("/mentions-legales/")["X-Cache"], "miss")
        self.assertEqual(self.client.get("/mentions-legales/")["X-Cache"], "hit")
        self.legal.body = "<p>Le nouvel hébergeur.</p>"
        self.legal.save()
        self.assertContains(self.client.get("/mentions-legales/"), "Le nouvel hébergeur.")
        SitePage.objects.filter(pk=self.draft.pk).publish()
        self.assertEqual(self.client.get("/donnees-personnelles/").status_code, 200)


class SlugTests(TestCase):
    def form_errors(self, **data) -> dict:
        page = SitePage(title=data.pop("title", "Une page"), **data)
        try:
            page.full_clean()
        except ValidationError as error:
            return error.message_dict
        return {}

    def test_slugs_the_site_already_routes_are_refused_with_a_clear_error(self):
        for slug in ("actualites", "agenda", "personnes", "etiquettes", "recherche", "documents", "admin",
                     "plan-du-site", "static", "media", "sitemap", "robots"):
            with self.subTest(slug=slug):
                errors = self.form_errors(slug=slug)
                self.assertIn("slug", errors)
                self.assertIn(f"/{slug}/", errors["slug"][0])
                self.assertIn("déjà utilisée", errors["slug"][0])

    def test_addresses_with_a_dot_are_no_slugs(self):
        for slug in ("sitemap.xml", "robots.txt", "favicon.ico"):
            with self.subTest(slug=slug):
                self.assertIn("slug", self.form_errors(slug=slug))

    def test_a_free_slug_is_accepted(self):
        self.assertEqual(self.form_errors(slug="mentions-legales"), {})

    def test_a_slug_made_from_the_title_is_french_and_never_reserved(self):
        self.assertEqual(make_site_page(title="Données personnelles", slug="").slug, "donnees-personnelles")
        self.assertEqual(make_site_page(title="L’œuvre des habitants", slug="").slug, "l-oeuvre-des-habitants")
        self.assertEqual(make_site_page(title="Agenda", slug="").slug, "agenda-2")
        self.assertEqual(make_site_page(title="Étiquettes", slug="").slug, "etiquettes-page")

    def test_the_old_address_of_a_public_page_answers_301(self):
        page = make_site_page(title="Accessibilité", slug="accessibilite")
        page = SitePage.objects.get(pk=page.pk)
        page.slug = "declaration-accessibilite"
        page.save()
        self.assertRedirects(self.client.get("/accessibilite/"), "/declaration-accessibilite/", status_code=301)

    def test_the_old_address_of_an_unpublished_page_is_404(self):
        page = make_site_page(title="Accessibilité", slug="accessibilite")
        page = SitePage.objects.get(pk=page.pk)
        page.slug = "declaration-accessibilite"
        page.save()
        SitePage.objects.filter(pk=page.pk).unpublish()
        self.assertEqual(self.client.get("/accessibilite/").status_code, 404)


class MenuTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_site_page(title="À propos de nous", menu_title="À propos", slug="a-propos", menu=Menu.HEADER, position=10)
        make_site_page(title="Contact", slug="contact", menu=Menu.FOOTER, position=40)
        make_site_page(title="Mentions légales", slug="mentions-legales", menu=Menu.FOOTER, position=10)
        make_site_page(title="Déclaration d’accessibilité", menu_title="Accessibilité\u00a0: non conforme",
                       slug="accessibilite", menu=Menu.FOOTER, position=20)
        make_site_page(title="Brouillon", slug="brouillon", menu=Menu.FOOTER, position=1, status=Status.DRAFT)
        make_site_page(title="Programmée", slug="programmee", menu=Menu.HEADER, position=1,
                       published_at=timezone.now() + timedelta(days=1))
        make_site_page(title="Hors menu", slug="hors-menu", menu=Menu.NONE)

    def test_menus_hold_their_public_pages_in_order(self):
        self.assertEqual([p.slug for p in SitePage.objects.menus()[Menu.HEADER]], ["a-propos"])
        self.assertEqual(
            [p.slug for p in SitePage.objects.menus()[Menu.FOOTER]], ["mentions-legales", "accessibilite", "contact"]
        )

    def test_the_header_shows_the_sections_then_its_pages(self):
        response = self.client.get("/")
        self.assertEqual(menu_labels(response, "site-nav"), ["Actualités", "Agenda", "Personnes", "À propos"])

    def test_the_footer_shows_its_pages_then_the_site_map(self):
        response = self.client.get("/")
        self.assertEqual(
            menu_labels(response, "wrap footer-legal"),
            ["Mentions légales", "Accessibilité\u00a0: non conforme", "Contact", "Plan du site"],
        )
        self.assertContains(response, f'href="{reverse("pages:site-map")}"')
        self.assertNotContains(response, "Brouillon")
        self.assertNotContains(response, "Hors menu")

    def test_the_current_page_is_marked_in_its_menu(self):
        response = self.client.get("/a-propos/")
        self.assertContains(response, '<a href="/a-propos/" aria-current="page">À propos</a>', html=True)

    def test_a_reordered_menu_shows_at_once(self):
        self.client.get("/")
        SitePage.objects.filter(slug="contact").update(position=5)
        self.assertEqual(
            menu_labels(self.client.get("/"), "wrap footer-legal"),
            ["Contact", "Mentions légales", "Accessibilité\u00a0: non conforme", "Plan du site"],
        )

    def test_both_menus_take_one_query(self):
        """A site page with both menus: the page, then the menus, whatever their length."""
        small = queries_for(self.client, "/mentions-legales/")
        for n in range(10):
            make_site_page(title=f"Page {n}", menu=Menu.FOOTER if n % 2 else Menu.HEADER, position=n)
        self.assertEqual(queries_for(self.client, "/mentions-legales/"), small)
        self.assertLessEqual(small, 4)  # the page cache's two (generation, next change), the page, the menus

    def test_the_admin_makes_no_menu_query(self):
        self.client.force_login(make_user(is_superuser=True))
        with CaptureQueriesContext(connection) as context:
            self.assertEqual(self.client.get(reverse("admin:password_change")).status_code, 200)
        self.assertFalse([q for q in context.captured_queries if "pages_sitepage" in q["sql"]])


class SearchAndSitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.page = make_site_page(title="Déclaration d’accessibilité", slug="accessibilite",
                                  body="<p>Le site est partiellement conforme au RGAA.</p>")
        cls.draft = make_site_page(title="Politique des cookies", slug="cookies", status=Status.DRAFT,
                                   body="<p>RGAA en brouillon.</p>")

    def test_search_finds_a_public_page(self):
        response = self.client.get(reverse("search"), {"q": "RGAA"})
        self.assertContains(response, "Informations pratiques")
        self.assertContains(response, 'href="/accessibilite/"')
        self.assertNotContains(response, "Politique des cookies")
        only_pages = self.client.get(reverse("search"), {"q": "accessibilité", "type": "pages"})
        self.assertContains(only_pages, "Déclaration d’accessibilité")

    def test_the_xml_sitemap_lists_published_pages_only(self):
        index = self.client.get(reverse("sitemap")).content.decode()
        self.assertIn("sitemap-informations.xml", index)
        response = self.client.get(reverse("sitemap-section", kwargs={"section": "informations"}))
        root = ElementTree.fromstring(response.content)
        self.assertEqual(
            [element.findtext(f"{NS}loc") for element in root.iter(f"{NS}url")],
            [settings.SITE_URL.rstrip("/") + "/accessibilite/"],
        )


class SiteMapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.articles = [make_article(title=f"Actualité {n:02d}", published_at=now - timedelta(days=n))
                        for n in range(1, 13)]
        cls.old = make_article(title="Archive de 2019", published_at=now.replace(year=2019))
        make_article(title="Brouillon secret", status=Status.DRAFT)
        cls.event = make_event(title="Rencontre des territoires miniers")
        cls.past = make_event(title="Rencontre passée", start=now - timedelta(days=30))
        make_site_page(title="Mentions légales", slug="mentions-legales", menu=Menu.FOOTER)
        make_site_page(title="Page en préparation", slug="en-preparation", status=Status.DRAFT)

    def test_the_site_map_names_every_section(self):
        response = self.client.get("/plan-du-site/")
        self.assertContains(response, "<h1>Plan du site</h1>", html=True)
        for heading in ("Actualités", "Agenda", "Personnes", "Informations pratiques"):
            self.assertContains(response, heading)
        for url in (
            reverse("news:article-list"), reverse("news:article-year", kwargs={"year": 2019}),
            reverse("events:event-list"), reverse("events:past-event-list"), reverse("people:person-list"),
            "/mentions-legales/", reverse("search"), reverse("sitemap"),
        ):
            self.assertContains(response, f'href="{url}"')
        self.assertContains(response, self.event.get_absolute_url())

    def test_the_latest_articles_only_by_name_and_nothing_unpublished(self):
        response = self.client.get("/plan-du-site/")
        self.assertContains(response, "Actualité 01")
        self.assertContains(response, "Actualité 10")
        self.assertNotContains(response, "Actualité 11")
        self.assertNotContains(response, "Brouillon secret")
        self.assertNotContains(response, "Page en préparation")
        self.assertNotContains(response, "Rencontre passée")

    def test_the_site_map_takes_as_many_queries_for_many_articles(self):
        small = queries_for(self.client, "/plan-du-site/")
        now = timezone.now()
        for n in range(30):
            make_article(title=f"Encore {n}", published_at=now.replace(year=2000 + n % 20))
            make_event(title=f"Rencontre {n}")
            make_site_page(title=f"Page {n}")
        self.assertEqual(queries_for(self.client, "/plan-du-site/"), small)
        self.assertLessEqual(small, 7)

    def test_the_footer_link_is_the_readable_site_map(self):
        response = self.client.get("/")
        self.assertContains(response, '<a href="/plan-du-site/">Plan du site</a>', html=True)


class AdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(group="Communication")
        cls.page = make_site_page(title="Mentions légales", slug="mentions-legales", menu=Menu.FOOTER, position=10)

    def setUp(self):
        self.client.force_login(self.editor)

    def test_communication_adds_changes_and_views_pages_but_deletes_none(self):
        for codename in ("add_sitepage", "change_sitepage", "view_sitepage"):
            self.assertTrue(self.editor.has_perm(f"pages.{codename}"), codename)
        self.assertFalse(self.editor.has_perm("pages.delete_sitepage"))
        self.assertTrue(Permission.objects.filter(group__name="Communication", codename="add_sitepage").exists())

    def test_the_list_shows_menu_position_and_visibility(self):
        response = self.client.get(reverse("admin:pages_sitepage_changelist"))
        self.assertContains(response, "Mentions légales")
        self.assertContains(response, "Pied de page")
        self.assertContains(response, 'name="form-0-position"')
        self.assertContains(response, "En ligne")
        self.assertContains(response, 'href="/mentions-legales/"')
        self.assertEqual(SitePageAdmin.list_editable, ["position"])

    def test_a_reserved_slug_is_a_form_error(self):
        response = self.client.post(reverse("admin:pages_sitepage_add"), {
            "title": "Agenda", "slug": "agenda", "summary": "", "body": "", "menu": "none", "position": 0,
            "menu_title": "", "status": "draft", "published_at_0": "", "published_at_1": "",
        })
        self.assertEqual(response.status_code, 200)
        self.assertIn("slug", response.context["adminform"].form.errors)
        self.assertFalse(SitePage.objects.filter(slug="agenda").exists())

    def test_an_editor_creates_a_page_in_the_footer(self):
        response = self.client.post(reverse("admin:pages_sitepage_add"), {
            "title": "Plan d’accès", "slug": "plan-d-acces", "summary": "Venir à Oignies.",
            "body": "<p>En train.</p>", "menu": "footer", "position": 50, "menu_title": "",
            "status": "published", "published_at_0": "", "published_at_1": "",
        })
        self.assertEqual(response.status_code, 302)
        self.client.logout()
        self.assertEqual(menu_labels(self.client.get("/"), "wrap footer-legal")[-2:], ["Plan d’accès", "Plan du site"])


class DemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.report = load_demo()

    def test_the_demo_seeds_the_five_pages_marked_as_to_be_completed(self):
        pages = {page.slug: page for page in SitePage.objects.published()}
        self.assertEqual(
            set(pages), {"mentions-legales", "accessibilite", "donnees-personnelles", "a-propos", "contact"}
        )
        for page in pages.values():
            self.assertIn("À compléter", page.body)
        self.assertIn("Défenseur des droits", pages["accessibilite"].body)
        self.assertIn("RGAA", pages["accessibilite"].body)
        self.assertIn("CNIL", pages["donnees-personnelles"].body)
        self.assertIn("hébergeur", pages["mentions-legales"].body)

    def test_the_demo_menus(self):
        self.assertEqual([p.label for p in SitePage.objects.menus()[Menu.HEADER]], ["À propos"])
        self.assertEqual(
            [p.label for p in SitePage.objects.menus()[Menu.FOOTER]],
            ["Mentions légales", "Accessibilité\u00a0: non conforme", "Données personnelles", "Contact"],
        )

    def test_loading_again_changes_nothing(self):
        before = list(SitePage.objects.order_by("pk").values())
        report = load_demo()
        self.assertEqual(report.counts["site pages"]["unchanged"], 5)
        self.assertEqual(list(SitePage.objects.order_by("pk").values()), before)
