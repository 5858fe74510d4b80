"""Downloads: every list page's rows, under the same filters, as CSV and JSON.

One table of columns per record type serves both formats and the documentation on
the API page, so a column's name and meaning are written down exactly once. Column
names are a public contract: add columns at the end, never rename or remove one.

The rows are those of the HTML list under the same query string (the same FilterSet
and the same ordering), every one of them rather than a page, and only published
agreements. Responses stream, and no model instance is built: the list's own columns
are read as tuples with ``values_list(…).iterator(chunk_size=…)`` and, per chunk, each
related list (parties, fields, sources…) in one more ``values_list`` query grouped by
record, so memory stays flat and time goes to writing rows, not to the ORM.
"""

import csv
import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships import caching
from partnerships.filters import (
    AgreementFilterSet,
    FocusAreaFilterSet,
    InstitutionFilterSet,
    PersonFilterSet,
)
from partnerships.in_force import status_of
from partnerships.models import (
    Agreement,
    AgreementKind,
    AgreementSource,
    EstablishedBody,
    FocusArea,
    Institution,
    InstitutionKind,
    InstitutionName,
    Person,
    Position,
)
from partnerships.models.common import choice_label, partial_date_iso
from partnerships.models.querysets import (
    fields_by_agreement,
    grouped,
    in_ids,
    parties_by_agreement,
    public_condition,
)
from partnerships.open_data.timestamps import format_timestamp

# Rows read, and completed with their related lists, at a time. The chunk is most of the
# memory an export holds, so a larger one would not keep it flat between small and large
# downloads (see bench/README.md); the queries per chunk are cheap next to the rows.
CHUNK_SIZE = 1000
# Rows written per chunk of the HTTP response: fewer, larger writes stream faster.
ROWS_PER_WRITE = 200
LIST_SEPARATOR = "; "
# What the ``<slug:…>`` URL converter takes, and needs no quoting in an address.
URL_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# Cells starting with these are read as formulas by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    value: Any  # callable(row, context) -> str | int | list | None; row: a dict (see readers)
    many: bool = False


@dataclass(frozen=True)
class Export:
    """One downloadable record type: its FilterSet, its rows and its columns."""

    slug: str  # agreements, institutions, people, fields
    label: str
    filterset_class: type
    queryset: Any  # callable() -> QuerySet, ordered as on the HTML list
    columns: tuple[Column, ...] = field(default_factory=tuple)
    # callable(queryset) -> iterator of row dicts, in the queryset's order
    reader: Any = None

    @property
    def column_names(self):
        return [column.name for column in self.columns]

    def rows(self, queryset):
        return self.reader(queryset)


class SlugLinks:
    """Absolute addresses of records by slug, reversing each view once, not once per link.

    ``links(view_name, slug)`` is ``absolute(reverse(view_name, kwargs={"slug": slug}))``:
    a slug the URL pattern takes needs no quoting, so the address is the reversed one
    with the slug put in; anything else is reversed as ever (and fails as ever).
    """

    PLACEHOLDER = "slug-placeholder"

    def __init__(self, absolute):
        self.absolute = absolute  # callable(path) -> absolute address
        self.parts = {}  # {view name: (address before the slug, address after it)}

    def __call__(self, view_name, slug):
        if not URL_SLUG.fullmatch(slug):
            return self.absolute(reverse(view_name, kwargs={"slug": slug}))
        parts = self.parts.get(view_name)
        if parts is None:
            path = reverse(view_name, kwargs={"slug": self.PLACEHOLDER})
            start, _, end = self.absolute(path).rpartition(self.PLACEHOLDER)
            parts = self.parts[view_name] = (start, end)
        return f"{parts[0]}{slug}{parts[1]}"


