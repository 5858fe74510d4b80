from django.db import migrations

# Search no longer matches the stored search text by trigram or substring on
# PostgreSQL: typos and parts of words are looked up in the lexicon (SearchWord), then
# found in the full-text vectors. The trigram indexes over whole search texts (67 MB
# each for 100,000 agreements) served nothing but slowed every write.
TABLES = ["agreement", "institution", "person", "focusarea"]


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for suffix in ("search_trgm_gin", "search_upper_trgm_gin"):
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{suffix}")


def recreate_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_trgm_gin ON partnerships_{table} "
            "USING gin (search_document gin_trgm_ops)"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_upper_trgm_gin ON partnerships_{table} "
            "USING gin (UPPER(search_document) gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0020_agreement_facet_rows")]

    operations = [migrations.RunPython(drop_indexes, recreate_indexes)]
