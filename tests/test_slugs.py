import pytest
from django.contrib.redirects.models import Redirect
from django.test import TestCase

from config.slugs import slugify_fr
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