@dataclass(frozen=True)
class RowContext:
    """What every row needs besides its record: the site's address for absolute links,
    and the day of the download, which decides whether each agreement is in force
    (asked once: per row, finding the reader's date took a tenth of a large download)."""

    base_url: str
    links: SlugLinks = field(init=False, compare=False, repr=False)
    today: datetime.date = field(default_factory=timezone.localdate, compare=False)
    # Statuses already worked out, by their inputs: rows signed the same day for the same
    # term share one (a tenth of a large download's time went into working them out).
    statuses: dict = field(init=False, compare=False, repr=False, default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "links", SlugLinks(self.absolute))

    def absolute(self, path):
        return f"{self.base_url}{path}"

    def link(self, view_name, slug):
        """The absolute address of the record ``slug`` of ``view_name``."""
        return self.links(view_name, slug)


def _value(key):
    return lambda row, context: row[key]


def _display(choices, key):
    """The label of the code in ``row[key]`` among ``choices``, as
    ``get_<field>_display()`` writes it: the code itself when it has none."""
    return lambda row, context: choice_label(choices, row[key], row[key])


def _timestamp(key):
    return lambda row, context: format_timestamp(row[key])


# Whole sentences per kind of record, so that each translates as a sentence.
CHANGE_DESCRIPTIONS = {
    "agreement": (
        _("When the agreement was added to the directory (UTC, 2024-05-22T08:30:00.000000Z)."),
        _(
            "When the agreement last changed (same format); follow changes with "
            "updated_since=<this value>."
        ),
    ),
    "institution": (
        _("When the institution was added to the directory (UTC, 2024-05-22T08:30:00.000000Z)."),
        _(
            "When the institution last changed (same format); follow changes with "
            "updated_since=<this value>."
        ),
    ),
    "person": (
        _("When the person was added to the directory (UTC, 2024-05-22T08:30:00.000000Z)."),
        _(
            "When the person last changed (same format); follow changes with "
            "updated_since=<this value>."
        ),
    ),
    "field": (
        _("When the field was added to the directory (UTC, 2024-05-22T08:30:00.000000Z)."),
        _(
            "When the field last changed (same format); follow changes with "
            "updated_since=<this value>."
        ),
    ),
}


def _change_columns(record):
    """When the record was created and last changed: the same columns in every export."""
    added, changed = CHANGE_DESCRIPTIONS[record]
    return (
        Column("created_at", added, _timestamp("created_at")),
        Column("updated_at", changed, _timestamp("updated_at")),
    )


# Statuses a download remembers at most, so that its memory stays level however long
# (5,000 grew a 10,005-row download's peak heap by 4 MB). Rows sharing a status were
# signed the same day, and a download lists them newest first: they are neighbours.
STATUSES_KEPT = 256


def _in_force(row, context):
    """The row's status on the day of the download, worked out once for its three columns
    and once for every row with the same dates and term."""
    if "_in_force" not in row:
        inputs = (
            row["signed_on"],
            row["signed_on_precision"],
            row["term_months"],
            row["ends_on"],
            row["ends_on_precision"],
        )
        status = context.statuses.get(inputs)
        if status is None:
            if len(context.statuses) >= STATUSES_KEPT:
                context.statuses.clear()
            status = context.statuses[inputs] = status_of(*inputs, today=context.today)
        row["_in_force"] = status
    return row["_in_force"]


