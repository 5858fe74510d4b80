"""The one place that knows how text search works, on PostgreSQL and on SQLite.

PostgreSQL: full-text search over each record's weighted ``search_vector`` (names
weigh most; an agreement's is in its narrow ``AgreementSearch`` row), ranked with
``ts_rank``. When the words match nothing, each is looked up in the lexicon of the
words the directory holds, by trigram similarity (typos: "Tianjn") and as a part of
a word (fragments, Chinese included: "Tianj", "协和"), and the words found are
searched in full text.
SQLite: every word must occur in the record's ``search_document``.
Chinese names are found in characters and by their pinyin, which the stored search
text holds both as syllables and run together (``search_documents.py``).
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, Expression, F, FloatField, Q, Value, When

from .models import Agreement, AgreementSearch
from .models.querysets import InIds, sql_written_once
from .search_documents import SEARCH_CONFIG

MAX_QUERY_LENGTH = 200
MAX_CORRECTED_WORDS = 8
CANDIDATES_PER_WORD = 3
# A word less like the typed one than the likest by this much (trigram similarity) is
# another word, not the one meant: "Hebbei" is Hebei (0.63), not "hei" (0.38) as in
# Heilongjiang, which would add its 2,400 agreements to Hebei's 5,400 at 100,000.
SIMILARITY_MARGIN = 0.1
# Words a part of a word stands for, shortest first: "medic" finds "medical",
# "medicine", "biomedical", … A part found in more words matches those first.
CONTAINING_WORDS_PER_WORD = 20
# Kinds of candidate for a typed word, in the order they are offered.
SWAPPED, SIMILAR, CONTAINING = 1, 2, 3
_WORD = re.compile(r"\w[\w'’.-]*", re.UNICODE)


def query_words(query):
    """The words of a query, as highlighting and the SQLite fallback use them."""
    return _WORD.findall(query or "")


@dataclass(frozen=True)
class SearchPlan:
    """How a query will be matched and ranked, decided once per request."""

    condition: Q
    rank: Expression
    order: tuple[str, ...] = ("-rank", "pk")
    # PostgreSQL: the full-text query (as typed, or with the words it may stand for).
    text_query: SearchQuery | None = None
    # What is searched, however it was written: results can be shared under it.
    meaning: tuple = ()
    # PostgreSQL: the text searched and how it is read ("websearch" or "raw").
    text: str = ""
    search_type: str = ""

    def apply(self, queryset):
        return queryset.filter(self.condition).annotate(rank=self.rank).order_by(*self.order)


def plan(queryset, query, name_field):
    """The :class:`SearchPlan` for ``query`` over ``queryset``, or ``None`` for no query.

    ``name_field`` is the record's main name: on SQLite an exact or leading match on it
    ranks first. On PostgreSQL this costs one query (do the words match anything?);
    corrections of misspelt words are remembered until the data changes, for every
    section of a search page.
    """
    query = (query or "").strip()
    if not query:
        return None
    if connection.vendor == "postgresql":
        return _plan_postgresql(queryset, query)
    return _plan_fallback(query, name_field)


def search(queryset, query, name_field):
    """Records of ``queryset`` matching ``query``, annotated with ``rank`` and ordered by it."""
    search_plan = plan(queryset, query, name_field)
    return search_plan.apply(queryset) if search_plan else queryset


def _plan_postgresql(queryset, query):
    as_typed = _full_text_plan(queryset.model, query)
    if queryset.filter(as_typed.condition).exists():
        return as_typed
    return _corrected_plan(queryset.model, query)


def _full_text_plan(model, query):
    """The words as typed, in PostgreSQL's web search syntax."""
    return _plan_for(model, query, "websearch", (_plain_meaning(query), "websearch"))


_PLAIN_WORDS = re.compile(r"[^\W_]+(?:\s+[^\W_]+)*", re.UNICODE)


def _plain_meaning(query):
    """What ``query`` searches, written one way: websearch_to_tsquery lowercases words
    and reads "or" in any case, and plain words (no quotes, "-" or "or") must all occur,
    ranked alike in any order ("University Eighth", "eighth university")."""
    words = query.lower().split()
    if _PLAIN_WORDS.fullmatch(query.strip()) and "or" not in words:
        words.sort()
    return " ".join(words)


def _corrected_plan(model, query):
    """For a query that matched nothing as typed: each word may be misspelt or a part of a
    word ("Tianj", "xiehe" of "beijingxieheyiyuan", "协和" of "北京协和医院"). Both are
    looked up in the lexicon of known words (a trigram index over short words), and the
    words found are searched in full text. Matching whole documents by trigram
    similarity or by substring read most of the directory instead (a 60 s scan, and
    LIKE over 300 MB of search text, at 100,000 agreements)."""
    tsquery = _tsquery(_corrections(query))
    return _plan_for(model, tsquery, "raw", (tsquery, "raw"))


