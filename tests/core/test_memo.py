"""{% memo %}: a fragment rendered once for given content is reused, and never outlives that content."""

import logging

from django.db import connection
from django.template import Context, Template
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from core.templatetags.memo import fragments
from news.models import Article
from people.models import Person
from tests.factories import make_article, make_organisation, make_person

CARD = Template('{% load memo %}{% memo article level %}<h{{ level }}>{{ article.title }}</h{{ level }}>{% endmemo %}')


class MemoTestCase(TestCase):
    def setUp(self):
        fragments.clear()
        self.addCleanup(fragments.clear)

    def render(self, template: Template, **context) -> str:
        return template.render(Context(context))


class ReuseTests(MemoTestCase):
    def test_the_same_content_is_rendered_once_and_shown_again(self):
        article = make_article(title="Les terrils classés")
        first = self.render(CARD, article=article, level=2)
        self.assertEqual(len(fragments), 1)
        again = self.render(CARD, article=Article.objects.get(pk=article.pk), level=2)
        self.assertEqual((first, again), ("<h2>Les terrils classés</h2>", "<h2>Les terrils classés</h2>"))
        self.assertEqual(len(fragments), 1)

    def test_each_named_value_is_part_of_the_key(self):
        article = make_article(title="Les terrils classés")
        self.assertEqual(self.render(CARD, article=article, level=2), "<h2>Les terrils classés</h2>")
        self.assertEqual(self.render(CARD, article=article, level=3), "<h3>Les terrils classés</h3>")


class NeverStaleTests(MemoTestCase):
    def test_a_title_changed_behind_the_orm_shows_at_once(self):
        article = make_article(title="Les terrils classés")
        self.render(CARD, article=article, level=2)
        Article.objects.filter(pk=article.pk).update(title="Les terrils, patrimoine mondial")  # no save(), no signal
        self.assertEqual(
            self.render(CARD, article=Article.objects.get(pk=article.pk), level=2),
            "<h2>Les terrils, patrimoine mondial</h2>",
        )

    def test_a_related_row_loaded_with_the_item_is_part_of_its_content(self):
        template = Template("{% load memo %}{% memo person %}{{ person.full_name }}, {{ person.organisation }}{% endmemo %}")
        person = make_person(first_name="Aline", last_name="Dubois", organisation=make_organisation(name="ADEME"))
        load = lambda: Person.objects.select_related("organisation").get(pk=person.pk)  # noqa: E731
        self.assertEqual(self.render(template, person=load()), "Aline Dubois, ADEME")
        person.organisation.name = "Agence de la transition écologique"
        person.organisation.save()
        self.assertEqual(self.render(template, person=load()), "Aline Dubois, Agence de la transition écologique")

    def test_a_list_the_view_attached_is_part_of_the_key(self):
        template = Template("{% load memo %}{% memo person %}{% for talk in person.talks %}{{ talk }};{% endfor %}{% endmemo %}")
        person = make_person()
        person.talks = ["Friches"]
        self.assertEqual(self.render(template, person=person), "Friches;")
        person.talks = ["Friches", "Terrils"]
        self.assertEqual(self.render(template, person=person), "Friches;Terrils;")

    def test_a_deferred_column_is_not_loaded_to_make_the_key(self):
        make_article(title="Les terrils classés")
        article = Article.objects.only("title").get()
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.render(CARD, article=article, level=2), "<h2>Les terrils classés</h2>")
        self.assertEqual(len(queries), 0)


class GuardTests(MemoTestCase):
    def test_a_fragment_reading_a_name_it_does_not_declare_is_shown_but_not_kept(self):
        template = Template("{% load memo %}{% memo article %}{{ article.title }} – {{ site }}{% endmemo %}")
        article = make_article(title="Les terrils classés")
        with self.assertLogs("core.templatetags.memo", logging.WARNING) as logs:
            self.assertEqual(self.render(template, article=article, site="Mission"), "Les terrils classés – Mission")
        self.assertIn("site", logs.output[0])
        self.assertEqual(len(fragments), 0)
        self.assertEqual(self.render(template, article=article, site="Autre"), "Les terrils classés – Autre")

    def test_a_fragment_that_queries_the_database_is_shown_but_not_kept(self):
        template = Template("{% load memo %}{% memo article %}{% for tag in article.tags.all %}{{ tag }}{% endfor %}{% endmemo %}")
        article = make_article()
        article.tags.add("friches")
        with self.assertLogs("core.templatetags.memo", logging.WARNING) as logs:
            self.assertEqual(self.render(template, article=Article.objects.get(pk=article.pk)), "friches")
        self.assertIn("1 queries", logs.output[0])
        self.assertEqual(len(fragments), 0)
        article.tags.add("terrils")
        self.assertEqual(self.render(template, article=Article.objects.get(pk=article.pk)), "friches terrils".replace(" ", ""))

    def test_names_set_and_loops_inside_the_fragment_are_its_own(self):
        template = Template(
            "{% load memo %}{% memo items %}{% url 'news:article-list' as list_url %}"
            "{% for item in items %}{% with shown=item|upper %}{{ shown }}{% endwith %}{% endfor %} {{ list_url }}{% endmemo %}"
        )
        with self.assertNoLogs("core.templatetags.memo", logging.WARNING):
            self.assertEqual(self.render(template, items=["a", "b"]), "AB /actualites/")
        self.assertEqual(len(fragments), 1)

    @override_settings(LANGUAGE_CODE="fr")
    def test_switched_off_every_fragment_renders(self):
        article = make_article(title="Les terrils classés")
        fragments.max_bytes, saved = 0, fragments.max_bytes
        self.addCleanup(setattr, fragments, "max_bytes", saved)
        self.render(CARD, article=article, level=2)
        self.assertEqual(len(fragments), 0)


class PublicPagesTests(TestCase):
    """Every memoised fragment of the public pages is kept: none reads an undeclared name or queries."""

    @classmethod
    def setUpTestData(cls):
        import io

        from django.core.management import call_command

        call_command("loaddemo", stdout=io.StringIO())

    def test_the_demo_site_s_pages_keep_their_fragments(self):
        from django.urls import reverse
        from taggit.models import Tag

        from events.models import Event

        fragments.clear()
        article = Article.objects.published().first()
        event = Event.objects.published().first()
        person = Person.objects.public().first()
        tag = Tag.objects.first()
        paths = [
            "/", reverse("news:article-list"), article.get_absolute_url(), reverse("events:event-list"),
            reverse("events:past-event-list"), event.get_absolute_url(), reverse("people:person-list"),
            person.get_absolute_url(), reverse("tag-detail", kwargs={"slug": tag.slug}),
            reverse("search") + "?q=friches", reverse("pages:site-map"),
        ]
        with self.assertNoLogs("core.templatetags.memo", logging.WARNING):
            for path in paths:
                self.assertEqual(self.client.get(path).status_code, 200, path)
        self.assertGreater(len(fragments), 10)
