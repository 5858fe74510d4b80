"""The bulk loader: COPY with ids reserved from the sequence, indexes rebuilt once.

On PostgreSQL rows go in with COPY and foreign keys and secondary indexes are dropped
for the load and rebuilt at the end, like ``pg_restore``; elsewhere ``bulk_create``.
"""

from django.db import connection

from ..models import (
    Agreement,
    AgreementFacets,
    AgreementFocusArea,
    AgreementParty,
    AgreementSearch,
    AgreementSource,
    EstablishedBody,
    FocusArea,
    Institution,
    InstitutionName,
    InstitutionPair,
    InstitutionRelation,
    Participation,
    Person,
    Position,
    SearchWord,
    Source,
    SourceCredit,
)

BATCH_SIZE = 5000


class RowWriter:
    """Inserts rows given as tuples: COPY on PostgreSQL, ``bulk_create`` elsewhere.

    Django's ``bulk_create`` spends about 100 µs per row compiling and adapting; COPY
    takes a few. On PostgreSQL ids are reserved from the table's sequence first, so
    the caller gets them back just as ``bulk_create`` would return them. Columns the
    caller leaves out get the field's default.
    """

    def __init__(self, batch_size=BATCH_SIZE):
        self.batch_size = batch_size
        self.use_copy = connection.vendor == "postgresql"

    def insert(self, model, fields, rows, return_ids=False):
        if not rows:
            return []
        if not self.use_copy:
            objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
            model.objects.bulk_create(objects, batch_size=self.batch_size)
            return [obj.pk for obj in objects] if return_ids else None
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        rest = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in fields]
        tail = tuple(f.get_default() for f in rest)
        columns = [by_attname[name].column for name in fields] + [f.column for f in rest]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            ids = None
            if return_ids:
                columns.insert(0, meta.pk.column)
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(rows)],
                )
                ids = sorted(row[0] for row in cursor.fetchall())
            statement = (
                f"COPY {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
            )
            with cursor.cursor.copy(statement) as copy:
                if ids is None:
                    for row in rows:
                        copy.write_row(row + tail)
                else:
                    for pk, row in zip(ids, rows, strict=True):
                        copy.write_row((pk, *row, *tail))
        return ids


def suspend_indexes_and_constraints(models):
    """Drop foreign keys and secondary indexes now; the returned function recreates them.

    PostgreSQL's advice for populating a database ("Populating a Database" in its
    manual): checking a deferred foreign key per row at COMMIT, and updating every
    index per row, cost far more than one validating join and one sorted index build
    at the end (at 100,000 agreements, about a minute of checks at COMMIT alone).
    Primary keys and unique constraints stay, so duplicates still fail at once. The
    definitions are read from the catalog, so indexes added by later migrations come
    back as they were; everything happens inside the caller's transaction, so a
    failure rolls the schema back too. Other databases: nothing to do.
    """
    if connection.vendor != "postgresql":
        return lambda: None
    tables = [model._meta.db_table for model in models]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND NOT indisunique "
            "ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        # Earlier writes in an enclosing transaction may have deferred checks queued,
        # and a table with pending trigger events cannot be altered: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")

    def restore():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are deferred

    return restore


def analyze():
    """Fresh planner statistics (and a vacuum) after a bulk load; PostgreSQL only."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    # The derived tables too: the rebuild after the load filled them, and the planner
    # needs their statistics (and index-only scans a visibility map) as much.
    tables = [model._meta.db_table for model in (*GENERATED_MODELS, *DERIVED_MODELS)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    return True


# Filled by the write path's rebuild after a load, not by the loader.
DERIVED_MODELS = [AgreementSearch, AgreementFacets, InstitutionPair, SearchWord]

GENERATED_MODELS = [
    FocusArea,
    Institution,
    InstitutionName,
    InstitutionRelation,
    Person,
    Position,
    Source,
    SourceCredit,
    Agreement,
    AgreementParty,
    Participation,
    AgreementFocusArea,
    AgreementSource,
    EstablishedBody,
]
