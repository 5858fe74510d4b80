"""The agreements a list request matches, found once and then counted many ways.

A faceted list counts its total and a dozen facets, each under the request's filters
(every facet but its own: see ``facets.py``). Running the filter inside every one of
those queries cost a dozen lookups of the same ids in the wide agreement table per
request (at 100,000 agreements: about 14,000 primary-key probes each, most of a facet
query's time). On PostgreSQL each distinct filter combination is therefore run once,
its ids kept as one array, and every count reads link rows by that array. SQLite keeps
the plain subqueries: correct, not tuned.
"""

from django.db import connection
from django.utils.functional import cached_property

from .models.querysets import IdArray, InIds


class Matching:
    """Agreements matching some filters: the ids on PostgreSQL, else the queryset.

    ``whole``: the set is every agreement the request's base queryset holds (no filter
    applied), identified by these parts. Its counts are the same for every request with
    that base, so they are remembered until the data changes (``remembered``), and its
    ids, a long array, are only read when a count is not remembered.

    ``shared``: the set is one many requests share (one filter, such as a year), so its
    counts are remembered too, under what names it (``shared``: its base and the filter
    with its values); its ids are read only when a count is not remembered.
    """

    def __init__(self, queryset, ids=None, whole=None, shared=False, year_rows=None):
        self.queryset = queryset
        self._ids = ids
        self.whole = whole
        self.shared = shared
        # Rows holding the same agreements with their dates, counted by year faster than
        # the set's own query (``read_model.published_in_field_slug``), or ``None``.
        self.year_rows = year_rows
        self.counted = {}  # Facet counts found for several facets at once (facets.py).
        self._year_counts = None

    @classmethod
    def of(cls, queryset, whole=None, lazy=False, shared=False, year_rows=None):
        """``lazy``: the ids are read when first needed (the counts may all be cached)."""
        queryset = queryset.order_by().prefetch_related(None)
        if connection.vendor != "postgresql":
            return cls(queryset, whole=whole, shared=shared)
        ids = _NOT_READ if whole is not None or lazy or shared else _ids_of(queryset)
        return cls(queryset, ids, whole, shared, year_rows)

    @property
    def ids_read(self):
        """Whether the ids are at hand already (PostgreSQL, once read)."""
        return self._ids is not None and self._ids is not _NOT_READ

    @property
    def ids(self):
        if self._ids is _NOT_READ:
            self._ids = _ids_of(self.queryset)
        return self._ids

    @cached_property
    def ids_array(self):
        """The ids as one array literal, written once for every count that sends them."""
        return IdArray(self.ids)

    @property
    def by_ids(self):
        """Whether counts read link rows by the ids (PostgreSQL)."""
        return self._ids is not None

    @property
    def by_query(self):
        """Whether counts filter by the set's own query rather than by its ids: on SQLite,
        for every agreement, or for a shared set whose ids are not read. A shared set is
        counted once per write, each count one query: reading its ids first (a field's
        14,000 at 100,000 agreements) and sending them back took a year count 13.5 ms,
        not 8."""
        return not self.by_ids or self.whole is not None or (self.shared and not self.ids_read)

    def remembered(self, name, compute):
        """``compute()``; for the whole set or a shared one, kept until the data changes."""
        if self.identity is None:
            return compute()
        from .caching import cached

        return cached("set-counts", (name, self.identity), compute)

    @cached_property
    def identity(self):
        """What names a remembered set (the whole one or a shared one): what the caller
        named it by; ``None`` for a set no other request shares."""
        return self.whole if self.whole is not None else (self.shared or None)

    def agreements(self):
        """The matching agreements, as a queryset to count or group."""
        if self.by_query:
            return self.queryset
        return self.queryset.model.objects.filter(InIds("pk", self.ids_array))

    def links(self, model):
        """Rows of ``model`` (a link table with an ``agreement`` key) of these agreements."""
        # No ordering: a link model's Meta.ordering would join its tables for nothing.
        if self.by_query:
            return model.objects.filter(agreement__in=self.queryset.values("pk")).order_by()
        return model.objects.filter(InIds("agreement_id", self.ids_array)).order_by()

    def year_counts(self):
        """``charts.year_counts`` of these agreements, counted once (the year facet and
        the year chart both show it)."""
        if self._year_counts is None:
            from .charts import year_counts

            rows = self.agreements() if self.year_rows is None else self.year_rows
            self._year_counts = self.remembered("year-counts", lambda: year_counts(rows))
        return self._year_counts

    def count(self):
        if self.by_query:
            return self.remembered("count", self.queryset.count)
        return self.remembered("count", lambda: len(self.ids))


_NOT_READ = object()


def _ids_of(queryset):
    # Sorted, so that reading link rows by id walks their indexes in order.
    return sorted(queryset.values_list("pk", flat=True))
