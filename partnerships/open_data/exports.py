"""Downloads: every list page's rows, under the same filters, as CSV and JSON.

One table of columns per record type serves both formats and the documentation on
the API page, so a column's name and meaning are written down exactly once. Column
names are a public contract: add columns at the end, never rename or remove one.

The rows are those of the HTML list under the same query string (the same FilterSet
and the same ordering), every one of them rather than a page, and only published
agreements. Responses stream: rows are read with ``iterator(chunk_size=…)`` and
prefetched chunk by chunk, so memory stays flat however many rows there are.
"""

import csv
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django.db.models.functions import Coalesce

from partnerships.filters import (
    AgreementFilterSet,
    FocusAreaFilterSet,
    InstitutionFilterSet,
    PersonFilterSet,
)
from partnerships.models import Agreement, FocusArea, Institution, Person

CHUNK_SIZE = 1000
# Rows written per chunk of the HTTP response: fewer, larger writes stream faster.
ROWS_PER_WRITE = 200
LIST_SEPARATOR = "; "
# Cells starting with these are read as formulas by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    value: Any  # callable(record, context) -> str | int | list | None
    many: bool = False


@dataclass(frozen=True)
class Export:
    """One downloadable record type: its FilterSet, its rows and its columns."""

    slug: str  # agreements, institutions, people, fields
    label: str
    filterset_class: type
    queryset: Any  # callable() -> QuerySet, ordered as on the HTML list
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def column_names(self):
        return [column.name for column in self.columns]


@dataclass(frozen=True)
class RowContext:
    """What every row needs besides its record: the site's address for absolute links."""

    base_url: str

    def absolute(self, path):
        return f"{self.base_url}{path}"


def _names(items):
    return [item.name for item in items]


def _slugs(items):
    return [item.slug for item in items]


def _parties(agreement):
    return [link.institution for link in agreement.party_links.all()]


def _focus_areas(agreement):
    return sorted(agreement.focus_areas.all(), key=lambda area: area.name)


def _sources(agreement):
    return sorted(agreement.sources.all(), key=lambda source: source.slug)


def _iso(value):
    return value.isoformat() if value else None


AGREEMENT_COLUMNS = (
    Column("slug", "Stable identifier of the agreement.", lambda a, c: a.slug),
    Column("title", "Title of the agreement.", lambda a, c: a.title),
    Column(
        "kind", "Kind of agreement, as a code (e.g. strategic_cooperation).", lambda a, c: a.kind
    ),
    Column("kind_label", "Kind of agreement, in words.", lambda a, c: a.get_kind_display()),
    Column(
        "signed_on",
        "Signing date in ISO 8601 reduced precision: 2024, 2023-12 or 2023-12-25; "
        "empty when the source does not state it.",
        lambda a, c: a.signed_on_iso,
    ),
    Column(
        "signed_on_precision",
        "How much of the signing date the source states: day, month, year or unknown.",
        lambda a, c: a.signed_on_precision,
    ),
    Column("place", "Venue of the signing, as the source names it.", lambda a, c: a.place),
    Column("city", "City of the signing.", lambda a, c: a.city),
    Column(
        "term_months", "Term in months, when the source states one.", lambda a, c: a.term_months
    ),
    Column(
        "party_names",
        "Names of the parties, in the order the source names them.",
        lambda a, c: _names(_parties(a)),
        many=True,
    ),
    Column(
        "party_slugs",
        "Identifiers of the parties, in the same order as party_names.",
        lambda a, c: _slugs(_parties(a)),
        many=True,
    ),
    Column(
        "field_names",
        "Fields (focus areas) the agreement covers.",
        lambda a, c: _names(_focus_areas(a)),
        many=True,
    ),
    Column(
        "field_slugs",
        "Identifiers of the fields, in the same order as field_names.",
        lambda a, c: _slugs(_focus_areas(a)),
        many=True,
    ),
    Column(
        "established_bodies",
        "Institutes, schools, centres or classes the agreement set up.",
        lambda a, c: sorted(body.name for body in a.established_bodies.all()),
        many=True,
    ),
    Column("summary", "Summary of what the source reports.", lambda a, c: a.summary),
    Column(
        "source_titles",
        "Titles of the documents the record was read from.",
        lambda a, c: [source.title for source in _sources(a)],
        many=True,
    ),
    Column(
        "source_urls",
        "Addresses of those documents, where known (same order as source_titles; "
        "empty where not known).",
        lambda a, c: [source.url for source in _sources(a)],
        many=True,
    ),
    Column(
        "published_at",
        "When the record was published in the directory (ISO 8601, UTC).",
        lambda a, c: _iso(a.published_at),
    ),
    Column(
        "url", "Address of the agreement's page.", lambda a, c: c.absolute(a.get_absolute_url())
    ),
)

INSTITUTION_COLUMNS = (
    Column("slug", "Stable identifier of the institution.", lambda i, c: i.slug),
    Column("name", "Official English name.", lambda i, c: i.name),
    Column("kind", "Kind of institution, as a code (e.g. hospital).", lambda i, c: i.kind),
    Column("kind_label", "Kind of institution, in words.", lambda i, c: i.get_kind_display()),
    Column(
        "other_names",
        "Abbreviations, aliases and names in other languages.",
        lambda i, c: [name.name for name in i.names.all()],
        many=True,
    ),
    Column("city", "City.", lambda i, c: i.city),
    Column("region", "Province, municipality or SAR.", lambda i, c: i.region),
    Column("country", "Country.", lambda i, c: i.country),
    Column("website", "Official website.", lambda i, c: i.website),
    Column("ror_id", "ROR identifier, only where verified.", lambda i, c: i.ror_id),
    Column("wikidata_id", "Wikidata identifier, only where verified.", lambda i, c: i.wikidata_id),
    Column(
        "agreement_count",
        "Number of published agreements it is a party to.",
        lambda i, c: i.agreement_count,
    ),
    Column(
        "url",
        "Address of the institution's page.",
        lambda i, c: c.absolute(i.get_absolute_url()),
    ),
)

