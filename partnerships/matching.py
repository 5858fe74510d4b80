"""The agreements a list request matches, found once and then counted many ways.

A faceted list counts its total and a dozen facets, each under the request's filters
(every facet but its own: see ``facets.py``). Running the filter inside every one of
those queries cost a dozen lookups of the same ids in the wide agreement table per
request (at 100,000 agreements: about 14,000 primary-key probes each, most of a facet
query's time). On PostgreSQL each distinct filter combination is therefore run once,
its ids kept as one array, and every count reads link rows by that array. SQLite keeps
the plain subqueries: correct, not tuned.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Expression, F


class InIds(Expression):
    """``field = ANY(ids)``: one array parameter rather than one placeholder per id
    (PostgreSQL only; a list of 100,000 ids stays one short value)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field, ids):
        super().__init__()
        self.target = F(field) if isinstance(field, str) else field
        self.ids = ids

    def get_source_expressions(self):
        return [self.target]

    def set_source_expressions(self, expressions):
        (self.target,) = expressions

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.target)
        return f"{sql} = ANY(%s::bigint[])", (*params, self.ids)


@dataclass
class Matching:
    """Agreements matching some filters: the ids on PostgreSQL, else the queryset."""

    queryset: object
    ids: list | None = None
    _year_counts: tuple | None = field(default=None, repr=False)

    @classmethod
    def of(cls, queryset):
        queryset = queryset.order_by().prefetch_related(None)
        if connection.vendor != "postgresql":
            return cls(queryset)
        # Sorted, so that reading link rows by id walks their indexes in order.
        return cls(queryset, sorted(queryset.values_list("pk", flat=True)))

    def agreements(self):
        """The matching agreements, as a queryset to count or group."""
        if self.ids is None:
            return self.queryset
        return self.queryset.model.objects.filter(InIds("pk", self.ids))

    def links(self, model):
        """Rows of ``model`` (a link table with an ``agreement`` key) of these agreements."""
        # No ordering: a link model's Meta.ordering would join its tables for nothing.
        if self.ids is None:
            return model.objects.filter(agreement__in=self.queryset.values("pk")).order_by()
        return model.objects.filter(InIds("agreement_id", self.ids)).order_by()

    def year_counts(self):
        """``charts.year_counts`` of these agreements, counted once (the year facet and
        the year chart both show it)."""
        if self._year_counts is None:
            from .charts import year_counts

            self._year_counts = year_counts(self.agreements())
        return self._year_counts

    def count(self):
        return len(self.ids) if self.ids is not None else self.queryset.count()
