"""generate_bulk fills an empty database with realistic content, fast, and touches nothing else."""

import io

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from demo.bulk import PREFIX
from events.models import Event, Participation, ProgrammeItem
from news.models import Article
from people.models import Organisation, Person
from tests.factories import make_article

SIZES = {"articles": 60, "events": 12, "people": 40, "participations": 200}


def generate(**overrides) -> str:
    out = io.StringIO()
    call_command("generate_bulk", *[f"--{k}={v}" for k, v in {**SIZES, **overrides}.items()], stdout=out)
    return out.getvalue()


class GenerateBulkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = generate()

    def test_makes_the_numbers_asked_for(self):
        self.assertEqual(Article.objects.exclude(slug__startswith=f"{PREFIX}images-").count(), 60)
        self.assertEqual(Event.objects.count(), 12)
        self.assertEqual(Person.objects.count(), 40)
        self.assertEqual(Participation.objects.count(), 200)
        self.assertTrue(Organisation.objects.exists())
        self.assertTrue(ProgrammeItem.objects.exists())

    def test_everything_generated_is_marked_by_its_slug(self):
        for model in (Article, Event, Person, Organisation):
            self.assertFalse(model.objects.exclude(slug__startswith=PREFIX).exists(), model)

    def test_the_content_is_french_tagged_and_spread_over_the_years(self):
        article = Article.objects.published().exclude(body="").first()
        self.assertTrue(article.tags.exists())
        self.assertIn("<p>", article.body)
        years = {a.published_at.year for a in Article.objects.published()}
        self.assertGreater(len(years), 5)
        roles = set(Participation.objects.values_list("role", flat=True))
        self.assertIn(Participation.Role.ATTENDEE, roles)

    def test_pictures_are_shared_not_regenerated(self):
        with_image = Article.objects.exclude(image="").exclude(slug__startswith=f"{PREFIX}images-")
        self.assertTrue(with_image.exists())
        sources = set(with_image.values_list("image", flat=True))
        self.assertLessEqual(len(sources), 6)
        for article in with_image[:5]:
            self.assertEqual(article.image_renditions["source"], article.image.name)
            self.assertTrue(article.image_renditions["webp"])

    def test_progress_is_printed(self):
        self.assertIn("articles: 60/60", self.output)
        self.assertIn("done", self.output)

    def test_a_second_run_with_the_same_numbers_adds_nothing(self):
        counts = [model.objects.count() for model in (Article, Event, Person, Participation)]
        generate()
        self.assertEqual([model.objects.count() for model in (Article, Event, Person, Participation)], counts)

    def test_larger_numbers_top_up(self):
        generate(articles=80, people=50)
        self.assertEqual(Article.objects.exclude(slug__startswith=f"{PREFIX}images-").count(), 80)
        self.assertEqual(Person.objects.count(), 50)

    def test_the_generated_site_answers(self):
        article = Article.objects.published().first()
        for url in (reverse("news:home"), reverse("news:article-list"), article.get_absolute_url(), reverse("events:event-list")):
            self.assertEqual(self.client.get(url).status_code, 200, url)


class RefusalTests(TestCase):
    def test_refuses_a_database_with_real_content(self):
        make_article(title="Une vraie actualité")
        with self.assertRaisesMessage(CommandError, "--force"):
            generate()
        self.assertEqual(Article.objects.count(), 1)

    def test_force_adds_beside_real_content(self):
        make_article(title="Une vraie actualité")
        call_command("generate_bulk", "--force", *[f"--{k}={v}" for k, v in SIZES.items()], stdout=io.StringIO())
        self.assertTrue(Article.objects.filter(title="Une vraie actualité").exists())
        self.assertEqual(Event.objects.count(), 12)

    def test_negative_numbers_are_refused(self):
        with self.assertRaises(CommandError):
            generate(articles=-1)
