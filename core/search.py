"""What a model declares searchable, and how a query matches it, on PostgreSQL and SQLite.

A model declares its searchable columns with their weight, e.g. on Article::

    SEARCH = SearchFields({"A": ("title",), "B": ("standfirst",), "C": ("body",)})

    class Article(models.Model):
        site_search = SEARCH

and a migration stores that document in its table on PostgreSQL
(``core.postgres.AddSearchDocument("article", SEARCH.weighted)``: a generated column with its
GIN index).

PostgreSQL ranks a full-text match with French stemming that ignores accents (the
``french_unaccent`` configuration, core/migrations/0001) against the stored document: neither
matching nor ranking computes a vector from the texts at query time. Another set of columns
(the people's names only, say) is matched as an expression. SQLite, for development, matches
every word of the query inside the texts with accents and case folded (core.text.fold).
The choice is made in one place, ``match()``; the search page (pages/search.py) says which
models are searched and what of them is public.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection
from django.db.models import Case, Expression, F, FloatField, Func, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Coalesce

from core.text import fold

SEARCH_CONFIG = "french_unaccent"
DOCUMENT_COLUMN = "search_document"  # core.postgres.AddSearchDocument
MAX_TERMS = 10
WORD = re.compile(r"\w+")
# A word of one letter is a French stop word (l', d', y...), but for « à »: once its accent is
# stripped it is "a", which is no stop word and is in nearly every text (counting the matches
# of "a" among 100,000 articles read them all: 9 s). PostgreSQL's search leaves them out.
LONE_LETTER = re.compile(r"(?<![\w'’])\w(?![\w'’])")
SQLITE_FOLD_FUNCTION = "bassin_fold"


@dataclass(frozen=True)
class SearchFields:
    weighted: dict[str, tuple[str, ...]]  # weight "A" to "D" -> columns of the model

    def vector(self):
        vectors = [
            SearchVector(field, weight=weight, config=SEARCH_CONFIG)
            for weight, fields in self.weighted.items()
            for field in fields
        ]
        combined = vectors[0]
        for vector in vectors[1:]:
            combined = combined + vector
        return combined

    def fields(self) -> list[str]:
        return [field for fields in self.weighted.values() for field in fields]

    def headline(self) -> tuple[str, ...]:
        return self.weighted["A"]


class StoredDocument(Expression):
    """The query's own table's ``search_document`` column (PostgreSQL; see AddSearchDocument).

    Not a model field, so named here: the table's alias is read when the query is compiled,
    which also holds once the query becomes a subquery and its aliases are renamed.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name(DOCUMENT_COLUMN)}", []


# Another condition a row may match by (people through their organisation's name), given the
# matching function itself so that it matches the same way.
RelatedMatch = Callable[[Callable[..., QuerySet], str], Q]


def match(
    queryset: QuerySet, fields: SearchFields, query: str, *, ordering: tuple[str, ...] = (), ranked: bool = True,
    related: RelatedMatch | None = None,
) -> QuerySet:
    """The rows of ``queryset`` that match ``query``, best first when ``ranked``."""
    matcher = _postgres_match if connection.vendor == "postgresql" else _fallback_match
    return matcher(queryset, fields, query, ordering=ordering, ranked=ranked, related=related)


def _postgres_match(queryset, fields, query, *, ordering=(), ranked=False, related=None):
    query = LONE_LETTER.sub(" ", query)
    if not WORD.search(query):
        return queryset.none()
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    condition = Q(search=search_query)
    if related:
        condition |= related(_postgres_match, query)
    stored = fields == getattr(queryset.model, "site_search", None)
    document = StoredDocument if stored else fields.vector
    matched = queryset.annotate(search=document()).filter(condition)
    if ranked:
        matched = matched.annotate(rank=SearchRank(document(), search_query)).order_by("-rank", *ordering)
    return matched


def _fallback_match(queryset, fields, query, *, ordering=(), ranked=False, related=None):
    connection.ensure_connection()
    connection.connection.create_function(SQLITE_FOLD_FUNCTION, 1, fold, deterministic=True)
    terms = WORD.findall(fold(query))[:MAX_TERMS]
    if not terms:
        return queryset.none()
    folded = {
        f"_folded_{field}": Func(Coalesce(F(field), Value("")), function=SQLITE_FOLD_FUNCTION, output_field=TextField())
        for field in fields.fields()
    }
    condition = Q()
    for term in terms:
        condition &= Q.create([(f"{name}__contains", term) for name in folded], connector=Q.OR)
    if related:
        condition |= related(_fallback_match, query)
    matched = queryset.annotate(**folded).filter(condition)
    if ranked:
        in_headline = Q.create(
            [(f"_folded_{field}__contains", term) for field in fields.headline() for term in terms], connector=Q.OR
        )
        rank = Case(When(in_headline, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
        matched = matched.annotate(rank=rank).order_by("-rank", *ordering)
    return matched