def _plan_for(model, text, search_type, meaning):
    text_query = SearchQuery(text, config=SEARCH_CONFIG, search_type=search_type)
    vector = getattr(model, "SEARCH_VECTOR", "search_vector")
    return SearchPlan(
        condition=_vector_matches(model, text_query),
        rank=SearchRank(F(vector), text_query),
        text_query=text_query,
        meaning=meaning,
        text=text,
        search_type=search_type,
    )


def _vector_matches(model, text_query):
    """Records whose vector matches ``text_query``. An agreement's is in its narrow row:
    matched there by id, so that the wide agreement table is not joined row by row."""
    if model is Agreement:
        return Q(pk__in=AgreementSearch.objects.filter(vector=text_query).values("agreement_id"))
    return Q(search_vector=text_query)


def first_results(sections, query, limit, *, published_agreements=False, shared_by=None):
    """``(count, ids of the first limit)`` of ``search(queryset, query, name_field)`` for
    each ``(queryset, name_field)`` of ``sections`` (the search page's record types).

    On PostgreSQL the words are searched as typed in every section first, and only when
    no section finds them are they corrected, in every section. A word one section finds
    is no typo: correcting it for the others (fields named like "cooperation" because
    agreements say it) showed what the reader did not ask for, and cost a lexicon lookup
    and a query per section. One query counts and ranks every section, each part with
    ``COUNT(*) OVER ()``: counting and ranking separately read every match twice.
    Agreements are found from their narrow search rows alone, when the queryset is every
    agreement or, with ``published_agreements``, the published ones.

    ``shared_by`` names who may see what the querysets hold (whether drafts are shown):
    given it, each result is remembered until the data changes under what the query
    means, so that queries written differently but searching the same words (typos
    corrected to the same word: "Hosptal", "Hospitl") are counted and ranked once.
    """
    query = (query or "").strip()
    if not query:
        return [(0, [])] * len(sections)

    def each_section(plan_for):
        plans = [plan_for(queryset, name_field) for queryset, name_field in sections]
        querysets = [queryset for queryset, _name_field in sections]
        return _remembered(querysets, plans, limit, shared_by, published_agreements)

    if connection.vendor != "postgresql":
        return each_section(lambda queryset, name_field: _plan_fallback(query, name_field))
    as_typed = each_section(lambda queryset, _: _full_text_plan(queryset.model, query))
    if any(count for count, _ in as_typed):
        return as_typed
    return each_section(lambda queryset, _: _corrected_plan(queryset.model, query))


def _remembered(querysets, plans, limit, shared_by, published_agreements):
    """``_first_of_each(…)``; with ``shared_by``, each section's result is remembered under
    its plan's meaning, and only those not remembered are found (together)."""

    def first_of(places):
        chosen = [querysets[place] for place in places]
        return _first_of_each(
            chosen, [plans[place] for place in places], limit, published_agreements, shared_by
        )

    if shared_by is None:
        return first_of(range(len(querysets)))
    from .caching import cached_many

    parts = [
        (queryset.model._meta.label, shared_by, published_agreements, plan.meaning, limit)
        for queryset, plan in zip(querysets, plans, strict=True)
    ]
    return cached_many("search-results", parts, first_of)


