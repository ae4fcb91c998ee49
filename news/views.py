from django.conf import settings
from django.db.models import Max, Min, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from core.dates import MAX_YEAR, MIN_YEAR
from core.seo import absolute, describe, share_image_url
from core.views import ListPageMixin, StaffPreviewMixin
from events.models import Event
from people.models import Person

from .models import Article


class HomeView(TemplateView):
    template_name = "news/home.html"

    def get_context_data(self, **kwargs):
        featured = list(Article.objects.published().featured()[:1])
        latest = Article.objects.published().exclude(pk__in=[a.pk for a in featured])[:6]
        return super().get_context_data(
            featured=featured[0] if featured else None,
            latest=latest,
            upcoming=Event.objects.published().upcoming()[:3],
            speakers=Person.objects.public().select_related("organisation").order_by("-pk")[:4],
            structured_data={
                "@context": "https://schema.org",
                "@type": "WebSite",
                "name": settings.SITE_NAME,
                "url": absolute("/"),
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": absolute(reverse("search")) + "?q={query}",
                    "query-input": "required name=query",
                },
            },
            **kwargs,
        )


class ArticleListView(ListPageMixin, ListView):
    """All public news, newest first; narrowed to a tag or a year by the URL."""

    paginate_by = 12
    cache_query_parameters = ("page",)
    template_name = "news/article_list.html"
    context_object_name = "articles"
    tag = year = None

    def get_queryset(self):
        articles = Article.objects.published()
        if "tag" in self.kwargs:
            if "\x00" in self.kwargs["tag"]:
                raise Http404
            self.tag = get_object_or_404(Tag, slug=self.kwargs["tag"])
            articles = articles.tagged(self.tag)
        self.years = public_years()
        if "year" in self.kwargs:
            self.year = self.kwargs["year"]
            if self.year not in self.years:
                raise Http404
            articles = articles.filter(published_at__year=self.year)
        return articles

    def get_allow_empty(self):
        """A quiet year between two busy ones is an empty page; an unknown tag is not."""
        return self.tag is None

    def heading(self) -> str:
        if self.tag:
            return _("News tagged “%(tag)s”") % {"tag": self.tag.name}
        if self.year:
            return _("News from %(year)s") % {"year": self.year}
        return _("News")

    def get_context_data(self, **kwargs):
        return super().get_context_data(years=self.years, **kwargs)


class ArticleDetailView(StaffPreviewMixin, DetailView):
    model = Article
    template_name = "news/article_detail.html"

    def public_queryset(self):
        return Article.objects.published()

    def get_queryset(self):
        return super().get_queryset().prefetch_related(
            "tags",
            Prefetch("related_events", queryset=Event.objects.published().order_by("-start")),
            Prefetch("related_people", queryset=Person.objects.public().select_related("organisation")),
        )

    def get_context_data(self, **kwargs):
        article = self.object
        context = super().get_context_data(**kwargs)
        context.update(
            previous_article=self.neighbour(article, older=True),
            next_article=self.neighbour(article, older=False),
            structured_data=article_json_ld(article),
            meta_description=describe(article.standfirst or article.body),
            share_image=share_image_url(article),
            share_image_alt=article.image_alt,
        )
        return context

    @staticmethod
    def neighbour(article, *, older):
        if not article.published_at:
            return None
        if older:
            condition = Q(published_at__lt=article.published_at) | Q(published_at=article.published_at, pk__lt=article.pk)
            order = ("-published_at", "-pk")
        else:
            condition = Q(published_at__gt=article.published_at) | Q(published_at=article.published_at, pk__gt=article.pk)
            order = ("published_at", "pk")
        return Article.objects.published().filter(condition).order_by(*order).only("title", "slug", "status", "published_at").first()


def public_years() -> list[int]:
    """From the newest to the oldest year with public news: two index lookups, not a scan."""
    span = Article.objects.published().aggregate(first=Min("published_at"), last=Max("published_at"))
    if not span["first"]:
        return []
    first, last = (timezone.localtime(span[key]).year for key in ("first", "last"))
    return [year for year in range(last, first - 1, -1) if MIN_YEAR <= year <= MAX_YEAR]


def article_json_ld(article) -> dict:
    url = absolute(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": describe(article.standfirst or article.body, 300),
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": "fr",
        "datePublished": article.published_at,
        "dateModified": article.updated,
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute("/")},
        "keywords": [tag.name for tag in article.tags.all()],
    }
    image = share_image_url(article)
    if image:
        data["image"] = [image]
    people = [
        {"@type": "Person", "name": person.full_name, "url": absolute(person.get_absolute_url())}
        for person in article.related_people.all()
    ]
    if people:
        data["mentions"] = people
    return data
