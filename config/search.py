"""Site search across news, events and people: only what is public, never an e-mail or a phone.

PostgreSQL ranks a full-text match with French stemming that ignores accents (the
``french_unaccent`` configuration, see config/migrations). SQLite, for development,
matches every word of the query inside the texts with accents and case folded.
The choice is made in one place, ``matching()``.

Each source's vector is a fixed expression of its own columns, so that PostgreSQL can
serve it from an expression index, for example on Article::

    GinIndex(SOURCES["articles"].vector(), name="news_article_search_idx")
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, F, FloatField, Func, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView

from config.postgres import EqualsAny

SEARCH_CONFIG = "french_unaccent"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
PREVIEW_LENGTH = 5
PAGE_SIZE = 20
RANK_LIMIT = 1000

# Letters that Unicode does not decompose into a base letter and an accent.
LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d"}
)
WORD = re.compile(r"\w+")
# A word of one letter is a French stop word (l', d', y...), but for « à »: once its accent is
# stripped it is "a", which is no stop word and is in nearly every text (counting the matches
# of "a" among 100,000 articles read them all: 9 s). PostgreSQL's search leaves them out.
LONE_LETTER = re.compile(r"(?<![\w'’])\w(?![\w'’])")


def clean_query(raw: str | None) -> str:
    """What we search for: printable text, single spaces, at most MAX_QUERY_LENGTH characters."""
    text = (raw or "")[: MAX_QUERY_LENGTH * 2]
    text = "".join(char if char.isprintable() else " " for char in text)
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0]
    return text


def fold(value: str | None) -> str:
    """'Cœur de ville, QUÉBEC' -> 'coeur de ville, quebec'."""
    decomposed = unicodedata.normalize("NFKD", (value or "").translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    weighted_fields: dict[str, tuple[str, ...]]  # weight "A" to "D" -> columns of the model
    public: Callable[[], QuerySet]
    ordering: tuple[str, ...]
    related_match: Callable[[Callable[[QuerySet, str], QuerySet], str], Q] | None = None

    def vector(self):
        vectors = [
            SearchVector(field, weight=weight, config=SEARCH_CONFIG)
            for weight, fields in self.weighted_fields.items()
            for field in fields
        ]
        combined = vectors[0]
        for vector in vectors[1:]:
            combined = combined + vector
        return combined

    def fields(self) -> list[str]:
        return [field for fields in self.weighted_fields.values() for field in fields]


def _articles():
    from news.models import Article

    return Article.objects.published()


def _events():
    from events.models import Event

    return Event.objects.published()


def _people():
    from people.models import Person

    return Person.objects.public().select_related("organisation")


def _organisations():
    from people.models import Organisation

    return Organisation.objects.all()


ORGANISATIONS = Source(
    key="organisations",
    label=pgettext_lazy("search results kind", "Organisations"),
    weighted_fields={"A": ("name", "acronym"), "C": ("city",)},
    public=_organisations,
    ordering=("name",),
)


def _member_of_matching_organisation(match, query: str) -> Q:
    organisations = match(ORGANISATIONS.public(), ORGANISATIONS, query).values("pk")
    if connection.vendor == "postgresql":
        # Served by the index on people's organisation, beside their own full-text index:
        # 0.4 ms instead of 200 ms for 50,000 people (see EqualsAny).
        return Q(EqualsAny(F("organisation_id"), ArraySubquery(organisations)))
    return Q(organisation__in=organisations)


SOURCES = {
    "articles": Source(
        key="articles",
        label=pgettext_lazy("search results kind", "News"),
        weighted_fields={"A": ("title",), "B": ("standfirst",), "C": ("body",)},
        public=_articles,
        ordering=("-published_at", "-pk"),
    ),
    "events": Source(
        key="events",
        label=pgettext_lazy("search results kind", "Events"),
        weighted_fields={
            "A": ("title",),
            "B": ("summary", "city", "region", "country", "venue"),
            "C": ("description",),
        },
        public=_events,
        ordering=("-start", "-pk"),
    ),
    "people": Source(
        key="people",
        label=pgettext_lazy("search results kind", "People"),
        # Never e-mail or phone: they are private.
        weighted_fields={"A": ("first_name", "last_name"), "B": ("job_title",), "C": ("bio",)},
        public=_people,
        ordering=("last_name", "first_name", "pk"),
        related_match=_member_of_matching_organisation,
    ),
}


def _postgres_match(queryset: QuerySet, source: Source, query: str, *, ranked: bool = False) -> QuerySet:
    query = LONE_LETTER.sub(" ", query)
    if not WORD.search(query):
        return queryset.none()
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    matched = queryset.annotate(search=source.vector())
    condition = Q(search=search_query)
    if source.related_match:
        condition |= source.related_match(_postgres_match, query)
    matched = matched.filter(condition)
    if ranked:
        matched = matched.annotate(rank=SearchRank(source.vector(), search_query)).order_by(
            "-rank", *source.ordering
        )
    return matched


def _register_fold() -> None:
    connection.ensure_connection()
    connection.connection.create_function("bassin_fold", 1, fold, deterministic=True)


def _fallback_match(queryset: QuerySet, source: Source, query: str, *, ranked: bool = False) -> QuerySet:
    _register_fold()
    terms = WORD.findall(fold(query))[:MAX_TERMS]
    if not terms:
        return queryset.none()
    folded = {
        f"_folded_{field}": Func(Coalesce(F(field), Value("")), function="bassin_fold", output_field=TextField())
        for field in source.fields()
    }
    matched = queryset.annotate(**folded)
    condition = Q()
    for term in terms:
        condition &= Q.create([(f"{name}__contains", term) for name in folded], connector=Q.OR)
    if source.related_match:
        condition |= source.related_match(_fallback_match, query)
    matched = matched.filter(condition)
    if ranked:
        headline = [f"_folded_{field}" for field in source.weighted_fields["A"]]
        in_headline = Q.create(
            [(f"{name}__contains", term) for name in headline for term in terms], connector=Q.OR
        )
        rank = Case(When(in_headline, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
        matched = matched.annotate(rank=rank).order_by("-rank", *source.ordering)
    return matched


def matching(source: Source, query: str, *, ranked: bool = True) -> QuerySet:
    """The public items of ``source`` that match ``query``, best first."""
    match = _postgres_match if connection.vendor == "postgresql" else _fallback_match
    return match(source.public(), source, query, ranked=ranked)


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
            count = matching(source, self.query, ranked=False).count()
            # Ranking reads every match's text again: past RANK_LIMIT matches, newest first instead.
            results = matching(source, self.query, ranked=count <= RANK_LIMIT)
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