PERSON_COLUMNS = (
    Column("slug", "Stable identifier of the person.", lambda p, c: p.slug),
    Column("name", "Name in the person's own order (Wang Chen, Nancy Ip).", lambda p, c: str(p)),
    Column("family_name", "Family name.", lambda p, c: p.family_name),
    Column("given_name", "Given name.", lambda p, c: p.given_name),
    Column(
        "name_order",
        "Display order of the name: family_first or given_first.",
        lambda p, c: p.name_order,
    ),
    Column("native_name", "Name in its native script, where certain.", lambda p, c: p.native_name),
    Column("honorifics", "Titles the sources use (Prof., Academician).", lambda p, c: p.honorifics),
    Column(
        "positions",
        "Positions held, as “title, institution”, as of the dates the sources report.",
        lambda p, c: [f"{pos.title}, {pos.institution.name}" for pos in p.positions.all()],
        many=True,
    ),
    Column(
        "position_institution_slugs",
        "Identifiers of the institutions of those positions, in the same order.",
        lambda p, c: [pos.institution.slug for pos in p.positions.all()],
        many=True,
    ),
    Column(
        "agreement_count",
        "Number of published agreements at whose signing the person took part.",
        lambda p, c: p.agreement_count,
    ),
    Column("url", "Address of the person's page.", lambda p, c: c.absolute(p.get_absolute_url())),
)

FIELD_COLUMNS = (
    Column("slug", "Stable identifier of the field.", lambda f, c: f.slug),
    Column("name", "Name of the field.", lambda f, c: f.name),
    Column(
        "parent_slug",
        "Identifier of the broader field; empty for a top-level field.",
        lambda f, c: f.parent.slug if f.parent_id else None,
    ),
    Column(
        "parent_name",
        "Name of the broader field.",
        lambda f, c: f.parent.name if f.parent_id else None,
    ),
    Column("description", "What the field covers.", lambda f, c: f.description),
    Column(
        "agreement_count",
        "Number of published agreements in the field, its sub-fields included.",
        lambda f, c: f.agreement_count,
    ),
    Column("url", "Address of the field's page.", lambda f, c: c.absolute(f.get_absolute_url())),
)


def agreement_rows():
    # As on the agreement list (whose FilterSet sets the order), but published only.
    return (
        Agreement.objects.published()
        .for_list()
        .prefetch_related("sources", "established_bodies")
        .order_by("-signed_on", "title", "pk")
    )


def institution_rows():
    return Institution.objects.for_list().order_by("name", "pk")


def person_rows():
    return Person.objects.for_list().order_by("family_name", "given_name", "pk")


def field_rows():
    # Each top-level field followed by its sub-fields, as on the field list.
    return (
        FocusArea.objects.with_agreement_counts()
        .select_related("parent")
        .annotate(tree_name=Coalesce("parent__name", "name"))
        .order_by("tree_name", F("parent").asc(nulls_first=True), "name")
    )


EXPORTS = {
    export.slug: export
    for export in (
        Export("agreements", "Agreements", AgreementFilterSet, agreement_rows, AGREEMENT_COLUMNS),
        Export(
            "institutions",
            "Institutions",
            InstitutionFilterSet,
            institution_rows,
            INSTITUTION_COLUMNS,
        ),
        Export("people", "People", PersonFilterSet, person_rows, PERSON_COLUMNS),
        Export("fields", "Fields", FocusAreaFilterSet, field_rows, FIELD_COLUMNS),
    )
}


def records(queryset):
    """Every row of ``queryset``, read and prefetched ``CHUNK_SIZE`` at a time."""
    for record in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield record
        # Prefetched rows point back at their record, a reference cycle that only the
        # cyclic garbage collector would free, late: break it once the row is written,
        # so each chunk's memory is returned as soon as the next chunk is read.
        record.__dict__.pop("_prefetched_objects_cache", None)


def neutralise(text):
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    if text and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_cell(column, value):
    if value is None:
        return ""
    if column.many:
        value = LIST_SEPARATOR.join(str(item) for item in value if item is not None)
    return neutralise(str(value))


class _Echo:
    """A file-like object whose ``write`` returns what it was given, for ``csv.writer``."""

    def write(self, value):
        return value


def stream_csv(export, queryset, context):
    """The CSV file, a few hundred rows per chunk: a header, then one line per record."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(export.column_names)  # BOM: spreadsheets read UTF-8.
    lines = []
    for record in records(queryset):
        lines.append(
            writer.writerow(
                [csv_cell(column, column.value(record, context)) for column in export.columns]
            )
        )
        if len(lines) >= ROWS_PER_WRITE:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def json_record(export, record, context):
    return {column.name: column.value(record, context) for column in export.columns}


def stream_json(export, queryset, context):
    """A JSON array of objects keyed by column name, written one record at a time."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    yield "["
    separator = "\n"
    pieces = []
    for record in records(queryset):
        pieces.append(separator + encoder.encode(json_record(export, record, context)))
        separator = ",\n"
        if len(pieces) >= ROWS_PER_WRITE:
            yield "".join(pieces)
            pieces = []
    yield "".join(pieces) + "\n]\n"
