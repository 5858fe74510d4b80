import django.db.models.deletion
from django.db import migrations, models

TABLE = "partnerships_agreementfacets"

# The arrays, on PostgreSQL only; Django knows the table by its key and flag alone.
ADD_ARRAYS = f"""
ALTER TABLE {TABLE}
  ADD COLUMN institutions bigint[] NOT NULL DEFAULT '{{}}',
  ADD COLUMN institution_kinds text[] NOT NULL DEFAULT '{{}}',
  ADD COLUMN countries text[] NOT NULL DEFAULT '{{}}',
  ADD COLUMN regions text[] NOT NULL DEFAULT '{{}}',
  ADD COLUMN cities text[] NOT NULL DEFAULT '{{}}',
  ADD COLUMN fields bigint[] NOT NULL DEFAULT '{{}}',
  ADD COLUMN top_fields bigint[] NOT NULL DEFAULT '{{}}'
"""



def _distinct_party_values(column):
    return (
        f"COALESCE((SELECT array_agg(DISTINCT institution.{column} ORDER BY institution.{column}) "
        "FROM partnerships_agreementparty party "
        "JOIN partnerships_institution institution ON institution.id = party.institution_id "
        f"WHERE party.agreement_id = agreement.id AND institution.{column} <> ''), '{{}}')"
    )


# The rows as this migration made them. Written out here, not imported from
# ``read_model``: its statement fills the columns later migrations add.
FILL_ROWS = f"""
INSERT INTO {TABLE} (agreement_id, published, institutions, institution_kinds, countries,
                     regions, cities, fields, top_fields)
SELECT agreement.id, agreement.status = 'published',
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
"""


def add_arrays(apps, schema_editor):
    """The facet arrays (PostgreSQL only), filled for every agreement."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(ADD_ARRAYS)
    # Institution networks find the agreements of a set of institutions through it.
    schema_editor.execute(
        f"CREATE INDEX agreement_facets_institutions_idx ON {TABLE} "
        "USING gin (institutions)"
    )
    schema_editor.execute(FILL_ROWS)


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
