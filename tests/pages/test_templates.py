"""Every page says its title once: <title>, og:title and twitter:title agree; one breadcrumb trail,
one error page design."""

import html
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, TestCase
from django.urls import reverse
from django.views import defaults

from config.views import server_error
from tests.factories import local, make_article, make_event, make_organisation, make_participation, make_person

TEMPLATES = Path(settings.BASE_DIR) / "templates"
SITE = settings.SITE_NAME
HOSTILE = 'L’été "chaud" & <b>gras</b>'


def titles(content: str) -> tuple[str, str, str]:
    """The page's <title>, og:title and twitter:title, unescaped."""

    def one(pattern):
        found = re.findall(pattern, content, re.S)
        assert len(found) == 1, (pattern, found)
        return html.unescape(found[0])

    return (
        one(r"<title>(.*?)</title>"),
        one(r'<meta property="og:title" content="([^"]*)">'),
        one(r'<meta name="twitter:title" content="([^"]*)">'),
    )


def breadcrumbs(content: str) -> list[str]:
    return re.findall(r'<nav class="breadcrumb".*?</nav>', content, re.S)


class PageTitleTests(TestCase):
    """The page title of each public page type, in the three places that show it."""

    @classmethod
    def setUpTestData(cls):
        organisation = make_organisation(name="Région & <Hauts-de-France>", slug="region-hdf")
        cls.person = make_person(first_name="Zoé", last_name="O'Brien", organisation=organisation)
        cls.event = make_event(title=HOSTILE, start=local(2030, 5, 7, 9), end=local(2030, 5, 7, 17))
        make_event(title="Assises 2020", start=local(2020, 5, 7, 9), end=local(2020, 5, 7, 17))
        make_participation(event=cls.event, person=cls.person)
        cls.article = make_article(title=HOSTILE, published_at=local(2024, 3, 4, 10))
        cls.article.tags.add("Friches")
        cls.event.tags.add("Friches")

    def pages(self):
        """(what, address, title or None for the site's name alone, breadcrumb trail or None).

        A trail is the section after Home: (address, label), or (None, None) for Home alone.
        """
        news, agenda, people = reverse("news:article-list"), reverse("events:event-list"), reverse("people:person-list")
        return [
            ("home", reverse("news:home"), None, None),
            ("news", news, "Actualités", (None, None)),
            (
                "news of a year",
                reverse("news:article-year", kwargs={"year": 2024}),
                "Actualités de 2024",
                (news, "Actualités"),
            ),
            (
                "news of a tag",
                reverse("news:article-tag", kwargs={"tag": "friches"}),
                "Actualités «\xa0Friches\xa0»",
                (news, "Actualités"),
            ),
            ("article", self.article.get_absolute_url(), HOSTILE, (news, "Actualités")),
            ("tag page", reverse("tag-detail", kwargs={"slug": "friches"}), "Étiquette\xa0: Friches", (None, None)),
            ("agenda", agenda, "Événements à venir", (None, None)),
            ("past events", reverse("events:past-event-list"), "Événements passés", (None, None)),
            ("event", self.event.get_absolute_url(), HOSTILE, (agenda, "Agenda")),
            ("people", people, "Personnes", (None, None)),
            (
                "people of an organisation",
                f"{people}?organisation=region-hdf",
                "Personnes de Région & <Hauts-de-France>",
                (people, "Personnes"),
            ),
            ("person", self.person.get_absolute_url(), "Zoé O'Brien", (people, "Personnes")),
            ("search form", reverse("search"), "Recherche", None),
            ("search results", f"{reverse('search')}?q=%3Cb%3E", "Recherche\xa0: «\xa0<b>\xa0»", None),
            ("404", "/actualites/n-existe-pas/", "Page introuvable", None),
            ("400", f"{reverse('admin:index')}?q=%00", "Requête invalide", None),
        ]

    def test_title_og_title_and_twitter_title_agree(self):
        """The title tag adds the site's name; the share cards say the page title alone."""
        for what, url, title, _ in self.pages():
            with self.subTest(what):
                content = self.client.get(url).content.decode()
                expected = (f"{title} – {SITE}", title, title) if title else (SITE, SITE, SITE)
                self.assertEqual(titles(content), expected)

    def test_breadcrumbs_come_from_the_include(self):
        """Home, then the page's section when it has one; the page itself is its <h1>."""
        for what, url, _, parent in self.pages():
            with self.subTest(what):
                trail = breadcrumbs(self.client.get(url).content.decode())
                if parent is None:
                    self.assertEqual(trail, [])
                    continue
                parent_url, parent_label = parent
                expected = render_to_string(
                    "includes/breadcrumbs.html", {"parent_url": parent_url, "parent_label": parent_label}
                )
                self.assertEqual(trail, [expected])
                self.assertIn('aria-label="Fil d’Ariane"', expected)
                self.assertIn(f'<li><a href="{reverse("news:home")}">Accueil</a></li>', expected)

    def test_a_page_title_is_escaped_once(self):
        content = self.client.get(self.article.get_absolute_url()).content.decode()
        self.assertIn(
            '<meta property="og:title" content="L’été &quot;chaud&quot; &amp; &lt;b&gt;gras&lt;/b&gt;">', content
        )
        self.assertNotIn("&amp;amp;", content)


