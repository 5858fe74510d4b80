"""Old addresses follow slugs changed by ``QuerySet.update()`` and survive a backup."""

from django.core.management import call_command

from partnerships.management.commands.backup_directory import MODELS
from partnerships.models import Agreement, Institution, Person, SlugRedirect
from tests.factories import AgreementFactory, InstitutionFactory, PersonFactory
from tests.test_backup import empty_the_directory


def test_a_slug_changed_by_update_leaves_a_permanent_redirect(client, db):
    institution = InstitutionFactory(slug="old-name")
    other = InstitutionFactory(slug="unchanged")

    Institution.objects.filter(pk__in=[institution.pk, other.pk]).exclude(slug="unchanged").update(
        slug="new-name"
    )

    response = client.get("/institutions/old-name/")
    assert response.status_code == 301
    assert response["Location"].endswith("/institutions/new-name/")
    assert SlugRedirect.objects.get().object_id == institution.pk
    assert client.get("/api/institutions/old-name/").status_code == 301


def test_updating_back_makes_the_slug_live_again(client, db):
    person = PersonFactory(slug="first")
    Person.objects.filter(pk=person.pk).update(slug="second")
    Person.objects.filter(pk=person.pk).update(slug="first")

    assert client.get("/people/first/").status_code == 200
    assert client.get("/people/second/").status_code == 301
    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["second"]


def test_an_update_that_leaves_slugs_alone_adds_no_redirect(db):
    InstitutionFactory(slug="same")
    Institution.objects.update(city="Leeds")
    Institution.objects.filter(slug="same").update(slug="same")
    assert not SlugRedirect.objects.exists()


def _addresses():
    return sorted(
        (redirect.model, redirect.old_slug, redirect.reason, target)
        for redirect in SlugRedirect.objects.all()
        for target in [
            {"institution": Institution, "person": Person, "agreement": Agreement}[redirect.model]
            .objects.get(pk=redirect.object_id)
            .slug
        ]
    )


def test_old_addresses_survive_a_backup_and_restore(client, db, tmp_path):
    assert SlugRedirect in MODELS
    institution = InstitutionFactory(slug="renamed-before")
    Institution.objects.filter(pk=institution.pk).update(slug="renamed-after")
    person = PersonFactory(slug="person-before")
    person.slug = "person-after"
    person.save()
    AgreementFactory(slug="agreement-before", parties=[institution])
    Agreement.objects.filter(slug="agreement-before").update(slug="agreement-after")
    before = _addresses()
    assert len(before) == 3
    backup = tmp_path / "directory.json"
    call_command("backup_directory", str(backup), verbosity=0)

    empty_the_directory()
    assert not SlugRedirect.objects.exists()
    call_command("restore_directory", str(backup), verbosity=0)

    assert _addresses() == before
    response = client.get("/institutions/renamed-before/")
    assert response.status_code == 301
    assert response["Location"].endswith("/institutions/renamed-after/")
