"""The stored text each record is searched by.

A record's names live in several tables (an institution's acronyms and other names;
an agreement's parties and fields). Folding them into one column per record lets
search use one index per table (trigram and full-text GIN on PostgreSQL, a plain
scan on SQLite) instead of joins per query. The documents are rebuilt set-wise, in
a few UPDATE statements, whenever data is loaded, generated or edited in the admin.
"""

from django.db.models import CharField, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Coalesce, Concat

from .models import (
    Agreement,
    EstablishedBody,
    FocusArea,
    Institution,
    InstitutionName,
    Person,
    Position,
)

SEPARATOR = " · "


def _joined(queryset, field):
    """A correlated subquery joining ``field`` of the rows of ``queryset`` into one string."""
    aggregated = (
        queryset.order_by()
        .annotate(_group=Value(1))
        .values("_group")
        .annotate(text=StringAgg(field, Value(SEPARATOR)))
        .values("text")
    )
    return Coalesce(Subquery(aggregated, output_field=CharField()), Value(""))


def _concat(*parts):
    expressions = []
    for part in parts:
        if expressions:
            expressions.append(Value(SEPARATOR))
        expressions.append(part)
    return Concat(*expressions, output_field=CharField())


def refresh_institutions(queryset=None):
    queryset = Institution.objects.all() if queryset is None else queryset
    queryset.update(
        search_document=_concat(
            "name",
            _joined(InstitutionName.objects.filter(institution=OuterRef("pk")), "name"),
            "city",
            "region",
            "country",
        )
    )


def refresh_people(queryset=None):
    queryset = Person.objects.all() if queryset is None else queryset
    positions = Position.objects.filter(person=OuterRef("pk"))
    queryset.update(
        search_document=_concat(
            "family_name",
            "given_name",
            "native_name",
            _joined(positions, "title"),
            _joined(positions, "institution__name"),
        )
    )


def refresh_focus_areas(queryset=None):
    queryset = FocusArea.objects.all() if queryset is None else queryset
    queryset.update(
        search_document=_concat(
            "name",
            _joined(FocusArea.objects.filter(children=OuterRef("pk")), "name"),
            "description",
        )
    )


def refresh_agreements(queryset=None):
    queryset = Agreement.objects.all() if queryset is None else queryset
    parties = Institution.objects.filter(party_links__agreement=OuterRef("pk"))
    queryset.update(
        search_document=_concat(
            "title",
            _joined(parties, "name"),
            _joined(
                InstitutionName.objects.filter(institution__party_links__agreement=OuterRef("pk")),
                "name",
            ),
            _joined(FocusArea.objects.filter(agreement_links__agreement=OuterRef("pk")), "name"),
            _joined(EstablishedBody.objects.filter(agreement=OuterRef("pk")), "name"),
            "place",
            "city",
            "summary",
        )
    )


def refresh_all():
    refresh_institutions()
    refresh_people()
    refresh_focus_areas()
    refresh_agreements()
