"""The one place that knows how text search works, on PostgreSQL and on SQLite.

PostgreSQL: full-text search over each record's weighted ``search_vector`` (names
weigh most), ranked with ``ts_rank``. When the words match nothing, a second pass
finds typos and fragments by trigram word similarity ("Tianjn") and substrings,
including Chinese, by ``icontains`` — both served by trigram GIN indexes.
SQLite: every word must occur in the record's ``search_document``.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, FloatField, Q, Value, When

from .search_documents import SEARCH_CONFIG

MAX_QUERY_LENGTH = 200
_WORD = re.compile(r"\w[\w'’.-]*", re.UNICODE)


def query_words(query):
    """The words of a query, as highlighting and the SQLite fallback use them."""
    return _WORD.findall(query or "")


def search(queryset, query, name_field):
    """Records of ``queryset`` matching ``query``, annotated with ``rank`` and ordered by it.

    ``name_field`` is the record's main name: on SQLite an exact or leading match on it
    ranks first.
    """
    query = (query or "").strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, query)
    return _search_fallback(queryset, query, name_field)


def _search_postgresql(queryset, query):
    text_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    full_text = queryset.filter(search_vector=text_query)
    if full_text.exists():
        return full_text.annotate(rank=SearchRank(F("search_vector"), text_query)).order_by(
            "-rank", "pk"
        )
    return (
        queryset.filter(
            Q(search_document__trigram_word_similar=query) | Q(search_document__icontains=query)
        )
        .annotate(rank=TrigramWordSimilarity(query, "search_document"))
        .order_by("-rank", "pk")
    )


def _search_fallback(queryset, query, name_field):
    # One-letter words would match nearly everything as substrings.
    words = [word for word in query_words(query) if len(word) > 1] or [query]
    for word in words:
        queryset = queryset.filter(search_document__icontains=word)
    return queryset.annotate(
        rank=Case(
            When(**{f"{name_field}__iexact": query}, then=Value(3.0)),
            When(**{f"{name_field}__istartswith": query}, then=Value(2.0)),
            When(search_document__istartswith=query, then=Value(1.5)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    ).order_by("-rank", name_field, "pk")


def suggestions(model, query, limit=5):
    """Names close to a query that found nothing, for "did you mean"."""
    query = (query or "").strip()
    if not query or connection.vendor != "postgresql":
        return []
    return list(
        model.objects.annotate(similarity=TrigramWordSimilarity(query, "search_document"))
        .filter(similarity__gt=0.3)
        .order_by("-similarity")
        .values_list("name", flat=True)[:limit]
    )
