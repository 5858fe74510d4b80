"""The Editors group curates the directory's records and nothing else."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from partnerships import models
from tests import factories
from tests.admin_factories import EditorFactory, agreement_change_form, agreement_form

CURATED_MODELS = [
    "agreement",
    "agreementfocusarea",
    "agreementparty",
    "agreementsource",
    "establishedbody",
    "focusarea",
    "institution",
    "institutionname",
    "institutionrelation",
    "participation",
    "person",
    "personname",
    "position",
    "source",
    "sourcecredit",
]
ACTIONS = ["add", "change", "delete", "view"]

migration = importlib.import_module("partnerships.migrations.0002_editors_group")
other_names_migration = importlib.import_module(
    "partnerships.migrations.0010_other_names_of_people"
)
# Models added after 0002, whose permissions later migrations grant.
ADDED_AFTER_0002 = {"personname"}


def granted(group):
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.fixture
def editor(db):
    return EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_the_editors_group_has_exactly_the_permissions_to_curate_records(db):
    expected = {f"partnerships.{action}_{model}" for model in CURATED_MODELS for action in ACTIONS}

    assert granted(Group.objects.get(name="Editors")) == expected


# Internal bookkeeping, not directory records: editors never edit it.
# Kept automatically: the cache version, old addresses, the typo lexicon, and each
# record's history (which editors see through the record's own permissions).
# Derived data (kept by the write path) and addresses: nothing for an editor to edit.
NOT_CURATED = {
    "directoryversion",
    "slugredirect",
    "searchword",
    "agreementsearch",
    "agreementfacets",
    "institutionpair",
}


def test_every_model_of_the_directory_is_curated_by_editors(db):
    models_of_the_app = {
        model._meta.model_name
        for model in apps.get_app_config("partnerships").get_models()
        if not model._meta.model_name.startswith("historical")
    } - NOT_CURATED

    assert models_of_the_app == set(CURATED_MODELS)


def test_an_editor_can_open_the_agreement_add_page(editor_client):
    response = editor_client.get(reverse("admin:partnerships_agreement_add"))

    assert response.status_code == 200


def test_an_editor_can_add_an_agreement(editor_client):
    parties = factories.InstitutionFactory.create_batch(2)

    response = editor_client.post(
        reverse("admin:partnerships_agreement_add"),
        agreement_form(
            status="published",
            parties=parties,
            sources=[factories.SourceFactory()],
            party_quote=factories.CITED_SENTENCE,
            signed_on_quote=factories.CITED_SENTENCE,
        ),
    )

    assert response.status_code == 302
    assert models.Agreement.objects.get().is_published


def test_an_editor_can_change_an_agreement(editor_client):
    agreement = factories.DraftAgreementFactory(title="Old title")

    response = editor_client.post(
        reverse("admin:partnerships_agreement_change", args=[agreement.pk]),
        agreement_change_form(agreement, title="New title"),
    )

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "New title"


def test_an_editor_can_publish_with_the_admin_action(editor_client):
    agreement = factories.cite(
        factories.DraftAgreementFactory(parties=factories.InstitutionFactory.create_batch(2))
    )

    editor_client.post(
        reverse("admin:partnerships_agreement_changelist"),
        {"action": "publish", "_selected_action": [agreement.pk]},
    )

    agreement.refresh_from_db()
    assert agreement.is_published


@pytest.mark.parametrize("url_name", ["admin:auth_user_changelist", "admin:auth_user_add"])
def test_an_editor_cannot_manage_user_accounts(editor_client, url_name):
    assert editor_client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("url_name", ["admin:auth_group_changelist", "admin:auth_group_add"])
def test_an_editor_cannot_manage_groups(editor_client, url_name):
    assert editor_client.get(reverse(url_name)).status_code == 403


def test_an_editor_cannot_change_their_own_account(editor_client, editor):
    response = editor_client.get(reverse("admin:auth_user_change", args=[editor.pk]))

    assert response.status_code == 403


def test_the_admin_index_shows_an_editor_only_the_directory(editor_client):
    response = editor_client.get(reverse("admin:index"))

    app_labels = {app["app_label"] for app in response.context["app_list"]}
    assert app_labels == {"partnerships"}


def test_an_account_outside_the_editors_group_cannot_curate(client, db):
    client.force_login(EditorFactory(in_editors_group=False, username="staff-only"))

    response = client.get(reverse("admin:partnerships_agreement_changelist"))

    assert response.status_code == 403


# The data migration


def historical_apps():
    """The models as the migration sees them."""
    return MigrationLoader(connection).project_state(("partnerships", "0002_editors_group")).apps


class SchemaEditorStub:
    """All the migration's functions use of a schema editor."""

    connection = connection


def test_the_migration_creates_the_permissions_it_grants_on_a_fresh_database(db):
    Permission.objects.filter(content_type__app_label="partnerships").delete()
    Group.objects.filter(name="Editors").delete()

    migration.create_editors_group(historical_apps(), SchemaEditorStub())

    assert len(granted(Group.objects.get(name="Editors"))) == len(
        set(CURATED_MODELS) - ADDED_AFTER_0002
    ) * len(ACTIONS)


def test_reversing_the_migration_removes_the_editors_group(db):
    migration.remove_editors_group(historical_apps(), SchemaEditorStub())

    assert not Group.objects.filter(name="Editors").exists()


def test_reapplying_the_migration_restores_the_same_permissions(db):
    before = granted(Group.objects.get(name="Editors"))

    migration.remove_editors_group(historical_apps(), SchemaEditorStub())
    migration.create_editors_group(historical_apps(), SchemaEditorStub())
    other_names_migration.let_editors_curate_other_names(apps, SchemaEditorStub())

    assert granted(Group.objects.get(name="Editors")) == before


def test_the_migration_is_reversible():
    assert all(operation.reversible for operation in migration.Migration.operations)
