"""The stored text each record is searched by.

A record's names live in several tables (an institution's acronyms and other names;
an agreement's parties and fields). Folding them into one column per record lets
search use one index per table (trigram and full-text GIN on PostgreSQL, a plain
scan on SQLite) instead of joins per query. The documents are rebuilt set-wise, in
a few UPDATE statements, by the write path (``write_path.py``) after any write commits.
"""

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    ExpressionWrapper,
    Func,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Replace
from pypinyin import lazy_pinyin

from .models import (
    Agreement,
    AgreementSearch,
    AgreementStatus,
    EstablishedBody,
    FocusArea,
    Institution,
    InstitutionName,
    Person,
    PersonName,
    Position,
)

SEPARATOR = " · "
# "simple": no stemming or stop words, so names and abbreviations match as written.
SEARCH_CONFIG = "simple"


def _joined(queryset, field):
    """A correlated subquery joining ``field`` of the rows of ``queryset`` into one string."""
    aggregated = (
        queryset.order_by()
        .annotate(_group=Value(1))
        .values("_group")
        .annotate(text=StringAgg(field, Value(SEPARATOR), **_ordered(field)))
        .values("text")
    )
    return Coalesce(Subquery(aggregated, output_field=CharField()), Value(""))


def _ordered(field):
    """A stable order of joined names, where the database can order inside an aggregate."""
    return {"order_by": field} if connection.features.supports_aggregate_order_by_clause else {}


class _FlatConcat(Func):
    """``a || b || c`` without nesting: Django's ``Concat`` nests one pair per part,
    which overflows SQLite's parser stack for a document of many parts."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = CharField()


def _concat(*parts):
    expressions = []
    for part in parts:
        if expressions:
            expressions.append(Value(SEPARATOR))
        expressions.append(Coalesce(part, Value(""), output_field=CharField()))
    return expressions[0] if len(expressions) == 1 else _FlatConcat(*expressions)


def _update(queryset, weighted_parts):
    """Store the plain search text and, on PostgreSQL, the weighted full-text vector.

    ``weighted_parts`` maps a weight (A most important … C least) to expressions.
    """
    all_parts = [part for parts in weighted_parts.values() for part in parts]
    values = {"search_document": _concat(*all_parts)}
    vector = None
    if connection.vendor == "postgresql":
        for weight, parts in weighted_parts.items():
            term = SearchVector(_concat(*parts), weight=weight, config=SEARCH_CONFIG)
            vector = term if vector is None else vector + term
        if queryset.model is not Agreement:
            values["search_vector"] = vector
    queryset.update(**values)
    if vector is None:
        return
    if queryset.model is Agreement:
        _store_agreement_vectors(queryset, vector)
        _add_to_lexicon(queryset, AgreementSearch, "agreement_id", "vector")
    else:
        _add_to_lexicon(queryset, queryset.model, "id", "search_vector")


def _store_agreement_vectors(queryset, vector):
    """Write the agreements' rows of ``AgreementSearch`` (vector and published flag)."""
    rows = (
        queryset.order_by()
        .annotate(
            _published=ExpressionWrapper(
                Q(status=AgreementStatus.PUBLISHED), output_field=BooleanField()
            ),
            _vector=vector,
        )
        .values_list("pk", "_published", "_vector")
    )
    select, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO partnerships_agreementsearch (agreement_id, published, vector) "
            f"{select} ON CONFLICT (agreement_id) DO UPDATE "
            "SET published = EXCLUDED.published, vector = EXCLUDED.vector",
            params,
        )


def _add_to_lexicon(queryset, vector_model, key, column):
    """Add the words of the rebuilt vectors to the typo lexicon (``SearchWord``).

    Words are never removed: a stale one can only correct a typo into a word that then
    finds nothing, which the search says.
    """
    table = connection.ops.quote_name(vector_model._meta.db_table)
    ids, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO partnerships_searchword (word) "
            "SELECT DISTINCT word FROM "
            f"{table} AS document, unnest(tsvector_to_array(document.{column})) AS word "
            f"WHERE document.{key} IN ({ids}) AND length(word) BETWEEN 2 AND 100 "
            "ON CONFLICT DO NOTHING",
            params,
        )


