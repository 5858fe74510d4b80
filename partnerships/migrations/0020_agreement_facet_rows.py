import django.db.models.deletion
from django.db import migrations, models

from partnerships import read_model

CREATE = f"""
CREATE TABLE IF NOT EXISTS {read_model.TABLE} (
  agreement_id bigint PRIMARY KEY
    REFERENCES partnerships_agreement (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  published boolean NOT NULL,
  institutions bigint[] NOT NULL,
  institution_kinds text[] NOT NULL,
  countries text[] NOT NULL,
  regions text[] NOT NULL,
  cities text[] NOT NULL,
  fields bigint[] NOT NULL,
  top_fields bigint[] NOT NULL
)
"""


def create_table(apps, schema_editor):
    """The facet rows (PostgreSQL only: arrays), filled for every agreement."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE)
    schema_editor.execute(read_model.REFRESH_SQL % read_model.ALL_AGREEMENTS)


def drop_table(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TABLE IF EXISTS {read_model.TABLE}")


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
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="facet_row",
                        serialize=False,
                        to="partnerships.agreement",
                    ),
                ),
                ("published", models.BooleanField(default=False)),
            ],
            options={"managed": False, "db_table": "partnerships_agreementfacets"},
        ),
        migrations.RunPython(create_table, drop_table),
    ]