def _first_of_each(querysets, plans, limit, published_agreements, shared_by=None):
    """``[(count, ids of the first limit)]`` of each queryset under its plan, found afresh:
    on PostgreSQL in one query for every section (``UNION ALL``), each part counting and
    ranking its matches together. A query per section cost a round trip and a compilation
    each, twice for a typo (as typed, then corrected): about 4 ms of a 40 ms page.
    With ``shared_by`` (``first_results``), each part's SQL is written once per process
    (``_ranked_sql``)."""
    if connection.vendor != "postgresql":
        found = []
        for queryset, search_plan in zip(querysets, plans, strict=True):
            results = search_plan.apply(queryset)
            count = results.count()
            found.append(
                (count, list(results.values_list("pk", flat=True)[:limit]) if count else [])
            )
        return found
    parts, params = [], []
    for place, (queryset, search_plan) in enumerate(zip(querysets, plans, strict=True)):
        ranked, ranked_params = _ranked_sql(queryset, search_plan, published_agreements, shared_by)
        parts.append(
            f"(SELECT {place}, found.id, found.rank, COUNT(*) OVER () FROM "
            f"({ranked} OFFSET 0) AS found (id, rank) "
            "ORDER BY found.rank DESC, found.id LIMIT %s)"
        )
        params += [*ranked_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    # The parts' rows may come back interleaved (a parallel append): put each in its place.
    rows.sort(key=lambda row: (row[0], -row[2], row[1]))
    counts, ids = [0] * len(querysets), [[] for _ in querysets]
    for place, pk, _rank, count in rows:
        counts[place] = count
        ids[place].append(pk)
    return list(zip(counts, ids, strict=True))


# A stand-in for the searched text in the SQL written once (``_ranked_sql``).
_SEARCHED = "\x00searched\x00"


def _ranked_sql(queryset, search_plan, published_agreements, shared_by):
    """``(sql, params)``: the ids and ranks of the records of ``queryset`` matching
    ``search_plan``, unordered.

    Writing it took the ORM about 0.3 ms a section, more than a lexicon lookup. With
    ``shared_by``, what the querysets hold is decided by it, the model and
    ``published_agreements`` (as ``_remembered`` shares results by): the SQL is written
    once for each of these and the way the text is read (``sql_written_once``), with a
    stand-in for the text.
    """
    if shared_by is None:
        return _written_ranked_sql(queryset, search_plan, published_agreements)
    model, search_type = queryset.model, search_plan.search_type
    return sql_written_once(
        ("search-section", model._meta.label, shared_by, published_agreements, search_type),
        lambda text: _written_ranked_sql(
            queryset, _plan_for(model, text, search_type, ()), published_agreements
        ),
        [search_plan.text],
        [_SEARCHED],
    )


def _written_ranked_sql(queryset, search_plan, published_agreements):
    if queryset.model is Agreement:
        # Unordered: the outer query ranks (an inner ORDER BY would sort every match).
        rows = ranked_agreements(search_plan, published_only=published_agreements).order_by()
        key = "agreement_id"
    else:
        rows, key = search_plan.apply(queryset.order_by()).order_by(), "pk"
    # The rank is computed inside (OFFSET 0 keeps the planner from merging the two), so
    # that the count's window holds (id, rank) pairs: holding whole rows, it wrote every
    # match's vector to disk and read it back to rank it.
    return rows.values_list(key, "rank").query.sql_with_params()


def ranked_agreements(search_plan, among=None, published_only=False):
    """Agreements in the order of ``search_plan``'s rank (PostgreSQL), as a queryset of
    their narrow search rows (whose pk is the agreement's): those matching the search,
    or the ids ``among`` (an ``IdArray``: the search under other filters too).

    A list ordered by relevance joined every agreement to its row and sorted them all,
    vectors included, on disk: 170 ms for "hospital" at 100,000 agreements. From the
    narrow rows alone the same page takes 45 ms, or about 100 ms among the ids."""
    text_query = search_plan.text_query
    if among is not None:
        rows = AgreementSearch.objects.filter(InIds("agreement_id", among))
    else:
        rows = AgreementSearch.objects.filter(vector=text_query)
        if published_only:
            rows = rows.filter(published=True)
    return rows.annotate(rank=SearchRank(F("vector"), text_query)).order_by("-rank", "agreement_id")


def word_candidates(query):
    """For each word of ``query``, the words the directory holds that it may stand for:
    the word itself when known, then those it is with two neighbouring letters swapped
    ("Biejing", "Fuijan": trigram similarity misses most of these in short words), else
    the most similar ones and the shortest ones that contain it. The word as typed when
    there is none. One query, through the lexicon's primary key and trigram index."""
    words = [word.lower() for word in query_words(query)][:MAX_CORRECTED_WORDS] or [query.lower()]
    # A one-letter part would stand for half the lexicon.
    patterns = [_contains_pattern(word) if len(word) > 1 else None for word in words]
    swaps = [" ".join(_swapped(word)) for word in words]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT typed_words.position, typed, candidate.word, candidate.kind, "
            "  candidate.likeness "
            "FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY "
            "  AS typed_words(typed, pattern, swaps, position) "
            "LEFT JOIN LATERAL ("
            f"  (SELECT word, {SWAPPED} AS kind, NULL::real AS likeness,"
            "   row_number() OVER (ORDER BY word) AS place"
            "   FROM partnerships_searchword WHERE word = ANY(string_to_array(swaps, ' ')))"
            "  UNION ALL"
            f"  (SELECT word, {SIMILAR} AS kind, similarity(word, typed), row_number() OVER ("
            "     ORDER BY similarity(word, typed) DESC, abs(length(word) - length(typed)), word"
            "   ) AS place FROM partnerships_searchword WHERE word %% typed"
            "   ORDER BY place LIMIT %s)"
            "  UNION ALL"
            f"  (SELECT word, {CONTAINING} AS kind, NULL::real,"
            "   row_number() OVER (ORDER BY length(word), word) AS place"
            "   FROM partnerships_searchword WHERE word LIKE pattern"
            "   ORDER BY place LIMIT %s)"
            ") AS candidate ON true "
            "ORDER BY typed_words.position, candidate.kind, candidate.place",
            [words, patterns, swaps, CANDIDATES_PER_WORD, CONTAINING_WORDS_PER_WORD],
        )
        candidates = {}
        for position, typed, word, kind, likeness in cursor.fetchall():
            candidates.setdefault(position, []).append((word or typed, kind, likeness))
    found = []
    for typed, rows in zip(words, (candidates[p] for p in sorted(candidates)), strict=True):
        # Meant as typed first.
        known = [typed] if any(w == typed and k == SIMILAR for w, k, _ in rows) else []
        swapped = [word for word, kind, _ in rows if kind == SWAPPED]
        # Two swapped letters that make a known word are the typo: the similar words
        # would only widen the search ("fujian", not "funan" too).
        chosen = known + swapped if swapped else known + _close_enough(rows)
        found.append(list(dict.fromkeys(chosen)))
    return found