AGREEMENT_COLUMNS = (
    Column("slug", _("Stable identifier of the agreement."), _value("slug")),
    Column("title", _("Title of the agreement."), _value("title")),
    Column("kind", _("Kind of agreement, as a code (e.g. strategic_cooperation)."), _value("kind")),
    Column("kind_label", _("Kind of agreement, in words."), _display(AgreementKind, "kind")),
    Column(
        "signed_on",
        _(
            "Signing date in ISO 8601 reduced precision: 2024, 2023-12 or 2023-12-25; "
            "empty when the source does not state it."
        ),
        lambda r, c: partial_date_iso(r["signed_on"], r["signed_on_precision"]),
    ),
    Column(
        "signed_on_precision",
        _("How much of the signing date the source states: day, month, year or unknown."),
        _value("signed_on_precision"),
    ),
    Column("place", _("Venue of the signing, as the source names it."), _value("place")),
    Column("city", _("City of the signing."), _value("city")),
    Column("term_months", _("Term in months, when the source states one."), _value("term_months")),
    Column(
        "party_names",
        _("Names of the parties, in the order the source names them."),
        lambda r, c: [party.name for party in r["parties"]],
        many=True,
    ),
    Column(
        "party_slugs",
        _("Identifiers of the parties, in the same order as party_names."),
        lambda r, c: [party.slug for party in r["parties"]],
        many=True,
    ),
    Column(
        "field_names",
        _("Fields (focus areas) the agreement covers."),
        lambda r, c: [field.name for field in r["fields"]],
        many=True,
    ),
    Column(
        "field_slugs",
        _("Identifiers of the fields, in the same order as field_names."),
        lambda r, c: [field.slug for field in r["fields"]],
        many=True,
    ),
    Column(
        "established_bodies",
        _("Institutes, schools, centres or classes the agreement set up."),
        _value("established_bodies"),
        many=True,
    ),
    Column("summary", _("Summary of what the source reports."), _value("summary")),
    Column(
        "source_titles",
        _("Titles of the documents the record was read from."),
        lambda r, c: [title for _, title, _ in r["sources"]],
        many=True,
    ),
    Column(
        "source_urls",
        _(
            "Addresses of those documents, where known (same order as source_titles; "
            "empty where not known)."
        ),
        lambda r, c: [url for _, _, url in r["sources"]],
        many=True,
    ),
    Column(
        "published_at",
        _("When the record was published in the directory (UTC, same format as updated_at)."),
        _timestamp("published_at"),
    ),
    Column(
        "url",
        _("Address of the agreement's page."),
        lambda r, c: c.link("agreement-detail", r["slug"]),
    ),
    Column(
        "in_force",
        _(
            "Whether the agreement is in force on the day of the download: in_force, ended "
            "or unknown (no date, no term, or an end window that includes today)."
        ),
        lambda r, c: _in_force(r, c).status,
    ),
    Column(
        "expected_end",
        _(
            "When it ends, as precisely as the signing date and term (or a stated end) allow, "
            "in ISO 8601: 2026-05-18, 2026-12, 2027 or an interval 2025-07/2026-06; empty "
            "when unknown."
        ),
        lambda r, c: _in_force(r, c).expected_end,
    ),
    Column(
        "in_force_reason",
        _("Why, in words: “Signed in 2024 for 3 years: ends during 2027.”"),
        lambda r, c: _in_force(r, c).reason,
    ),
    *_change_columns("agreement"),
)

INSTITUTION_COLUMNS = (
    Column("slug", _("Stable identifier of the institution."), _value("slug")),
    Column("name", _("Official English name."), _value("name")),
    Column("kind", _("Kind of institution, as a code (e.g. hospital)."), _value("kind")),
    Column("kind_label", _("Kind of institution, in words."), _display(InstitutionKind, "kind")),
    Column(
        "other_names",
        _("Abbreviations, aliases and names in other languages."),
        _value("other_names"),
        many=True,
    ),
    Column("city", _("City."), _value("city")),
    Column("region", _("Province, municipality or SAR."), _value("region")),
    Column("country", _("Country."), _value("country")),
    Column("website", _("Official website."), _value("website")),
    Column("ror_id", _("ROR identifier, only where verified."), _value("ror_id")),
    Column("wikidata_id", _("Wikidata identifier, only where verified."), _value("wikidata_id")),
    Column(
        "agreement_count",
        _("Number of published agreements it is a party to."),
        _value("agreement_count"),
    ),
    Column(
        "url",
        _("Address of the institution's page."),
        lambda r, c: c.link("institution-detail", r["slug"]),
    ),
    *_change_columns("institution"),
)

