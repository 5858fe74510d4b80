"""Bulk dumps: everything published, every table and relation, dated and versioned.

A dump is one zip archive holding the same tables twice, as CSV files described by a
Frictionless ``datapackage.json`` (every column typed) and as JSON Lines, plus a manifest
beside the archive with its size, SHA-256 checksum, row counts and what changed since
the previous dump. ``manage.py dump_open_data`` writes one; ``/data/`` lists them.

Columns are the models' own fields (search text and vectors, which are derived, are
left out), so the dump loads back into an empty database as it was
(:func:`load_dump`). Identifiers are the database ids, with slugs beside them where a
record has one; foreign keys are ``<name>_id`` columns declared as Frictionless
``foreignKeys``. Dates a source states only in part (a signing "in 2024") are written
as text in ISO 8601 reduced precision (``2024``, ``2023-12``, ``2023-12-25``) beside
their precision; a missing value is an empty CSV cell and a JSON ``null``. The
``old_slugs`` table keeps every slug a dumped record had before a rename or merge, so a
consumer holding an old identifier can follow it to the record.
"""

import csv
import datetime
import hashlib
import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from itertools import batched
from pathlib import Path

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db import models as django_models
from django.db.models import Q
from django.utils import timezone

from partnerships import models, write_path
from partnerships.licence import data_licence
from partnerships.models.common import partial_date_iso
from partnerships.models.querysets import public_condition
from partnerships.open_data.timestamps import format_timestamp, parse_timestamp

CHUNK_SIZE = 2000
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
DUMP_NAME = re.compile(r"^partnerships-(?P<date>\d{4}-\d{2}-\d{2})-v(?P<number>\d+)$")
# Identifiers named on the changelog per table and kind of change; counts are always full.
CHANGELOG_LISTED = 50


def _published_agreement_rows(model):
    return model.objects.filter(agreement__status=models.AgreementStatus.PUBLISHED)


def _redirects_to_published_records():
    """Old slugs of the records in the dump: an agreement's only while it is published,
    an institution's or person's only while it is public."""
    return (
        models.SlugRedirect.objects.exclude(
            Q(model=models.AddressedModel.AGREEMENT)
            & ~Q(object_id__in=models.Agreement.objects.published().values("pk"))
        )
        .exclude(
            Q(model=models.AddressedModel.INSTITUTION)
            & ~Q(object_id__in=models.Institution.objects.public().values("pk"))
        )
        .exclude(
            Q(model=models.AddressedModel.PERSON)
            & ~Q(object_id__in=models.Person.objects.public().values("pk"))
        )
    )


def _public_rows(model, **via):
    """Rows of ``model`` whose institutions and people readers may see."""
    rows = model.objects.all()
    for key, path in via.items():
        rows = rows.filter(public_condition("Person" if key == "person" else "Institution", path))
    return rows


@dataclass(frozen=True)
class Table:
    """One model as one resource of the dump: its name, rows and description."""

    name: str
    model: type
    description: str
    rows: object = None  # callable() -> QuerySet of the published rows; all rows when None

    def queryset(self):
        queryset = self.rows() if self.rows else self.model.objects.all()
        if self.model is models.FocusArea:
            # Top-level fields first, so that each row's parent is already loaded.
            return queryset.order_by(django_models.F("parent").asc(nulls_first=True), "pk")
        return queryset.order_by("pk")

    @property
    def fields(self):
        rebuilt = write_path.REBUILT_COLUMNS
        return [field for field in self.model._meta.concrete_fields if field.name not in rebuilt]


