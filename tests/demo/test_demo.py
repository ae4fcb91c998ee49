import io
import shutil
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from core.publishing import Status
from demo.content import DEMO_CREDIT, load_demo
from events.models import Event, Participation
from news.models import Article
from people.models import Organisation, Person

TORONTO = ZoneInfo("America/Toronto")
SEED_SLUG = "mission-bassin-minier-congres-friches-industrielles-thetford-mines"
CONGRESS_SLUG = "congres-international-requalification-friches-thetford-mines"
NAMED_PEOPLE = ["catherine-bertram", "antoine-soyer", "pascal-jacques-dumoulin", "marc-de-nale"]
CONTENT_APPS = ("people", "events", "news", "taggit")


def media_files(root: str) -> set[str]:
    return {str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file()}


def database_state() -> dict:
    """Row counts of every table, and every value of every row of the content tables."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if model._meta.app_label in CONTENT_APPS:
            state[label] = list(model._default_manager.order_by("pk").values())
        else:
            state[label] = model._default_manager.count()
    return state


class DemoLoaderTests(TestCase):
    """The demo content is loaded once for the class, into its own MEDIA_ROOT."""

    @classmethod
    def setUpTestData(cls):
        cls.media = tempfile.mkdtemp(prefix="bassin-demo-")
        cls.addClassCleanup(shutil.rmtree, cls.media, ignore_errors=True)
        cls.now = timezone.now()
        with override_settings(MEDIA_ROOT=cls.media):
            cls.first_report = load_demo(now=cls.now)

    def test_the_seed_article_is_public_featured_and_linked(self):
        """The article of the seed is published, dated mid-May 2025, featured and tagged."""
        article = Article.objects.published().get(slug=SEED_SLUG)
        self.assertTrue(article.title.startswith("La Mission Bassin Minier invitée au premier Congrès"))
        self.assertEqual(article.published_at.date(), date(2025, 5, 15))
        self.assertTrue(article.featured)
        self.assertIn("Les 7 et 8 mai 2025", article.standfirst)
        self.assertIn("«&nbsp;Le Bassin minier du Nord–Pas de Calais&nbsp;: un exemple", article.body)
        self.assertEqual(article.body.count("<p>"), 6)
        self.assertEqual(
            {name.casefold() for name in article.tags.names()},
            {"friches industrielles", "coopération internationale", "québec", "patrimoine minier", "unesco"},
        )
        self.assertEqual([e.slug for e in article.related_events.all()], [CONGRESS_SLUG])
        self.assertEqual({p.slug for p in article.related_people.all()}, set(NAMED_PEOPLE))

    def test_the_congress_lasts_two_whole_days_in_thetford_mines(self):
        congress = Event.objects.published().get(slug=CONGRESS_SLUG)
        self.assertEqual(
            congress.title,
            "Congrès international sur la requalification des friches industrielles et des sites stratégiques",
        )
        self.assertEqual(congress.kind, Event.Kind.CONGRESS)
        self.assertTrue(congress.all_day)
        self.assertEqual(congress.timezone, "America/Toronto")
        self.assertEqual(congress.start, datetime(2025, 5, 7, tzinfo=TORONTO))
        self.assertEqual((congress.start_date, congress.end_date), (date(2025, 5, 7), date(2025, 5, 8)))
        self.assertEqual(
            (congress.city, congress.region, congress.country), ("Thetford Mines", "Québec", "Canada")
        )
        self.assertEqual(congress.expected_attendance, 100)
        self.assertEqual([o.name for o in congress.organisers.all()], ["Ville de Thetford Mines"])

    def test_the_programme_has_talks_round_tables_and_both_mine_visits(self):
        programme = Event.objects.get(slug=CONGRESS_SLUG).programme.all()
        kinds = {item.kind for item in programme}
        self.assertLessEqual({"keynote", "talk", "round_table", "site_visit"}, kinds)
        visits = [item.title for item in programme if item.kind == "site_visit"]
        self.assertTrue(any("Bell" in title for title in visits))
        self.assertTrue(any("King Beaver" in title for title in visits))
        for item in programme:
            self.assertEqual(item.start.astimezone(TORONTO).date().isoformat()[:7], "2025-05")
            self.assertGreaterEqual(item.end, item.start)
        keynote = programme.get(kind="keynote")
        self.assertEqual([p.slug for p in keynote.speakers.all()], ["catherine-bertram"])

    def test_the_four_named_people_spoke_at_the_congress(self):
        congress = Event.objects.get(slug=CONGRESS_SLUG)
        speakers = Participation.objects.filter(event=congress).select_related("person", "organisation")
        self.assertEqual({p.person.slug for p in speakers}, set(NAMED_PEOPLE))
        for participation in speakers:
            self.assertEqual(participation.role, Participation.Role.SPEAKER)
            self.assertEqual(participation.status, Participation.Status.ATTENDED)
            self.assertTrue(participation.person.is_public)
            self.assertEqual((participation.person.email, participation.person.phone), ("", ""))
            self.assertEqual(participation.organisation, participation.person.organisation)
        bertram = speakers.get(person__slug="catherine-bertram")
        self.assertEqual(
            bertram.talk_title,
            "Le Bassin minier du Nord–Pas de Calais\u00a0: un exemple remarquable de revitalisation "
            "d’un territoire industriel inscrit au Patrimoine mondial de l’UNESCO",
        )
        self.assertEqual(bertram.person.job_title, "directrice")
        self.assertEqual(bertram.organisation.slug, "mission-bassin-minier")
        self.assertEqual(Person.objects.get(slug="marc-de-nale").job_title, "président")
        self.assertEqual(Person.objects.get(slug="marc-de-nale").organisation.slug, "reseau-palme")
        self.assertEqual(
            set(Person.objects.filter(organisation__acronym="ADEME").values_list("slug", flat=True)),
            {"antoine-soyer", "pascal-jacques-dumoulin"},
        )

    def test_the_organisations_of_the_article(self):
        kinds = dict(Organisation.objects.values_list("slug", "kind"))
        self.assertEqual(kinds["ville-de-thetford-mines"], Organisation.Kind.CITY)
        self.assertEqual(kinds["ademe"], Organisation.Kind.PUBLIC_BODY)
        self.assertEqual(kinds["reseau-palme"], Organisation.Kind.NETWORK)
        mbm = Organisation.objects.get(slug="mission-bassin-minier")
        self.assertEqual((mbm.acronym, mbm.city, mbm.country), ("MBM", "Oignies", "France"))

    def test_the_samples_fill_lists_agenda_and_export(self):
        """Enough public articles to paginate, upcoming events, varied participations."""
        self.assertGreaterEqual(Article.objects.published().count(), 12)
        years = {a.published_at.year for a in Article.objects.published()}
        self.assertLessEqual({2024, 2025, 2026}, years)
        self.assertGreaterEqual(Event.objects.published().upcoming().count(), 3)
        self.assertGreaterEqual(Event.objects.published().past().count(), 3)
        roles = set(Participation.objects.values_list("role", flat=True))
        statuses = set(Participation.objects.values_list("status", flat=True))
        self.assertEqual(roles, set(Participation.Role.values))
        self.assertEqual(statuses, set(Participation.Status.values))
        self.assertTrue(Participation.objects.filter(talk_title__contains='"').filter(talk_title__contains=";"))
        self.assertTrue(Person.objects.filter(first_name="Émilie").exists())
        self.assertTrue(Person.objects.filter(is_public=False, email__endswith="@example.org").exists())
        for sample in Article.objects.filter(tags__name="démo"):
            self.assertTrue(sample.title.startswith("Exemple\u00a0:"))

    def test_the_draft_and_the_scheduled_sample_are_not_public(self):
        draft = Article.objects.get(status=Status.DRAFT, tags__name="démo")
        scheduled = Article.objects.scheduled().get()
        self.assertGreater(scheduled.published_at, self.now)
        public = Article.objects.published()
        self.assertNotIn(draft, public)
        self.assertNotIn(scheduled, public)

    def test_pictures_are_drawn_once_with_alt_text_credit_and_renditions(self):
        article = Article.objects.get(slug=SEED_SLUG)
        self.assertTrue(article.image.name.startswith("news/"))
        self.assertTrue(article.image_alt)
        self.assertEqual(article.image_credit, DEMO_CREDIT)
        self.assertEqual((article.image_renditions["width"], article.image_renditions["height"]), (1600, 900))
        files = media_files(self.media)
        self.assertIn(article.image.name, files)
        for _width, name in article.image_renditions["webp"] + article.image_renditions["fallback"]:
            self.assertIn(name, files)
        self.assertTrue(Event.objects.get(slug=CONGRESS_SLUG).image_renditions)

    def test_a_second_run_changes_nothing(self):
        """Same rows, same values (updated timestamps included), same files."""
        with self.settings(MEDIA_ROOT=self.media):
            before, files_before = database_state(), media_files(self.media)
            report = load_demo(now=self.now)
            self.assertEqual(database_state(), before)
            self.assertEqual(media_files(self.media), files_before)
        self.assertFalse(report.changed)
        self.assertEqual(report.total("unchanged"), self.first_report.total("created"))

    def test_a_run_on_a_later_day_keeps_the_upcoming_dates(self):
        with self.settings(MEDIA_ROOT=self.media):
            before = database_state()
            report = load_demo(now=self.now + timedelta(days=3))
            self.assertEqual(database_state(), before)
        self.assertFalse(report.changed)

    def test_samples_that_slipped_into_the_past_are_dated_again(self):
        """Months later the agenda still has upcoming samples and the scheduled one stays ahead."""
        later = self.now + timedelta(days=365)
        with self.settings(MEDIA_ROOT=self.media):
            files = media_files(self.media)
            load_demo(now=later)
            self.assertEqual(media_files(self.media), files)
        self.assertEqual(Event.objects.filter(status=Status.PUBLISHED, end__gte=later).count(), 3)
        self.assertGreater(Article.objects.get(title__contains="publication programmée").published_at, later)
        congress = Event.objects.get(slug=CONGRESS_SLUG)
        self.assertEqual(congress.start, datetime(2025, 5, 7, tzinfo=TORONTO))

    def test_staff_changes_to_demo_values_are_restored_and_reported(self):
        Organisation.objects.filter(slug="ademe").update(city="Paris")
        report = load_demo(now=self.now)
        self.assertEqual(Organisation.objects.get(slug="ademe").city, "Angers")
        self.assertEqual(report.counts["organisations"]["updated"], 1)
        self.assertEqual(report.total("created"), 0)

    def test_the_command_prints_what_was_already_there(self):
        out = io.StringIO()
        call_command("loaddemo", stdout=out)
        self.assertIn("0 created", out.getvalue())
        self.assertIn("already present", out.getvalue())
        self.assertIn("Nothing to do", out.getvalue())
