import reversion
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from core.images import Illustrated
from core.postgres import substring_index
from core.publishing import Publishable, PublishableQuerySet, SlugHistoryMixin
from core.richtext import RichTextField
from core.search import SearchFields
from core.slugs import SLUG_HELP, unique_slug, validate_slug_address
from core.tagging import TaggedQuerySet
from events.models import Event
from library.models import Attachment
from people.models import Person

# What the site search reads, and with what weight (core/search.py).
SEARCH = SearchFields({"A": ("title",), "B": ("standfirst",), "C": ("body",)})


class ArticleQuerySet(TaggedQuerySet, PublishableQuerySet):
    def featured(self):
        return self.filter(featured=True)


@reversion.register(follow=["attachments"])
class Article(SlugHistoryMixin, Illustrated, Publishable):
    site_search = SEARCH
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True, help_text=SLUG_HELP)
    standfirst = models.TextField(
        _("standfirst"), max_length=600, blank=True,
        help_text=_("The opening paragraph, shown in lists and search engines."),
    )
    body = RichTextField(_("body"), blank=True)
    tags = TaggableManager(verbose_name=_("tags"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    related_events = models.ManyToManyField(
        Event, verbose_name=_("related events"), related_name="articles", blank=True
    )
    related_people = models.ManyToManyField(
        Person, verbose_name=_("people mentioned"), related_name="articles", blank=True
    )
    featured = models.BooleanField(_("featured"), default=False, help_text=_("Shown first on the home page."))

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="news_article_public_idx"),
            models.Index(fields=["-published_at", "-id"], name="news_article_newest_idx"),  # the admin's order
            substring_index("title", name="news_article_title_trgm"),  # the admin's search, PostgreSQL only
            substring_index("standfirst", name="news_article_standfirst_trgm"),
            # The sitemap's count and latest change, read from the index alone.
            models.Index(
                fields=["status", "published_at"],
                include=["updated", "id", "unpublish_at"],
                name="news_article_sitemap_idx",
            ),
            # The next expiry (the page cache), the admin's "expiring" filters: the few dated rows only.
            models.Index(
                fields=["unpublish_at"], condition=models.Q(unpublish_at__isnull=False), name="news_article_expiry_idx"
            ),
            models.Index(
                fields=["featured", "status", "published_at"], name="news_article_featured_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def url_for_slug(self, slug: str) -> str:
        return reverse("news:article-detail", kwargs={"slug": slug})

    def clean(self):
        super().clean()
        validate_slug_address(self)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        super().save(*args, **kwargs)


@reversion.register()
class ArticleDocument(Attachment):
    """A document attached to an article (listed under its text, in order)."""

    attached_to = "article"
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta(Attachment.Meta):
        constraints = [models.UniqueConstraint(fields=["article", "document"], name="news_one_attachment_per_document")]