# Each table after every table it refers to, so that the dump loads front to back.
TABLES = (
    Table("sources", models.Source, "The documents every fact is read from."),
    Table("source_credits", models.SourceCredit, "People a source credits, as printed."),
    Table("fields", models.FocusArea, "Fields of cooperation (focus areas), two levels."),
    Table(
        "institutions",
        models.Institution,
        "Universities, hospitals, academies…",
        lambda: models.Institution.objects.public(),
    ),
    Table(
        "institution_names",
        models.InstitutionName,
        "Other names of institutions (acronyms, aliases, labels in other languages).",
        lambda: _public_rows(models.InstitutionName, institution="institution__"),
    ),
    Table(
        "institution_relations",
        models.InstitutionRelation,
        "Typed links between institutions: subject part of / affiliated with / related to object.",
        lambda: _public_rows(
            models.InstitutionRelation, institution="subject__", other_institution="object__"
        ),
    ),
    Table(
        "people",
        models.Person,
        "People named in the sources.",
        lambda: models.Person.objects.public(),
    ),
    Table(
        "positions",
        models.Position,
        "Titles people held at institutions, as of a date.",
        lambda: _public_rows(models.Position, institution="institution__", person="person__"),
    ),
    Table(
        "agreements",
        models.Agreement,
        "Published agreements between institutions.",
        lambda: models.Agreement.objects.published(),
    ),
    Table(
        "agreement_parties",
        models.AgreementParty,
        "Institutions party to each agreement, in the source's order.",
        lambda: _published_agreement_rows(models.AgreementParty),
    ),
    Table(
        "agreement_sources",
        models.AgreementSource,
        "Sources each agreement is read from.",
        lambda: _published_agreement_rows(models.AgreementSource),
    ),
    Table(
        "agreement_fields",
        models.AgreementFocusArea,
        "Fields each agreement covers.",
        lambda: _published_agreement_rows(models.AgreementFocusArea),
    ),
    Table(
        "participations",
        models.Participation,
        "Who did what at each signing (signed, witnessed, presided…), on whose behalf "
        "and in which position.",
        lambda: _published_agreement_rows(models.Participation),
    ),
    Table(
        "established_bodies",
        models.EstablishedBody,
        "Institutes, schools, centres and classes the agreements set up.",
        lambda: _published_agreement_rows(models.EstablishedBody),
    ),
    Table(
        "old_slugs",
        models.SlugRedirect,
        "Slugs records were known by before they were renamed or merged into another: "
        "old_slug of a record of type model now leads to the record whose id is object_id "
        "(in the table of that type: agreements, institutions, people, fields or sources).",
        lambda: _redirects_to_published_records(),
    ),
)
TABLES_BY_MODEL = {table.model: table for table in TABLES}


def _precision_field_name(model, field):
    """``signed_on_precision`` for ``signed_on`` when the model has one, else ``None``."""
    name = f"{field.name}_precision"
    return name if any(f.name == name for f in model._meta.concrete_fields) else None


def _column_schema(model, field):
    """A Frictionless field descriptor for one model field."""
    descriptor = {"name": field.attname}
    if field.verbose_name and field.attname != "id":
        descriptor["title"] = str(field.verbose_name)
    if field.help_text:
        descriptor["description"] = str(field.help_text)
    if field.primary_key or isinstance(field, django_models.ForeignKey):
        descriptor["type"] = "integer"
    elif isinstance(field, django_models.BooleanField):
        descriptor["type"] = "boolean"
    elif isinstance(field, django_models.DateTimeField):
        descriptor["type"] = "datetime"
        descriptor["description"] = "UTC, RFC 3339 (e.g. 2024-05-22T08:30:00.000000Z)."
    elif isinstance(field, django_models.DateField):
        if _precision_field_name(model, field):
            descriptor["type"] = "string"
            descriptor["description"] = (
                "ISO 8601 reduced precision: 2024, 2023-12 or 2023-12-25, as precise as the "
                f"source states it (see {field.name}_precision); empty when not stated."
            )
            descriptor["constraints"] = {"pattern": PARTIAL_DATE_PATTERN}
        else:
            descriptor["type"] = "date"
    elif isinstance(field, django_models.IntegerField):
        descriptor["type"] = "integer"
    else:
        descriptor["type"] = "string"
    constraints = descriptor.setdefault("constraints", {})
    if field.primary_key or not (field.null or field.blank):
        constraints["required"] = True
    if field.choices:
        constraints["enum"] = [str(value) for value, _ in field.flatchoices]
    if field.primary_key or (field.unique and not field.null):
        constraints["unique"] = True
    if not constraints:
        del descriptor["constraints"]
    return descriptor


def table_schema(table):
    """The Frictionless Table Schema of one table: typed fields, keys, foreign keys."""
    foreign_keys = [
        {
            "fields": field.attname,
            "reference": {
                "resource": TABLES_BY_MODEL[field.related_model].name,
                "fields": "id",
            },
        }
        for field in table.fields
        if isinstance(field, django_models.ForeignKey)
    ]
    schema = {
        "fields": [_column_schema(table.model, field) for field in table.fields],
        "missingValues": [""],
        "primaryKey": "id",
    }
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def row_values(table, record):
    """One record (a ``values()`` dict) as dump values: JSON types, ``None`` when missing."""
    row = {}
    for field in table.fields:
        value = record[field.attname]
        if isinstance(field, django_models.DateTimeField):
            value = format_timestamp(value)
        elif isinstance(field, django_models.DateField):
            precision_name = _precision_field_name(table.model, field)
            if precision_name:
                value = partial_date_iso(value, record[precision_name])
            elif value is not None:
                value = value.isoformat()
        if value == "":
            value = None
        row[field.attname] = value
    return row


