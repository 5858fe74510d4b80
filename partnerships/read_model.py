"""The facet read model: one narrow row per agreement, for counting facets fast.

A list counts a dozen facets under its filters. Counted from the link tables, each
facet joined every matching agreement's parties to their institutions and counted
distinct agreements: at 100,000 agreements the unfiltered list spent 1.7 s in six such
queries. ``partnerships_agreementfacets`` holds, per agreement, what those counts group
by, as arrays without repeats: its institutions, their kinds, countries, regions and
cities, its fields and their top-level fields. A facet is then one pass over narrow
rows (``unnest`` and ``count(*)``), with no join and no DISTINCT.

PostgreSQL only (arrays, GIN); on SQLite the facets count from the link tables as
before. The rows are derived data: the write path (``write_path.rebuild``) refreshes
those of every agreement a committed write affects, whoever made it.
"""

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

TABLE = "partnerships_agreementfacets"

# The array columns, as facets.py groups by them: ``{facet group: column}``. Institutions
# are held by id and counted by slug (the facet's value, which also breaks ties).
COLUMNS = {
    "institution__slug": "institutions",
    "institution__kind": "institution_kinds",
    "institution__country": "countries",
    "institution__region": "regions",
    "institution__city": "cities",
    "focus_area": "fields",
    "top_focus_area": "top_fields",
}


def _distinct_party_values(column):
    return (
        f"COALESCE((SELECT array_agg(DISTINCT institution.{column} ORDER BY institution.{column}) "
        "FROM partnerships_agreementparty party "
        "JOIN partnerships_institution institution ON institution.id = party.institution_id "
        f"WHERE party.agreement_id = agreement.id AND institution.{column} <> ''), '{{}}')"
    )


# The rows of the agreements whose ids the inner query selects (``%s`` below).
REFRESH_SQL = f"""
INSERT INTO {TABLE} (agreement_id, published, signed_on, title, institutions,
                     institution_kinds, countries, regions, cities, fields, top_fields)
SELECT agreement.id, agreement.status = 'published', agreement.signed_on, agreement.title,
  COALESCE((SELECT array_agg(party.institution_id ORDER BY party.institution_id)
            FROM partnerships_agreementparty party
            WHERE party.agreement_id = agreement.id), '{{}}'),
  {_distinct_party_values("kind")},
  {_distinct_party_values("country")},
  {_distinct_party_values("region")},
  {_distinct_party_values("city")},
  COALESCE((SELECT array_agg(link.focus_area_id ORDER BY link.focus_area_id)
            FROM partnerships_agreementfocusarea link
            WHERE link.agreement_id = agreement.id), '{{}}'),
  COALESCE((SELECT array_agg(DISTINCT COALESCE(area.parent_id, area.id))
            FROM partnerships_agreementfocusarea link
            JOIN partnerships_focusarea area ON area.id = link.focus_area_id
            WHERE link.agreement_id = agreement.id), '{{}}')
FROM partnerships_agreement agreement
WHERE agreement.id IN (%s)
ON CONFLICT (agreement_id) DO UPDATE SET
  published = EXCLUDED.published, signed_on = EXCLUDED.signed_on, title = EXCLUDED.title,
  institutions = EXCLUDED.institutions,
  institution_kinds = EXCLUDED.institution_kinds, countries = EXCLUDED.countries,
  regions = EXCLUDED.regions, cities = EXCLUDED.cities, fields = EXCLUDED.fields,
  top_fields = EXCLUDED.top_fields
"""

ALL_AGREEMENTS = "SELECT id FROM partnerships_agreement"

# An agreement is in a field's page when the field is one of its fields or their
# top-level fields (fields are two levels deep). Migration 0024 indexes this array.
IN_FIELD = "(fields || top_fields) @> ARRAY[%s]::bigint[]"


def in_use():
    return connection.vendor == "postgresql"


def refresh(agreements):
    """Rewrite the rows of ``agreements`` (a queryset), after a write that affects them."""
    if not in_use() or agreements is None:
        return
    ids, params = agreements.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(REFRESH_SQL % ids, params)


def _rows_of(matching):
    """``(condition, params)`` selecting the facet rows of the ``matching`` agreements."""
    if matching.by_query:
        # Every agreement of the base queryset, or a shared set: by its query, rather
        # than as an array of (nearly) every id sent with each count.
        subquery, params = matching.queryset.values("pk").query.sql_with_params()
        return f"agreement_id IN ({subquery})", list(params)
    return "agreement_id = ANY(%s::bigint[])", [matching.ids_array]