PERSON_COLUMNS = (
    Column("slug", _("Stable identifier of the person."), _value("slug")),
    Column(
        "name",
        _("Name in the person's own order (Wang Chen, Nancy Ip)."),
        # The model's own rule, read from the row rather than from an instance.
        lambda r, c: Person.display_name.fget(_Attributes(r)),
    ),
    Column("family_name", _("Family name."), _value("family_name")),
    Column("given_name", _("Given name."), _value("given_name")),
    Column(
        "name_order",
        _("Display order of the name: family_first or given_first."),
        _value("name_order"),
    ),
    Column("native_name", _("Name in its native script, where certain."), _value("native_name")),
    Column("honorifics", _("Titles the sources use (Prof., Academician)."), _value("honorifics")),
    Column(
        "positions",
        _("Positions held, as “title, institution”, as of the dates the sources report."),
        lambda r, c: [f"{title}, {name}" for title, name, _ in r["positions"]],
        many=True,
    ),
    Column(
        "position_institution_slugs",
        _("Identifiers of the institutions of those positions, in the same order."),
        lambda r, c: [slug for _, _, slug in r["positions"]],
        many=True,
    ),
    Column(
        "agreement_count",
        _("Number of published agreements at whose signing the person took part."),
        _value("agreement_count"),
    ),
    Column(
        "url", _("Address of the person's page."), lambda r, c: c.link("person-detail", r["slug"])
    ),
    *_change_columns("person"),
)

FIELD_COLUMNS = (
    Column("slug", _("Stable identifier of the field."), _value("slug")),
    Column("name", _("Name of the field."), _value("name")),
    Column(
        "parent_slug",
        _("Identifier of the broader field; empty for a top-level field."),
        _value("parent_slug"),
    ),
    Column("parent_name", _("Name of the broader field."), _value("parent_name")),
    Column("description", _("What the field covers."), _value("description")),
    Column(
        "agreement_count",
        _("Number of published agreements in the field, its sub-fields included."),
        _value("agreement_count"),
    ),
    Column(
        "url", _("Address of the field's page."), lambda r, c: c.link("focusarea-detail", r["slug"])
    ),
    *_change_columns("field"),
)


class _Attributes:
    """A row dict read as attributes, for a model property that only reads fields."""

    __slots__ = ("row",)

    def __init__(self, row):
        self.row = row

    def __getattr__(self, name):
        return self.row[name]


def agreement_rows():
    # As on the agreement list (whose FilterSet sets the order), but published only.
    return (
        Agreement.objects.published()
        .for_list()
        .prefetch_related("sources", "established_bodies")
        .newest_first()
    )


def institution_rows():
    return Institution.objects.public().in_name_order()


def person_rows():
    return Person.objects.public().in_name_order()


def field_rows():
    # Each top-level field followed by its sub-fields, as on the field list; counted by
    # read_fields().
    return FocusArea.objects.in_tree_order()


def read(queryset, names, attach=None):
    """Row dicts of ``queryset``'s ``names``, in its order, read ``CHUNK_SIZE`` at a time.

    ``names`` starts with ``"pk"``. ``attach(chunk)`` adds each row's related lists, a few
    queries per chunk. Only one chunk is held at a time: it is let go before the next
    one is read, so memory stays level however many rows there are.
    """
    rows = queryset.prefetch_related(None).values_list(*names).iterator(chunk_size=CHUNK_SIZE)
    chunk = []
    for values in rows:
        chunk.append(dict(zip(names, values, strict=True)))
        if len(chunk) >= CHUNK_SIZE:
            if attach:
                attach(chunk)
            yield from chunk
            chunk = []
    if attach and chunk:
        attach(chunk)
    yield from chunk


def _first(item):
    return item[0]


AGREEMENT_NAMES = (
    "pk",
    "slug",
    "title",
    "kind",
    "signed_on",
    "signed_on_precision",
    "place",
    "city",
    "term_months",
    "summary",
    "published_at",
    "ends_on",
    "ends_on_precision",
    "created_at",
    "updated_at",
)


def attach_agreement_lists(chunk):
    ids = [row["pk"] for row in chunk]
    parties = parties_by_agreement(ids)
    fields = fields_by_agreement(ids)
    bodies = grouped(
        EstablishedBody.objects.filter(in_ids("agreement_id", ids))
        .order_by()
        .values_list("agreement_id", "name"),
        sort=str,
    )
    sources = grouped(
        AgreementSource.objects.filter(in_ids("agreement_id", ids))
        .order_by()
        .values_list("agreement_id", "source__slug", "source__title", "source__url"),
        sort=_first,
    )
    for row in chunk:
        pk = row["pk"]
        row["parties"] = parties.get(pk, ())
        row["fields"] = fields.get(pk, ())
        row["established_bodies"] = bodies.get(pk, [])
        row["sources"] = sources.get(pk, ())