class ErrorPageTitleTests(TestCase):
    """The error pages share one design and say their title in the three places too."""

    def request(self, **cookies):
        request = RequestFactory().get("/gestion/")
        request.user = AnonymousUser()
        request.COOKIES.update(cookies)
        return request

    def assert_error_page(self, content: str, title: str, heading: str):
        self.assertEqual(titles(content), (f"{title} – {SITE}", title, title))
        self.assertIn(f'<div class="wrap error-page">\n  <h1>{heading}</h1>', content)
        self.assertIn('<meta name="robots" content="noindex">', content)
        self.assertIn('class="site-header"', content)

    def test_403(self):
        response = defaults.permission_denied(self.request(), PermissionDenied())
        self.assertEqual(response.status_code, 403)
        self.assert_error_page(response.content.decode(), "Accès refusé", "Accès refusé")

    def test_403_csrf_with_and_without_the_cookie(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("search"))
        self.assertEqual(response.status_code, 403)
        content = response.content.decode()
        self.assert_error_page(content, "Le formulaire n’a pas pu être envoyé", "Le formulaire n’a pas pu être envoyé")
        self.assertIn("Votre navigateur n’a pas envoyé", content)

    def test_500_without_request(self):
        content = render_to_string("500.html")
        self.assert_error_page(content, "Erreur du serveur", "Désolés, une erreur s’est produite")

    def test_503_when_the_database_cannot_answer(self):
        try:
            raise OperationalError("the server closed the connection")
        except OperationalError:
            response = server_error(self.request())
        self.assertEqual(response.status_code, 503)
        self.assert_error_page(
            response.content.decode(), "Momentanément indisponible", "Le site est momentanément indisponible"
        )


class TemplateSourceTests(TestCase):
    """Where things are written: once."""

    def sources(self):
        """Each template's source, its comments (which show examples) left out."""
        for path in sorted(TEMPLATES.rglob("*.html")):
            if "admin" not in path.relative_to(TEMPLATES).parts:
                source = re.sub(r"{% comment %}.*?{% endcomment %}", "", path.read_text(), flags=re.S)
                yield path.relative_to(TEMPLATES).as_posix(), source

    def test_only_base_writes_the_title_tags(self):
        for name, source in self.sources():
            with self.subTest(name):
                for needle in ("<title>", 'property="og:title"', 'name="twitter:title"'):
                    self.assertEqual(source.count(needle), 1 if name == "base.html" else 0, needle)
                self.assertNotRegex(source, r"{% block (title|og_title|twitter_title) %}")
                self.assertLessEqual(source.count("{% block head %}"), 1)

    def test_only_the_include_writes_the_breadcrumb_trail(self):
        for name, source in self.sources():
            with self.subTest(name):
                expected = 1 if name == "includes/breadcrumbs.html" else 0
                self.assertEqual(source.count('class="breadcrumb"'), expected)

    def test_error_pages_extend_one_base(self):
        for name in ("400.html", "403.html", "403_csrf.html", "404.html", "500.html", "503.html"):
            with self.subTest(name):
                self.assertTrue((TEMPLATES / name).read_text().startswith('{% extends "errors/base.html" %}'))
