import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

INDEX = "agreement_search_vector_idx"


def move_vectors(apps, schema_editor):
    """Each agreement's vector moves to its narrow row, with its GIN index (PostgreSQL)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "INSERT INTO partnerships_agreementsearch (agreement_id, published, vector) "
        "SELECT id, status = 'published', search_vector FROM partnerships_agreement"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON partnerships_agreementsearch USING gin (vector)"
    )


def move_vectors_back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "UPDATE partnerships_agreement AS agreement SET search_vector = row.vector "
        "FROM partnerships_agreementsearch AS row WHERE row.agreement_id = agreement.id"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0018_desk_public_institutions_and_people"),
    ]

    operations = [
        migrations.CreateModel(
            name="AgreementSearch",
            fields=[
                (
                    "agreement",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_row",
                        serialize=False,
                        to="partnerships.agreement",
                    ),
                ),
                ("published", models.BooleanField(default=False)),
                ("vector", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
        ),
        migrations.RunPython(move_vectors, move_vectors_back),
        migrations.RemoveField(model_name="agreement", name="search_vector"),
    ]