def read_agreements(queryset):
    return read(queryset, AGREEMENT_NAMES, attach_agreement_lists)


INSTITUTION_NAMES = (
    "pk",
    "slug",
    "name",
    "kind",
    "city",
    "region",
    "country",
    "website",
    "ror_id",
    "wikidata_id",
    "agreement_count",
    "created_at",
    "updated_at",
)


def attach_other_names(chunk):
    # In the model's order of other names, as ``names.all()`` gives them.
    other_names = grouped(
        InstitutionName.objects.filter(in_ids("institution_id", (row["pk"] for row in chunk)))
        .order_by("institution_id", *InstitutionName._meta.ordering)
        .values_list("institution_id", "name")
    )
    for row in chunk:
        row["other_names"] = other_names.get(row["pk"], [])


def read_institutions(queryset):
    return read(queryset, INSTITUTION_NAMES, attach_other_names)


PERSON_NAMES = (
    "pk",
    "slug",
    "family_name",
    "given_name",
    "name_order",
    "native_name",
    "honorifics",
    "agreement_count",
    "created_at",
    "updated_at",
)


def attach_positions(chunk):
    # In the model's order of a person's positions (newest first, then by institution),
    # as ``positions.all()`` gives them; the id settles ties.
    positions = grouped(
        Position.objects.filter(in_ids("person_id", (row["pk"] for row in chunk)))
        .filter(public_condition(Institution, via="institution__"))
        .order_by("person_id", "-as_of", "institution__name", "id")
        .values_list("person_id", "title", "institution__name", "institution__slug")
    )
    for row in chunk:
        row["positions"] = positions.get(row["pk"], ())


def read_people(queryset):
    return read(queryset, PERSON_NAMES, attach_positions)


def read_fields(queryset):
    # Counted for every field in two grouped queries, cached as for the field list, rather
    # than by a subquery per row.
    counts = caching.focus_area_counts()
    names = (
        "pk",
        "slug",
        "name",
        "parent_slug",
        "parent_name",
        "description",
        "created_at",
        "updated_at",
    )
    queryset = queryset.annotate(parent_slug=F("parent__slug"), parent_name=F("parent__name"))
    for row in read(queryset, names):
        row["agreement_count"] = counts.get(row["pk"], 0)
        yield row


EXPORTS = {
    export.slug: export
    for export in (
        Export(
            "agreements",
            _("Agreements"),
            AgreementFilterSet,
            agreement_rows,
            AGREEMENT_COLUMNS,
            read_agreements,
        ),
        Export(
            "institutions",
            _("Institutions"),
            InstitutionFilterSet,
            institution_rows,
            INSTITUTION_COLUMNS,
            read_institutions,
        ),
        Export("people", _("People"), PersonFilterSet, person_rows, PERSON_COLUMNS, read_people),
        Export("fields", _("Fields"), FocusAreaFilterSet, field_rows, FIELD_COLUMNS, read_fields),
    )
}


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
    for row in export.rows(queryset):
        lines.append(
            writer.writerow(
                [csv_cell(column, column.value(row, context)) for column in export.columns]
            )
        )
        if len(lines) >= ROWS_PER_WRITE:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def json_value(value):
    """A missing value is ``null`` in JSON, never ``""`` (CSV writes both as an empty
    cell); in a list too, so that parallel lists keep their positions."""
    if value == "":
        return None
    if isinstance(value, list | tuple):
        return [None if item == "" else item for item in value]
    return value


def json_record(export, row, context):
    return {column.name: json_value(column.value(row, context)) for column in export.columns}


def stream_json(export, queryset, context):
    """A JSON array of objects keyed by column name, written one record at a time."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    yield "["
    separator = "\n"
    pieces = []
    for row in export.rows(queryset):
        pieces.append(separator + encoder.encode(json_record(export, row, context)))
        separator = ",\n"
        if len(pieces) >= ROWS_PER_WRITE:
            yield "".join(pieces)
            pieces = []
    yield "".join(pieces) + "\n]\n"
