from django.db import migrations, models

TABLE = "partnerships_agreementfacets"
FIELDS_INDEX = "agreement_facets_in_field_idx"


def fill_sort_keys(apps, schema_editor):
    """Copy each agreement's date and title into its row, and index the rows by field
    (PostgreSQL only: SQLite keeps no facet rows)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"UPDATE {TABLE} facets SET signed_on = agreement.signed_on, title = agreement.title "
        "FROM partnerships_agreement agreement WHERE agreement.id = facets.agreement_id"
    )
    # A field's page: the published agreements in the field or in one of its sub-fields.
    schema_editor.execute(
        f"CREATE INDEX {FIELDS_INDEX} ON {TABLE} USING gin ((fields || top_fields)) "
        "WHERE published"
    )


def drop_fields_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {FIELDS_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0023_public_flags"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreementfacets",
            name="signed_on",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="agreementfacets",
            name="title",
            field=models.CharField(default="", max_length=300),
        ),
        migrations.RunPython(fill_sort_keys, drop_fields_index),
    ]
