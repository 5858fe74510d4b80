"""Backup and restore: every record and link comes back identical, into an empty database."""

import json

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command

from partnerships import search
from partnerships.management.commands.backup_directory import MODELS
from partnerships.models import Agreement, FocusArea
from tests.factories import (
    DraftAgreementFactory,
    FocusAreaFactory,
    InstitutionFactory,
    ParticipationFactory,
)

# Derived from the other fields and rebuilt by the restore; compared through search below.
DERIVED = {"search_document", "search_vector"}


def snapshot():
    """Every record of every model, by natural key, with every stored field and link
    (links as the natural keys of the records they point to; timestamps to the
    microsecond)."""
    state = {}
    for model in MODELS:
        instances = list(model._default_manager.order_by("pk"))
        records = serializers.serialize(
            "python", instances, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
        state[model._meta.label] = sorted(
            json.dumps(
                {
                    "key": instance.natural_key(),
                    "fields": {k: v for k, v in record["fields"].items() if k not in DERIVED},
                },
                sort_keys=True,
                default=str,
            )
            for instance, record in zip(instances, records, strict=True)
        )
    return state


def empty_the_directory():
    """Delete every partnerships record, dependants first (most links are PROTECT)."""
    for model in reversed(MODELS):
        if model is FocusArea:
            FocusArea.objects.filter(parent__isnull=False).delete()
        model._default_manager.all().delete()


@pytest.fixture
def directory_with_a_draft(curated):
    parent = FocusAreaFactory(slug="zz-parent", name="ZZ parent")
    child = FocusAreaFactory(slug="aa-child", name="AA child", parent=parent)
    draft = DraftAgreementFactory(
        slug="draft-under-review",
        parties=[InstitutionFactory(slug="draft-party"), InstitutionFactory()],
        fields=[child],
    )
    ParticipationFactory(agreement=draft, role="signed", on_behalf_of=draft.parties.first())


def test_a_backup_restores_every_record_and_link_identically(directory_with_a_draft, tmp_path):
    backup = tmp_path / "directory.json"
    before = snapshot()
    call_command("backup_directory", str(backup), verbosity=0)

    empty_the_directory()
    assert all(not model._default_manager.exists() for model in MODELS)
    call_command("restore_directory", str(backup), verbosity=0)

    assert snapshot() == before
    assert Agreement.objects.get(slug="draft-under-review").status == "draft"


def test_a_restored_directory_can_be_searched(directory_with_a_draft, tmp_path):
    backup = tmp_path / "directory.json"
    call_command("backup_directory", str(backup), verbosity=0)
    empty_the_directory()

    call_command("restore_directory", str(backup), verbosity=0)

    found = search.search(Agreement.objects.published(), "PUMCH", "title")
    assert "hkust-pumch-strategic-cooperation-2024" in {a.slug for a in found}


def test_the_backup_is_a_natural_key_fixture_with_parents_first(directory_with_a_draft, tmp_path):
    backup = tmp_path / "directory.json"
    call_command("backup_directory", str(backup), verbosity=0)

    records = json.loads(backup.read_text())
    assert all("pk" not in record for record in records)
    models = [record["model"] for record in records]
    expected_order = [model._meta.label_lower for model in MODELS]
    assert sorted(set(models), key=expected_order.index) == list(dict.fromkeys(models))
    fields = [r["fields"] for r in records if r["model"] == "partnerships.focusarea"]
    slugs = [f["slug"] for f in fields]
    assert slugs.index("zz-parent") < slugs.index("aa-child")
    assert next(f for f in fields if f["slug"] == "aa-child")["parent"] == ["zz-parent"]


def test_restore_refuses_a_database_that_is_not_empty(curated, tmp_path):
    backup = tmp_path / "directory.json"
    call_command("backup_directory", str(backup), verbosity=0)

    with pytest.raises(CommandError, match="empty database"):
        call_command("restore_directory", str(backup), verbosity=0)


def test_a_broken_backup_restores_nothing(curated, tmp_path):
    backup = tmp_path / "directory.json"
    call_command("backup_directory", str(backup), verbosity=0)
    records = json.loads(backup.read_text())
    # The last record links to an institution the backup does not hold.
    records.append(
        {
            "model": "partnerships.agreementparty",
            "fields": {"agreement": ["no-such-agreement"], "institution": ["nobody"], "order": 0},
        }
    )
    backup.write_text(json.dumps(records))
    empty_the_directory()

    with pytest.raises(Exception):  # noqa: B017 - loaddata's own error, whatever it is.
        call_command("restore_directory", str(backup), verbosity=0)

    assert all(not model._default_manager.exists() for model in MODELS)


def test_restore_says_when_the_file_is_missing(db, tmp_path):
    with pytest.raises(CommandError, match="no backup file"):
        call_command("restore_directory", str(tmp_path / "missing.json"), verbosity=0)
