import pytest
from django.contrib.redirects.models import Redirect
from django.test import TestCase

from core.text import slugify_fr
from tests.factories import make_article, make_event, make_person


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Congrès à Québec", "congres-a-quebec"),
        ("Cœur de ville : l'œuvre", "coeur-de-ville-l-oeuvre"),
        ("Cœur de ville : l’œuvre", "coeur-de-ville-l-oeuvre"),
        ("ŒUVRES ÆSTHÉTIQUES", "oeuvres-aesthetiques"),
        ("Nord–Pas de Calais", "nord-pas-de-calais"),
        ("  « Friches » & sites — 2025 !  ", "friches-sites-2025"),
        ("Straße", "strasse"),
        ("Ça, c'est l'été", "ca-c-est-l-ete"),
        ("日本語", ""),
    ],
)
def test_french_titles_are_transliterated_not_stripped(title, slug):
    assert slugify_fr(title) == slug


def test_slug_is_cut_on_a_word_boundary_without_trailing_hyphen():
    assert slugify_fr("Requalification des friches industrielles", max_length=20) == "requalification-des"


class SlugAssignmentTests(TestCase):
    def test_slug_comes_from_the_title_and_stays_unique(self):
        first = make_article(title="Cœur de ville : l'œuvre")
        second = make_article(title="Cœur de ville : l’œuvre")
        self.assertEqual(first.slug, "coeur-de-ville-l-oeuvre")
        self.assertEqual(second.slug, "coeur-de-ville-l-oeuvre-2")

    def test_a_title_without_latin_letters_still_gets_a_slug(self):
        self.assertEqual(make_event(title="日本語").slug, "sans-titre")

    def test_person_slug_comes_from_the_full_name(self):
        self.assertEqual(make_person(first_name="Zoé", last_name="Lœwenthal").slug, "zoe-loewenthal")

    def test_editing_the_title_keeps_the_slug(self):
        article = make_article(title="Premier titre")
        article.title = "Titre corrigé"
        article.save()
        article.refresh_from_db()
        self.assertEqual(article.slug, "premier-titre")


class ChangedSlugRedirectTests(TestCase):
    def test_old_url_of_a_published_article_answers_301_to_the_new_one(self):
        article = make_article(title="Ancien titre")
        old_url = article.get_absolute_url()
        article = type(article).objects.get(pk=article.pk)
        article.slug = "nouveau-titre"
        article.save()
        response = self.client.get(old_url)
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], "/actualites/nouveau-titre/")

    def test_changing_twice_leaves_no_redirect_chain(self):
        article = make_article(slug="a")
        for new in ("b", "c"):
            article = type(article).objects.get(pk=article.pk)
            article.slug = new
            article.save()
        self.assertEqual(
            set(Redirect.objects.values_list("old_path", "new_path")),
            {("/actualites/a/", "/actualites/c/"), ("/actualites/b/", "/actualites/c/")},
        )

    def test_going_back_to_an_old_slug_removes_its_redirect(self):
        article = make_article(slug="a")
        for new in ("b", "a"):
            article = type(article).objects.get(pk=article.pk)
            article.slug = new
            article.save()
        self.assertFalse(Redirect.objects.filter(old_path="/actualites/a/").exists())
        self.assertTrue(Redirect.objects.filter(old_path="/actualites/b/", new_path="/actualites/a/").exists())

    def test_renaming_a_draft_makes_no_redirect(self):
        article = make_article(slug="brouillon", status="draft")
        article = type(article).objects.get(pk=article.pk)
        article.slug = "brouillon-renomme"
        article.save()
        self.assertFalse(Redirect.objects.exists())

    def test_public_person_and_event_redirect_too(self):
        person = make_person(slug="c-bertram")
        event = make_event(slug="congres")
        for obj, new in ((person, "catherine-bertram"), (event, "congres-thetford-mines")):
            obj = type(obj).objects.get(pk=obj.pk)
            obj.slug = new
            obj.save()
        self.assertEqual(self.client.get("/personnes/c-bertram/")["Location"], "/personnes/catherine-bertram/")
        self.assertEqual(self.client.get("/agenda/congres/")["Location"], "/agenda/congres-thetford-mines/")


