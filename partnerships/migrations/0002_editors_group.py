"""The Editors group: curates every partnerships record, and nothing else.

Permissions are normally created by the post_migrate signal, after every migration
has run, so on a fresh database they do not exist yet when this migration runs. It
creates them first (create_permissions skips those that already exist).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Editors"
ACTIONS = ("add", "change", "delete", "view")


def create_editors_group(apps, schema_editor):
    using = schema_editor.connection.alias
    create_permissions(
        global_apps.get_app_config("partnerships"), verbosity=0, apps=apps, using=using
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{action}_{model._meta.model_name}"
        for model in apps.get_app_config("partnerships").get_models()
        for action in ACTIONS
    ]
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="partnerships", codename__in=codenames
    )
    if permissions.count() != len(codenames):
        raise RuntimeError("Some partnerships permissions are missing; cannot create Editors.")
    group, _ = Group.objects.using(using).get_or_create(name=GROUP_NAME)
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0001_initial"),
        # Not needed by this migration, only to keep one leaf: both are numbered 0002.
        ("partnerships", "0002_search_vectors"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_editors_group, remove_editors_group),
    ]