def _close_enough(rows):
    """The candidate words of ``rows`` (``(word, kind, likeness)``) but the similar ones
    markedly less like the typed word than the likest (``SIMILARITY_MARGIN``)."""
    likest = max((likeness for _, kind, likeness in rows if kind == SIMILAR), default=None)
    return [
        word
        for word, kind, likeness in rows
        if kind != SIMILAR or round(likest - likeness, 3) < SIMILARITY_MARGIN
    ]


def _swapped(word):
    """``word`` with each pair of neighbouring letters swapped, the commonest typo."""
    return [
        word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        for at in range(len(word) - 1)
        if word[at] != word[at + 1]
    ]


def _contains_pattern(word):
    """A LIKE pattern matching words that contain ``word`` as it is written."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _corrections(query):
    """``word_candidates(query)``, remembered until the data changes, so that a page asks
    the lexicon once for all its sections."""
    from .caching import cached

    return cached("word-candidates", (query,), lambda: word_candidates(query))


def corrected_words(query):
    """The best guess at what ``query`` meant, word by word."""
    return " ".join(alternatives[0] for alternatives in word_candidates(query))


def _tsquery(candidates):
    """Every word must match one of its candidates: ``('pekin' | 'peking') & ('union')``.
    The words are in a fixed order, as their order changes neither what matches nor
    the rank, so that one search is written one way (``first_results`` shares by it)."""

    def lexeme(word):
        return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"

    return " & ".join(
        sorted(
            "(" + " | ".join(lexeme(word) for word in alternatives) + ")"
            for alternatives in candidates
        )
    )


def _every_word_contained(query):
    """Each word occurs somewhere: "Beijing Xiehe" finds 北京协和医院 by its pinyin
    ("beijingxieheyiyuan"), "Union Medical" a name with words between them."""
    # One-letter words would match nearly everything as substrings.
    words = [word for word in query_words(query) if len(word) > 1] or [query]
    condition = Q()
    for word in words:
        condition &= Q(search_document__icontains=word)
    return condition


def _plan_fallback(query, name_field):
    condition = _every_word_contained(query)
    rank = Case(
        When(**{f"{name_field}__iexact": query}, then=Value(3.0)),
        When(**{f"{name_field}__istartswith": query}, then=Value(2.0)),
        When(search_document__istartswith=query, then=Value(1.5)),
        default=Value(1.0),
        output_field=FloatField(),
    )
    return SearchPlan(
        condition=condition,
        rank=rank,
        order=("-rank", name_field, "pk"),
        meaning=(query, "every word contained"),
    )


def suggestions(queryset, query, limit=5):
    """Names among ``queryset`` (what the reader may see) for a query that found nothing,
    for "did you mean": those holding any of the words the typed ones may have meant
    (the lexicon's corrections), best ranked first. A trigram similarity of the query to
    every institution's search text took 350 ms at 20,000 institutions."""
    query = (query or "").strip()
    if not query or connection.vendor != "postgresql":
        return []
    words = sorted({word for alternatives in _corrections(query) for word in alternatives})
    any_word = SearchQuery(_tsquery([words]), config=SEARCH_CONFIG, search_type="raw")
    return list(
        queryset.filter(search_vector=any_word)
        .annotate(rank=SearchRank(F("search_vector"), any_word))
        .order_by("-rank", "name", "pk")
        .values_list("name", flat=True)[:limit]
    )
