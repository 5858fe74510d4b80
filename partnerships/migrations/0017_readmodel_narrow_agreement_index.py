from django.db import migrations

INDEX = "agreement_narrow_idx"

# The agreement columns that filters and facet counts read (status, signing date and its
# precision, kind, and the end or term that decides "in force"), beside the id. A list
# request finds its agreements once and then counts them by id (``matching.py``); from
# this index PostgreSQL answers those probes without visiting the table, whose rows are
# about 2 KB wide (most of it search text): an index-only scan of 8 MB instead of one
# heap page per agreement. PostgreSQL keeps it with every write; SQLite takes no
# INCLUDE and needs none.
COLUMNS = "status, signed_on, signed_on_precision, kind, ends_on, term_months"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON partnerships_agreement (id) INCLUDE ({COLUMNS})"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0016_zh_translatable_labels"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