def counts(matching, group_by, limit=None, only=None):
    """``[(value, agreements)]`` of the ``matching`` agreements (``matching.Matching``)
    grouped by ``group_by`` (a key of ``COLUMNS``), most first; ``only``: just these."""
    column = COLUMNS[group_by]
    value = "value"
    sql = f"SELECT value, count(*) FROM {TABLE} facets, unnest(facets.{column}) AS value "
    if group_by == "institution__slug":
        value = "institution.slug"
        sql = (
            f"SELECT {value}, count(*) FROM {TABLE} facets "
            f"CROSS JOIN unnest(facets.{column}) AS value "
            "JOIN partnerships_institution institution ON institution.id = value "
        )
    where, params = _rows_of(matching)
    sql += f"WHERE facets.{where}"
    if only is not None:
        sql += f" AND {value} = ANY(%s)"
        params.append(list(only))
    sql += f" GROUP BY {value} ORDER BY count(*) DESC, {value}"
    if limit:
        sql += " LIMIT %s"
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def counts_together(matching, limits):
    """``{group_by: [(value, agreements)]}`` for several facets of the same ``matching``
    agreements, in one pass over their rows; ``limits``: ``{group_by: most kept, or None}``.
    Each list is ordered as ``counts`` orders it. A request's facets that ignore no active
    filter all count the same set: one query reads its rows once, not once per facet."""
    branches, labels = [], []
    for group_by in limits:
        column = COLUMNS[group_by]
        if group_by == "institution__slug":
            branches.append(
                "SELECT %s, institution.slug, count(*) FROM found "
                f"CROSS JOIN unnest(found.{column}) AS value "
                "JOIN partnerships_institution institution ON institution.id = value "
                "GROUP BY institution.slug"
            )
        else:
            branches.append(
                f"SELECT %s, value, count(*) FROM found, unnest(found.{column}) AS value "
                "GROUP BY value"
            )
        labels.append(group_by)
    columns = ", ".join(COLUMNS[group_by] for group_by in limits)
    where, where_params = _rows_of(matching)
    sql = (
        f"WITH found AS MATERIALIZED (SELECT {columns} FROM {TABLE} WHERE {where}), "
        f"counted (facet, value, agreements) AS ({' UNION ALL '.join(branches)}) "
        "SELECT facet, value, agreements FROM ("
        "  SELECT facet, value, agreements, row_number() OVER ("
        "    PARTITION BY facet ORDER BY agreements DESC, value) AS place FROM counted"
        ") AS ranked JOIN unnest(%s::text[], %s::int[]) AS kept (facet, most) USING (facet) "
        "WHERE kept.most IS NULL OR place <= kept.most ORDER BY facet, place"
    )
    params = [*where_params, *labels, labels, [limits[label] for label in labels]]
    found = {group_by: [] for group_by in limits}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, value, agreements in cursor.fetchall():
            found[facet].append((value, agreements))
    return found


def published_counts(column):
    """``{value: published agreements}`` over the whole directory for one array column
    (``institutions``, ``fields``, …: values as stored, institutions by id), from the rows
    alone: one pass over narrow rows, where the link tables took 90–230 ms a count."""
    if column not in COLUMNS.values():
        raise ValueError(f"No facet column {column!r}.")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT value, count(*) FROM {TABLE} facets, unnest(facets.{column}) AS value "
            "WHERE facets.published GROUP BY value"
        )
        return dict(cursor.fetchall())


def published_in_field(focus_area):
    """The rows of the published agreements in ``focus_area`` or its sub-fields, as a
    queryset (its pk is the agreement's). A field's page is found, counted and ordered
    from them: through the agreement table, the agreements of a top-level field (13,000
    at 100,000 agreements) took 100 ms to find and 140-210 ms to sort by date and title,
    one primary-key probe each; here they take about 15 ms and 5 ms."""
    return _published_in("%s", focus_area.pk)


def published_in_field_slug(slug):
    """``published_in_field`` of the field called ``slug`` (none when no field is), which
    is looked up inside the same query: the list's field filter names fields by slug."""
    return _published_in("(SELECT id FROM partnerships_focusarea WHERE slug = %s)", slug)


def _published_in(field, param):
    """The published rows whose fields hold ``field`` (SQL for one field id, one param)."""
    from .models import AgreementFacets

    in_field = RawSQL(IN_FIELD % field, [param], output_field=BooleanField())
    return AgreementFacets.objects.filter(in_field, published=True)


def most_active_in_field(focus_area, limit):
    """``[(institution id, published agreements)]`` in ``focus_area`` or its sub-fields,
    most first, ties by name: at most ``limit``."""
    # Only the institutions with at least the limit-th count are joined to their names
    # (to break ties): a top-level field counts 8,000 institutions.
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH counted AS ("
            f"  SELECT value, count(*) AS agreements FROM {TABLE} facets, "
            "  unnest(facets.institutions) AS value "
            f"  WHERE facets.published AND {IN_FIELD} GROUP BY value), "
            "least AS (SELECT agreements FROM counted ORDER BY agreements DESC OFFSET %s LIMIT 1) "
            "SELECT institution.id, counted.agreements FROM counted "
            "JOIN partnerships_institution institution ON institution.id = counted.value "
            "WHERE counted.agreements >= COALESCE((SELECT agreements FROM least), 0) "
            "ORDER BY counted.agreements DESC, institution.name LIMIT %s",
            [focus_area.pk, limit - 1, limit],
        )
        return cursor.fetchall()
