from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from core.publishing import Status
from news.models import Article
from tests.factories import make_article


class ArticleQuerySetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.online = make_article(title="En ligne", published_at=now - timedelta(days=1))
        cls.draft = make_article(title="Brouillon", status=Status.DRAFT, published_at=now - timedelta(days=2))
        cls.scheduled = make_article(title="Programmé", published_at=now + timedelta(days=1))

    def test_published_excludes_drafts_and_future(self):
        """Only published articles dated in the past are public."""
        self.assertQuerySetEqual(Article.objects.published(), [self.online])

    def test_scheduled_lists_what_will_appear_later(self):
        self.assertQuerySetEqual(Article.objects.scheduled(), [self.scheduled])

    def test_a_scheduled_article_becomes_public_when_its_time_comes(self):
        Article.objects.filter(pk=self.scheduled.pk).update(published_at=timezone.now() - timedelta(seconds=1))
        self.assertIn(self.scheduled, Article.objects.published())

    def test_publishing_a_draft_dates_it_now_and_keeps_a_scheduled_date(self):
        undated = make_article(status=Status.DRAFT, published_at=None)
        Article.objects.filter(pk__in=[undated.pk, self.scheduled.pk, self.draft.pk]).publish()
        undated.refresh_from_db()
        self.scheduled.refresh_from_db()
        self.assertTrue(undated.is_public)
        self.assertFalse(self.scheduled.is_public)
        self.assertGreater(self.scheduled.published_at, timezone.now())

    def test_saving_as_published_without_a_date_publishes_now(self):
        article = make_article(status=Status.PUBLISHED, published_at=None)
        self.assertTrue(article.is_public)

    def test_newest_first(self):
        older = make_article(published_at=timezone.now() - timedelta(days=30))
        self.assertEqual(list(Article.objects.published()), [self.online, older])