def table_rows(table):
    """Every published row of ``table``, in id order, read in chunks."""
    names = [field.attname for field in table.fields]
    for record in table.queryset().values(*names).iterator(chunk_size=CHUNK_SIZE):
        yield row_values(table, record)


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _row_digest(row):
    return hashlib.sha256(json.dumps(row, sort_keys=True).encode()).digest()[:16]


def _row_key(table, row):
    """How the changelog names a row: its slug when it has one (an old slug as
    ``model/old_slug``), else its id."""
    if "old_slug" in row:
        return f"{row['model']}/{row['old_slug']}"
    return row.get("slug") or row["id"]


def datapackage(name, version, created):
    licence = data_licence()
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": name.lower(),
        "title": f"{settings.SITE_NAME}: university–hospital partnerships",
        "description": (
            "Every published agreement between universities and hospitals in the directory, "
            "with its parties, who signed for whom and in which position, the fields it "
            "covers, what it set up, and the sources every fact is read from."
        ),
        "version": version,
        "created": created,
        "licenses": [
            {"name": licence.spdx, "path": licence.url, "title": licence.title},
        ],
        "resources": [
            {
                "name": table.name,
                "path": f"csv/{table.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": table.description,
                "schema": table_schema(table),
            }
            for table in TABLES
        ],
    }


@dataclass
class DumpInfo:
    """A written dump as the site lists it (read from the manifest beside the archive)."""

    name: str
    archive: Path
    manifest: dict

    @property
    def number(self):
        return int(DUMP_NAME.match(self.name)["number"])


def dumps_dir():
    return Path(settings.OPEN_DATA_DUMPS_DIR)


def existing_dumps(directory=None):
    """Every complete dump in ``directory``, newest first."""
    directory = Path(directory) if directory else dumps_dir()
    found = []
    if not directory.is_dir():
        return found
    for manifest_path in directory.glob("partnerships-*.json"):
        name = manifest_path.stem
        archive = manifest_path.with_suffix(".zip")
        if DUMP_NAME.match(name) and archive.is_file():
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            found.append(DumpInfo(name, archive, manifest))
    return sorted(found, key=lambda dump: dump.number, reverse=True)


def _previous_digests(previous):
    """``{table: {key: digest}}`` of the rows in an earlier dump's JSON Lines."""
    digests = {}
    with zipfile.ZipFile(previous.archive) as archive:
        for table in TABLES:
            member = f"jsonl/{table.name}.jsonl"
            if member not in archive.namelist():
                continue
            with archive.open(member) as lines:
                digests[table.name] = {
                    _row_key(table, row): _row_digest(row)
                    for row in map(json.loads, io.TextIOWrapper(lines, encoding="utf-8"))
                }
    return digests


def _changes(table, before, after):
    """Added, removed and changed keys of one table between two dumps."""
    added = [key for key in after if key not in before]
    removed = [key for key in before if key not in after]
    changed = [key for key, digest in after.items() if key in before and before[key] != digest]
    return {
        kind: {"count": len(keys), "listed": keys[:CHANGELOG_LISTED]}
        for kind, keys in (("added", added), ("removed", removed), ("changed", changed))
    }


def _file_digest(path):
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_table(table, staging):
    """Write one table as CSV and JSON Lines; return ``{key: digest}`` of its rows."""
    names = [field.attname for field in table.fields]
    digests = {}
    with (
        (staging / "csv" / f"{table.name}.csv").open("w", encoding="utf-8", newline="") as csv_file,
        (staging / "jsonl" / f"{table.name}.jsonl").open("w", encoding="utf-8") as jsonl_file,
    ):
        writer = csv.writer(csv_file)
        writer.writerow(names)
        for chunk in batched(table_rows(table), CHUNK_SIZE):
            writer.writerows([[_csv_cell(row[name]) for name in names] for row in chunk])
            for row in chunk:
                jsonl_file.write(json.dumps(row, ensure_ascii=False) + "\n")
                digests[_row_key(table, row)] = _row_digest(row)
    return digests


