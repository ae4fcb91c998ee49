"""The site's search page: news, the agenda, the people directory and the site's own pages,
only what is public, never an e-mail or a phone.

Each model declares what is searchable and with what weight (``site_search``, a
``core.search.SearchFields``); this page says which models are searched, under which label,
what of them is public and in which order, and core.search matches them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView

from core.generation import remember
from core.postgres import EqualsAny
from core.search import RelatedMatch, SearchFields, match
from events.models import Event, Participation, Speaker
from news.models import Article
from people.models import Organisation, Person

from .models import SitePage

MAX_QUERY_LENGTH = 200
PREVIEW_LENGTH = 5
PAGE_SIZE = 20
RANK_LIMIT = 1000


def clean_query(raw: str | None) -> str:
    """What we search for: printable text, single spaces, at most MAX_QUERY_LENGTH characters."""
    text = (raw or "")[: MAX_QUERY_LENGTH * 2]
    text = "".join(char if char.isprintable() else " " for char in text)
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0]
    return text


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    public: Callable[[], QuerySet]
    ordering: tuple[str, ...]
    related: RelatedMatch | None = None

    @property
    def fields(self) -> SearchFields:
        return self.public().model.site_search


def _member_of_matching_organisation(matcher, query: str) -> Q:
    organisations = matcher(Organisation.objects.all(), Organisation.site_search, query).values("pk")
    if connection.vendor == "postgresql":
        # Served by the index on people's organisation, beside their own full-text index:
        # 0.4 ms instead of 200 ms for 50,000 people (see EqualsAny).
        return Q(EqualsAny(F("organisation_id"), ArraySubquery(organisations)))
    return Q(organisation__in=organisations)


def _with_matching_contributor(matcher, query: str) -> Q:
    """Events where a public person named by the query speaks or organises, as their page shows:
    "Bertram" finds the congress where Catherine Bertram speaks. Her biography or job does not
    count (people's full-text index finds the candidates, their names decide), nor do attendees,
    cancelled participations or private profiles."""
    candidates = matcher(Person.objects.public(), Person.site_search, query)
    names = SearchFields({"A": Person.site_search.headline()})
    people = matcher(candidates, names, query).values("pk")
    participations = Participation.objects.contributing().filter(person__in=people).values("event_id")
    speaking = Speaker.objects.filter(person__in=people).values("programme_item__event_id")
    if connection.vendor == "postgresql":
        # Each list computed once, then the events' primary key serves it inside the OR (see EqualsAny).
        return Q(EqualsAny(F("pk"), ArraySubquery(participations))) | Q(EqualsAny(F("pk"), ArraySubquery(speaking)))
    return Q(pk__in=participations) | Q(pk__in=speaking)


SOURCES = {
    "articles": Source(
        key="articles",
        label=pgettext_lazy("search results kind", "News"),
        public=lambda: Article.objects.published(),
        ordering=("-published_at", "-pk"),
    ),
    "events": Source(
        key="events",
        label=pgettext_lazy("search results kind", "Events"),
        public=lambda: Event.objects.published(),
        ordering=("-start", "-pk"),
        related=_with_matching_contributor,
    ),
    "people": Source(
        key="people",
        label=pgettext_lazy("search results kind", "People"),
        public=lambda: Person.objects.public().select_related("organisation"),
        ordering=("last_name", "first_name", "pk"),
        related=_member_of_matching_organisation,
    ),
    "pages": Source(
        key="pages",
        label=pgettext_lazy("search results kind", "Practical information"),
        public=lambda: SitePage.objects.published(),
        ordering=("title", "pk"),
    ),
}


def matching(source: Source, query: str, *, ranked: bool = True) -> QuerySet:
    """The public items of ``source`` that match ``query``, best first."""
    return match(source.public(), source.fields, query, ordering=source.ordering, ranked=ranked, related=source.related)


@dataclass
class ResultGroup:
    key: str
    label: str
    count: int
    items: list


class SearchView(TemplateView):
    template_name = "search/results.html"
    cache_query_parameters = ("q", "type", "page")

    @cached_property
    def query(self) -> str:
        return clean_query(self.request.GET.get("q"))

    @cached_property
    def active(self) -> str | None:
        kind = self.request.GET.get("type")
        return kind if kind in SOURCES else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(query=self.query, active=self.active, groups=[], total=0)
        if not self.query:
            return context
        for key, source in SOURCES.items():
            results = matching(source, self.query)
            # The same search is counted once per change of content: counting thousands of matches
            # reads each row (15 ms for « friches » among 100,000 articles).
            count = remember(f"search:{key}:{self.query}", results.count)
            # Ranking reads every match's document: past RANK_LIMIT matches, newest first instead.
            if count > RANK_LIMIT:
                results = results.order_by(*source.ordering)
            items = []
            if key == self.active:
                paginator = Paginator(results, PAGE_SIZE)
                paginator.count = count  # already counted, without the ranking
                page = paginator.get_page(self.request.GET.get("page"))
                context.update(page_obj=page, paginator=paginator, is_paginated=page.has_other_pages())
                items = list(page.object_list)
            elif count and not self.active:
                items = list(results[:PREVIEW_LENGTH])
            context["groups"].append(ResultGroup(key, source.label, count, items))
        context["total"] = sum(group.count for group in context["groups"])
        return context
