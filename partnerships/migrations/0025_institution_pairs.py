import django.db.models.deletion
from django.db import migrations, models


def count_pairs(apps, schema_editor):
    """The pairs of the published agreements already there, and each institution's own
    count (the write path keeps them from now on). A copy of what
    ``partner_pairs.refresh`` ran when this was written."""
    schema_editor.execute(
        "INSERT INTO partnerships_institutionpair (institution_id, partner_id, agreements) "
        "SELECT mine.institution_id, theirs.institution_id, COUNT(*) "
        "FROM partnerships_agreementparty mine "
        "JOIN partnerships_agreementparty theirs ON theirs.agreement_id = mine.agreement_id "
        "JOIN partnerships_agreement agreement ON agreement.id = mine.agreement_id "
        "WHERE agreement.status = 'published' "
        "GROUP BY mine.institution_id, theirs.institution_id"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0024_facet_rows_sort_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="InstitutionPair",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("agreements", models.PositiveIntegerField()),
                ("institution", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="partnerships.institution")),
                ("partner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="partnerships.institution")),
            ],
            options={
                "indexes": [
                    models.Index(fields=["institution", "-agreements", "partner"], name="institution_pair_strongest"),
                    models.Index(condition=models.Q(("institution", models.F("partner"))), fields=["-agreements", "institution"], name="institution_pair_most_active"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("institution", "partner"), name="institution_pair_once"),
                    models.CheckConstraint(condition=models.Q(("agreements__gt", 0)), name="institution_pair_co_signed"),
                ],
            },
        ),
        migrations.RunPython(count_pairs, migrations.RunPython.noop),
    ]