def write_dump(directory=None, today=None):
    """Write the next dump into ``directory`` and return its :class:`DumpInfo`.

    The rows are read in one repeatable-read transaction where the database has one,
    so every table is of the same moment. The archive and manifest are written under
    temporary names and renamed at the end: a failed run leaves no half dump listed.
    """
    directory = Path(directory) if directory else dumps_dir()
    directory.mkdir(parents=True, exist_ok=True)
    earlier = existing_dumps(directory)
    number = earlier[0].number + 1 if earlier else 1
    created = format_timestamp(timezone.now())
    today = today or timezone.now().date()
    name = f"partnerships-{today.isoformat()}-v{number}"
    version = f"{number}.0.0"
    previous = _previous_digests(earlier[0]) if earlier else None

    archive_path = directory / f"{name}.zip"
    partial_archive = directory / f"{name}.zip.partial"
    counts, digests = {}, {}
    with tempfile.TemporaryDirectory(dir=directory) as staging_name:
        staging = Path(staging_name)
        (staging / "csv").mkdir()
        (staging / "jsonl").mkdir()
        with transaction.atomic():
            for table in TABLES:
                digests[table.name] = _write_table(table, staging)
                counts[table.name] = len(digests[table.name])
        changes = (
            {
                table.name: _changes(table, previous.get(table.name, {}), digests[table.name])
                for table in TABLES
            }
            if previous is not None
            else None
        )
        package = datapackage(name, version, created)
        (staging / "datapackage.json").write_text(
            json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        (staging / "CHANGES.json").write_text(
            json.dumps(
                {"previous": earlier[0].name if earlier else None, "tables": changes},
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
        with zipfile.ZipFile(partial_archive, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for member in ("datapackage.json", "CHANGES.json"):
                archive.write(staging / member, member)
            for table in TABLES:
                for member in (f"csv/{table.name}.csv", f"jsonl/{table.name}.jsonl"):
                    archive.write(staging / member, member)
    partial_archive.replace(archive_path)
    manifest = {
        "name": name,
        "version": version,
        "created": created,
        "licence": data_licence().spdx,
        "file": archive_path.name,
        "bytes": archive_path.stat().st_size,
        "sha256": _file_digest(archive_path),
        "counts": counts,
        "previous": earlier[0].name if earlier else None,
        "changes": changes,
    }
    manifest_path = directory / f"{name}.json"
    partial_manifest = directory / f"{name}.json.partial"
    partial_manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    partial_manifest.replace(manifest_path)
    return DumpInfo(name, archive_path, manifest)


def _model_value(table, field, row):
    """A dump value back as the model field's value."""
    value = row.get(field.attname)
    if value is None:
        return "" if not field.null and _is_text(field) else None
    if isinstance(field, django_models.DateTimeField):
        return parse_timestamp(value)
    if isinstance(field, django_models.DateField):
        precision_name = _precision_field_name(table.model, field)
        if precision_name:
            padded = {4: "-01-01", 7: "-01"}.get(len(value), "")
            return datetime.date.fromisoformat(value + padded)
        return datetime.date.fromisoformat(value)
    return value


def _is_text(field):
    return isinstance(field, django_models.CharField | django_models.TextField)


def _instances(table, rows):
    """Dump rows as unsaved model instances, ids as dumped."""
    model = table.model
    return [
        model(**{field.attname: _model_value(table, field, row) for field in table.fields})
        for row in rows
    ]


def load_dump(archive_path):
    """Load a dump's JSON Lines into a database holding no partnerships records.

    One transaction; each table goes in with ``bulk_create``, ``CHUNK_SIZE`` rows per
    INSERT, ids and timestamps as dumped. The derived data (search text) is then rebuilt
    once for everything by the write path, not row by row.
    """
    loaded = {}
    with zipfile.ZipFile(archive_path) as archive, transaction.atomic():
        for table in TABLES:
            count = 0
            with archive.open(f"jsonl/{table.name}.jsonl") as lines:
                rows = map(json.loads, io.TextIOWrapper(lines, encoding="utf-8"))
                for chunk in batched(rows, CHUNK_SIZE):
                    table.model.objects.bulk_create(_instances(table, chunk))
                    count += len(chunk)
            loaded[table.name] = count
        # Explicit ids do not move PostgreSQL's sequences: put them past the loaded rows.
        statements = connection.ops.sequence_reset_sql(
            no_style(), [table.model for table in TABLES]
        )
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            if connection.vendor == "postgresql":
                # The rebuild's correlated subqueries need statistics on the tables just
                # filled, or the planner scans whole link tables per row.
                for table in TABLES:
                    cursor.execute(f"ANALYZE {quote(table.model._meta.db_table)}")
                cursor.execute("SET LOCAL work_mem = '256MB'")
        write_path.rebuild_everything()
    return loaded