# Every address of a section that is not an item's page, with the word of its path an item could be titled.
FIXED_ADDRESSES = {
    "news": [
        ("/actualites/", "news:article-list", "Actualités"),
        ("/actualites/annee/2025/", "news:article-year", "Année"),
        ("/actualites/etiquette/friches/", "news:article-tag", "Étiquette"),
        ("/actualites/flux.rss", "news:rss", "Flux"),
        ("/actualites/flux.atom", "news:atom", "Flux"),
    ],
    "events": [
        ("/agenda/", "events:event-list", "Agenda"),
        ("/agenda/archives/", "events:past-event-list", "Archives"),
        ("/agenda/mois/", "events:event-month-current", "Mois"),
        ("/agenda/mois/2025/05/", "events:event-month", "Mois"),
        ("/agenda/flux.rss", "events:rss", "Flux"),
        ("/agenda/flux.atom", "events:atom", "Flux"),
        ("/agenda/agenda.ics", "events:ics", "Agenda"),
    ],
    "people": [
        ("/personnes/", "people:person-list", "Personnes"),
    ],
}
ITEM_PAGES = {
    "news": ["news:article-detail"],
    "events": ["events:event-detail", "events:event-ics"],
    "people": ["people:person-detail"],
}
SECTIONS = {"news": "/actualites/", "events": "/agenda/", "people": "/personnes/"}


def routes(resolver=None, prefix=""):
    """(path pattern, URL name) of every route of the site."""
    from django.urls import URLResolver, get_resolver

    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            for route, name in routes(pattern, prefix + str(pattern.pattern)):
                yield route, namespace + name if name else None
        else:
            yield prefix + str(pattern.pattern), pattern.name


def test_every_fixed_address_of_every_section_is_listed():
    """A new route under a section is added to FIXED_ADDRESSES, and so tested against item slugs."""
    for section, start in SECTIONS.items():
        names = {name for route, name in routes() if ("/" + route).startswith(start)} - set(ITEM_PAGES[section])
        assert names == {name for _url, name, _title in FIXED_ADDRESSES[section]}, section


def make_titled(section, title):
    if section == "news":
        return make_article(title=title)
    if section == "events":
        return make_event(title=title)
    return make_person(first_name="", last_name=title)


class ReservedSlugTests(TestCase):
    """An item titled like a fixed address of its section gets a page of its own; the fixed address stays."""

    @classmethod
    def setUpTestData(cls):
        from tests.factories import local

        make_article(title="Friches en 2025", published_at=local(2025, 6, 1)).tags.add("friches")

    def test_items_titled_like_a_fixed_address(self):
        from django.urls import resolve, reverse

        for section, addresses in FIXED_ADDRESSES.items():
            for url, name, title in addresses:
                with self.subTest(url=url, title=title):
                    item = make_titled(section, title)
                    for page in ITEM_PAGES[section]:
                        item_url = reverse(page, kwargs={"slug": item.slug})
                        self.assertEqual(resolve(item_url).url_name, page.split(":")[-1], item_url)
                        self.assertEqual(resolve(item_url).kwargs, {"slug": item.slug})
                    self.assertEqual(resolve(url).url_name, name.split(":")[-1])
                    response = self.client.get(item.get_absolute_url())
                    self.assertContains(response, title)
                    self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_an_event_titled_archives_or_agenda(self):
        import icalendar

        archives, agenda = make_event(title="Archives"), make_event(title="Agenda")
        self.assertNotEqual(archives.slug, "archives")
        self.assertContains(self.client.get(archives.get_absolute_url()), "<h1", count=1)
        self.assertContains(self.client.get("/agenda/archives/"), "Événements passés")
        calendar = icalendar.Calendar.from_ical(self.client.get(f"/agenda/{agenda.slug}.ics").content)
        self.assertEqual([str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")], ["Agenda"])

    def test_a_reserved_slug_typed_in_the_admin_is_refused(self):
        from tests.factories import make_user
        from tests.security.test_editor_input import event_data

        self.client.force_login(make_user(group="Communication"))
        for slug in ("archives", "agenda"):
            response = self.client.post("/admin/events/event/add/", event_data(slug=slug))
            self.assertEqual(response.status_code, 200)
            self.assertIn("autre page du site", " ".join(response.context["adminform"].form.errors["slug"]))
        response = self.client.post("/admin/events/event/add/", event_data(slug="archives-2025"))
        self.assertEqual(response.status_code, 302)
