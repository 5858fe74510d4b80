import django.db.models.deletion
from django.db import migrations, models

from partnerships import read_model

# The arrays, on PostgreSQL only; Django knows the table by its key and flag alone.
ADD_ARRAYS = f"""
ALTER TABLE {read_model.TABLE}
  ADD COLUMN institutions bigint[] NOT NULL DEFAULT '{{}}',
  ADD COLUMN institution_kinds text[] NOT NULL DEFAULT '{{}}',
  ADD COLUMN countries text[] NOT NULL DEFAULT '{{}}',
  ADD COLUMN regions text[] NOT NULL DEFAULT '{{}}',
  ADD COLUMN cities text[] NOT NULL DEFAULT '{{}}',
  ADD COLUMN fields bigint[] NOT NULL DEFAULT '{{}}',
  ADD COLUMN top_fields bigint[] NOT NULL DEFAULT '{{}}'
"""


def add_arrays(apps, schema_editor):
    """The facet arrays (PostgreSQL only), filled for every agreement."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(ADD_ARRAYS)
    # Institution networks find the agreements of a set of institutions through it.
    schema_editor.execute(
        f"CREATE INDEX agreement_facets_institutions_idx ON {read_model.TABLE} "
        "USING gin (institutions)"
    )
    schema_editor.execute(read_model.REFRESH_SQL % read_model.ALL_AGREEMENTS)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0019_agreement_search_rows"),
    ]

    operations = [
        migrations.CreateModel(
            name="AgreementFacets",
            fields=[
                (
                    "agreement",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="facet_row",
                        serialize=False,
                        to="partnerships.agreement",
                    ),
                ),
                ("published", models.BooleanField(default=False)),
            ],
        ),
        # Reversed, the arrays go with the table.
        migrations.RunPython(add_arrays, migrations.RunPython.noop),
    ]
