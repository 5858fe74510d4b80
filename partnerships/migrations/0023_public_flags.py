"""Whether readers see an institution or a person, kept as a column (``is_public``) by
the write path rather than asked with three EXISTS in every query that lists them."""

from django.db import migrations, models

IN_PUBLISHED = (
    "EXISTS (SELECT 1 FROM {links} link JOIN partnerships_agreement agreement"
    " ON agreement.id = link.agreement_id{join}"
    " WHERE agreement.status = 'published' AND {key} = {table}.id)"
)


def _rule(table, links):
    return " OR ".join(
        ["published", *(IN_PUBLISHED.format(table=table, **link) for link in links)]
    )


INSTITUTION_LINKS = [
    {"links": "partnerships_agreementparty", "join": "", "key": "link.institution_id"},
    {"links": "partnerships_participation", "join": "", "key": "link.on_behalf_of_id"},
    {
        "links": "partnerships_participation",
        "join": " JOIN partnerships_position position ON position.id = link.position_id",
        "key": "position.institution_id",
    },
]
PERSON_LINKS = [{"links": "partnerships_participation", "join": "", "key": "link.person_id"}]


def mark_public(apps, schema_editor):
    for table, links in (
        ("partnerships_institution", INSTITUTION_LINKS),
        ("partnerships_person", PERSON_LINKS),
    ):
        schema_editor.execute(f"UPDATE {table} SET is_public = ({_rule(table, links)})")


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0022_covering_newest_first_index")]

    operations = [
        migrations.AddField(
            model_name="institution",
            name="is_public",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AddField(
            model_name="person",
            name="is_public",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.RunPython(mark_public, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="institution",
            index=models.Index(
                condition=models.Q(("is_public", False), ("published", False), _connector="OR"),
                fields=["id"],
                name="institution_flag_todo_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("is_public", False), ("published", False), _connector="OR"),
                fields=["id"],
                name="person_flag_todo_idx",
            ),
        ),
    ]
