"""Stable addresses: a renamed record's old slug answers with a 301 on pages, API and feeds."""

import pytest
from django.urls import reverse

from partnerships.models import SlugRedirect
from tests import factories


def rename(record, new_slug):
    record.slug = new_slug
    record.save()
    return record


@pytest.fixture
def renamed_institution(db):
    institution = factories.InstitutionFactory(slug="beihang", name="Beihang University")
    factories.AgreementFactory(parties=[institution, factories.InstitutionFactory()])
    institution = type(institution).objects.get(pk=institution.pk)
    return rename(institution, "beihang-university")


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("institution-detail", "/institutions/beihang-university/"),
        ("api:institution-detail", "/api/institutions/beihang-university/"),
        ("open_data:institution-feed", "/feeds/institutions/beihang-university/"),
    ],
)
def test_the_old_address_of_a_renamed_institution_redirects_permanently(
    client, renamed_institution, route, expected
):
    response = client.get(reverse(route, kwargs={"slug": "beihang"}))

    assert response.status_code == 301
    assert response["Location"] == expected
    assert client.get(expected).status_code == 200


def test_the_old_chinese_address_leads_to_the_new_chinese_address(client, renamed_institution):
    response = client.get("/zh-hans/institutions/beihang/")

    assert response.status_code == 301
    assert response["Location"] == "/zh-hans/institutions/beihang-university/"


def test_the_query_string_survives_the_redirect(client, renamed_institution):
    response = client.get("/institutions/beihang/?sort=name")

    assert response["Location"] == "/institutions/beihang-university/?sort=name"


@pytest.mark.parametrize(
    ("factory", "route"),
    [
        (factories.AgreementFactory, "agreement-detail"),
        (factories.PersonFactory, "person-detail"),
        (factories.FocusAreaFactory, "focusarea-detail"),
        (factories.SourceFactory, "source-detail"),
        (factories.AgreementFactory, "api:agreement-detail"),
        (factories.PersonFactory, "api:person-detail"),
        (factories.FocusAreaFactory, "open_data:focusarea-feed"),
    ],
)
def test_every_kind_of_record_keeps_its_old_address(client, db, factory, route):
    record = factory(slug="old-slug")
    record = type(record).objects.get(pk=record.pk)
    rename(record, "new-slug")

    response = client.get(reverse(route, kwargs={"slug": "old-slug"}))

    assert response.status_code == 301
    assert response["Location"] == reverse(route, kwargs={"slug": "new-slug"})


def test_a_record_renamed_twice_sends_both_old_addresses_to_the_newest(client, db):
    person = factories.PersonFactory(slug="fu-wei")
    person = type(person).objects.get(pk=person.pk)
    rename(person, "fu-wei-2")
    rename(person, "fu-wei-puth")

    for old in ("fu-wei", "fu-wei-2"):
        response = client.get(f"/people/{old}/")
        assert response.status_code == 301
        assert response["Location"] == "/people/fu-wei-puth/"


def test_renaming_back_makes_the_slug_live_again(client, db):
    person = factories.PersonFactory(slug="fu-wei")
    person = type(person).objects.get(pk=person.pk)
    rename(person, "fu-wei-2")
    rename(person, "fu-wei")

    assert client.get("/people/fu-wei/").status_code == 200
    assert client.get("/people/fu-wei-2/").status_code == 301
    assert not SlugRedirect.objects.filter(old_slug="fu-wei").exists()


def test_an_unknown_slug_is_still_a_404(client, db):
    assert client.get("/institutions/never-existed/").status_code == 404
    assert client.get("/api/institutions/never-existed/").status_code == 404


def test_a_redirect_to_a_deleted_record_is_a_404(client, db):
    person = factories.PersonFactory(slug="old")
    person = type(person).objects.get(pk=person.pk)
    rename(person, "new")
    person.delete()

    assert client.get("/people/old/").status_code == 404


def test_the_old_address_of_a_draft_agreement_stays_hidden_from_readers(client, db):
    agreement = factories.DraftAgreementFactory(slug="draft-old")
    agreement = type(agreement).objects.get(pk=agreement.pk)
    rename(agreement, "draft-new")

    response = client.get("/agreements/draft-old/", follow=True)

    assert response.status_code == 404


def test_renaming_a_record_in_the_admin_keeps_the_old_address(admin_client, db):
    focus_area = factories.FocusAreaFactory(slug="medical-ai", name="Medical AI")

    response = admin_client.post(
        reverse("admin:partnerships_focusarea_change", args=[focus_area.pk]),
        {
            "name": "Medical artificial intelligence",
            "slug": "medical-artificial-intelligence",
        },
    )

    assert response.status_code == 302
    assert admin_client.get("/fields/medical-ai/")["Location"] == (
        "/fields/medical-artificial-intelligence/"
    )
