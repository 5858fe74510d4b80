"""The stored text each record is searched by.

A record's names live in several tables (an institution's acronyms and other names;
an agreement's parties and fields). Folding them into one column per record lets
search use one index per table (trigram and full-text GIN on PostgreSQL, a plain
scan on SQLite) instead of joins per query. The documents are rebuilt set-wise, in
a few UPDATE statements, whenever data is loaded, generated or edited in the admin.
"""

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import CharField, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Coalesce, Concat

from .models import (
    Agreement,
    DirectoryVersion,
    EstablishedBody,
    FocusArea,
    Institution,
    InstitutionName,
    Person,
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


def _concat(*parts):
    if len(parts) == 1:
        return Coalesce(parts[0], Value(""), output_field=CharField())
    expressions = []
    for part in parts:
        if expressions:
            expressions.append(Value(SEPARATOR))
        expressions.append(part)
    return Concat(*expressions, output_field=CharField())


def _update(queryset, weighted_parts):
    """Store the plain search text and, on PostgreSQL, the weighted full-text vector.

    ``weighted_parts`` maps a weight (A most important … C least) to expressions.
    """
    all_parts = [part for parts in weighted_parts.values() for part in parts]
    values = {"search_document": _concat(*all_parts)}
    if connection.vendor == "postgresql":
        vector = None
        for weight, parts in weighted_parts.items():
            term = SearchVector(_concat(*parts), weight=weight, config=SEARCH_CONFIG)
            vector = term if vector is None else vector + term
        values["search_vector"] = vector
    queryset.update(**values)
    # Search results are cached by directory version: retire them now the text changed.
    DirectoryVersion.bump()


def refresh_institutions(queryset=None):
    queryset = Institution.objects.all() if queryset is None else queryset
    names = InstitutionName.objects.filter(institution=OuterRef("pk"))
    _update(
        queryset,
        {
            "A": ["name", _joined(names.filter(name_type="acronym"), "name")],
            "B": [_joined(names.exclude(name_type="acronym"), "name")],
            "C": ["city", "region", "country"],
        },
    )


def refresh_people(queryset=None):
    queryset = Person.objects.all() if queryset is None else queryset
    positions = Position.objects.filter(person=OuterRef("pk"))
    _update(
        queryset,
        {
            "A": ["family_name", "given_name", "native_name"],
            "C": [_joined(positions, "title"), _joined(positions, "institution__name")],
        },
    )


def refresh_focus_areas(queryset=None):
    queryset = FocusArea.objects.all() if queryset is None else queryset
    _update(
        queryset,
        {
            "A": ["name"],
            "B": [_joined(FocusArea.objects.filter(children=OuterRef("pk")), "name")],
            "C": ["description"],
        },
    )


def refresh_agreements(queryset=None):
    queryset = Agreement.objects.all() if queryset is None else queryset
    parties = Institution.objects.filter(party_links__agreement=OuterRef("pk"))
    party_names = InstitutionName.objects.filter(institution__party_links__agreement=OuterRef("pk"))
    _update(
        queryset,
        {
            "A": ["title"],
            "B": [_joined(parties, "name"), _joined(party_names, "name")],
            "C": [
                _joined(
                    FocusArea.objects.filter(agreement_links__agreement=OuterRef("pk")), "name"
                ),
                _joined(EstablishedBody.objects.filter(agreement=OuterRef("pk")), "name"),
                "place",
                "city",
                "summary",
            ],
        },
    )


def refresh_for_institution(institution):
    """After an institution's names change: its own document and its agreements'."""
    refresh_institutions(Institution.objects.filter(pk=institution.pk))
    refresh_agreements(Agreement.objects.filter(party_links__institution=institution))


def refresh_all():
    """Rebuild every search document; bulk loaders call it last, so it also retires caches."""
    refresh_institutions()
    refresh_people()
    refresh_focus_areas()
    refresh_agreements()
