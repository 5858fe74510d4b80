"""Cached counts and pages never outlive an edit."""

from django.urls import reverse

from partnerships.models import DirectoryVersion
from tests.factories import AgreementFactory, FocusAreaFactory, InstitutionFactory

LIST_URL = reverse("agreement-list")


def facet_counts(response, name):
    facet = next(f for f in response.context["facets"] if f.name == name)
    return {option.value: option.count for option in facet.options}


def test_a_new_agreement_shows_at_once_in_the_list_and_its_facets(client, db):
    field = FocusAreaFactory(slug="imaging")
    AgreementFactory(fields=[field])
    assert facet_counts(client.get(LIST_URL), "field") == {"imaging": 1}

    AgreementFactory(fields=[field])

    response = client.get(LIST_URL)
    assert response.context["total"] == 2
    assert facet_counts(response, "field") == {"imaging": 2}


def test_renaming_an_institution_shows_at_once_in_the_facet_labels(client, db):
    institution = InstitutionFactory(slug="pumch", name="Old name")
    AgreementFactory(parties=[institution])
    client.get(LIST_URL)

    institution.name = "Peking Union Medical College Hospital"
    institution.save()

    facet = next(f for f in client.get(LIST_URL).context["facets"] if f.name == "institution")
    assert [option.label for option in facet.options] == ["Peking Union Medical College Hospital"]


def test_every_save_and_delete_moves_the_directory_version(db):
    before = DirectoryVersion.current()
    agreement = AgreementFactory()
    after_save = DirectoryVersion.current()
    agreement.delete()
    assert before < after_save < DirectoryVersion.current()


def test_the_home_page_counts_follow_publication(client, db):
    AgreementFactory()
    assert client.get("/").context["counts"]["agreements"] == 1
    draft = AgreementFactory(status="draft", published_at=None)
    assert client.get("/").context["counts"]["agreements"] == 1
    draft.status = "published"
    draft.full_clean()
    draft.save()
    assert client.get("/").context["counts"]["agreements"] == 2


def test_a_repeated_anonymous_page_view_runs_no_page_queries_until_an_edit(
    client, db, django_assert_num_queries
):
    institution = InstitutionFactory(slug="pumch", name="PUMCH")
    AgreementFactory(parties=[institution])
    url = institution.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(1):  # Only the directory version is read.
        assert client.get(url).status_code == 200

    institution.name = "Peking Union Medical College Hospital"
    institution.save()
    assert "Peking Union Medical College Hospital" in client.get(url).content.decode()


def test_staff_always_get_a_fresh_page(admin_client, db):
    agreement = AgreementFactory(title="First title")
    url = agreement.get_absolute_url()
    admin_client.get(url)
    type(agreement).objects.filter(pk=agreement.pk).update(title="Second title")
    assert "Second title" in admin_client.get(url).content.decode()