def pinyin(text):
    """Toneless pinyin syllables of the Chinese characters in ``text``: "bei jing xie he …".

    Other characters are kept as they are; pypinyin reads characters in their word context.
    """
    return " ".join(" ".join(lazy_pinyin(text)).split()).lower()


def _pinyin_joined(field):
    """The pinyin without spaces too ("xiehe"): readers type syllables together."""
    return Replace(field, Value(" "), Value(""))


def _derive_chinese_names(queryset):
    """Each institution's Simplified Chinese label, and its pinyin, from its typed names."""
    label = (
        InstitutionName.objects.filter(institution=OuterRef("pk"), name_type="label")
        .filter(Q(language__iexact="zh-Hans") | Q(language__iexact="zh-CN") | Q(language="zh"))
        .order_by("language", "pk")
        .values("name")[:1]
    )
    queryset.update(name_zh_hans=Coalesce(Subquery(label, output_field=CharField()), Value("")))
    _derive_pinyin(queryset, "name_zh_hans")


def _derive_pinyin(queryset, chinese_name):
    """``name_pinyin`` from the record's Chinese name: the Chinese pages sort by it
    (``ByReaderName``) and search finds it. Only changed rows are written."""
    changed = []
    for record in queryset.only("pk", chinese_name, "name_pinyin").iterator():
        name = getattr(record, chinese_name)
        reading = pinyin(name) if name else ""
        if reading != record.name_pinyin:
            record.name_pinyin = reading
            changed.append(record)
    queryset.model.objects.bulk_update(changed, ["name_pinyin"], batch_size=1000)


def refresh_institutions(queryset):
    _derive_chinese_names(queryset)
    names = InstitutionName.objects.filter(institution=OuterRef("pk"))
    _update(
        queryset,
        {
            "A": ["name", _joined(names.filter(name_type="acronym"), "name")],
            "B": [
                _joined(names.exclude(name_type="acronym"), "name"),
                "name_pinyin",
                _pinyin_joined("name_pinyin"),
            ],
            "C": ["city", "region", "country"],
        },
    )


def refresh_people(queryset):
    _derive_pinyin(queryset, "native_name")
    positions = Position.objects.filter(person=OuterRef("pk"))
    other_names = PersonName.objects.filter(person=OuterRef("pk"))
    _update(
        queryset,
        {
            "A": ["family_name", "given_name", "native_name"],
            "B": [_joined(other_names, "name")],
            "C": [_joined(positions, "title"), _joined(positions, "institution__name")],
        },
    )


def refresh_focus_areas(queryset):
    _derive_pinyin(queryset, "name_zh_hans")
    _update(
        queryset,
        {
            "A": ["name", "name_zh_hans"],
            "B": [_joined(FocusArea.objects.filter(children=OuterRef("pk")), "name")],
            "C": ["description"],
        },
    )


def refresh_agreements(queryset):
    parties = Institution.objects.filter(party_links__agreement=OuterRef("pk"))
    party_names = InstitutionName.objects.filter(institution__party_links__agreement=OuterRef("pk"))
    participants = Person.objects.filter(participations__agreement=OuterRef("pk")).annotate(
        full_name=Concat("family_name", Value(" "), "given_name", Value(" "), "native_name")
    )
    _update(
        queryset,
        {
            "A": ["title", "title_zh_hans"],
            "B": [
                _joined(parties, "name"),
                _joined(party_names, "name"),
                _joined(parties, "name_pinyin"),
                _pinyin_joined(_joined(parties, "name_pinyin")),
            ],
            "C": [
                # Readers search the list for a person to find what they took part in.
                _joined(participants, "full_name"),
                _joined(
                    FocusArea.objects.filter(agreement_links__agreement=OuterRef("pk")), "name"
                ),
                _joined(EstablishedBody.objects.filter(agreement=OuterRef("pk")), "name"),
                "place",
                "city",
                "summary",
                "summary_zh_hans",
            ],
        },
    )


def refresh(affected):
    """Rebuild the documents of an ``write_path.Affected``: the write path's one entry."""
    for queryset, refresh_documents in (
        (affected.institutions, refresh_institutions),
        (affected.people, refresh_people),
        (affected.focus_areas, refresh_focus_areas),
        (affected.agreements, refresh_agreements),
    ):
        if queryset is not None:
            refresh_documents(queryset)
