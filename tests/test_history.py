"""History: every change to every record, by whom and when, field by field, with a revert."""

import pytest
from django.urls import reverse

from partnerships.models import Agreement, AgreementParty, Institution
from tests import factories
from tests.admin_factories import EditorFactory


@pytest.fixture
def editor_client(client, db):
    editor = EditorFactory(username="amy")
    client.force_login(editor)
    return client


def test_an_edit_in_the_admin_is_recorded_with_its_editor_and_changed_fields(editor_client):
    institution = factories.InstitutionFactory(name="Hong Kong Polytechnic Universty")

    response = editor_client.post(
        reverse("admin:partnerships_institution_change", args=[institution.pk]),
        {
            "name": "Hong Kong Polytechnic University",
            "slug": institution.slug,
            "kind": "university",
            "city": "Hong Kong",
            "region": "",
            "country": "China",
            **empty_institution_inlines(),
        },
    )

    assert response.status_code == 302
    newest, previous = institution.history.all()[:2]
    assert newest.history_user.username == "amy"
    changed = {
        change.field: (change.old, change.new) for change in newest.diff_against(previous).changes
    }
    assert changed["name"] == (
        "Hong Kong Polytechnic Universty",
        "Hong Kong Polytechnic University",
    )
    assert changed["city"] == ("Beijing", "Hong Kong")
    assert "updated_at" not in changed


def empty_institution_inlines():
    from tests.admin_factories import inline_formset

    data = {}
    for prefix in ("names", "relations_from", "positions"):
        data.update(inline_formset(prefix))
    return data


def test_the_history_page_shows_who_changed_which_field(editor_client):
    institution = factories.InstitutionFactory(name="Old name")
    institution.name = "New name"
    institution.save()

    response = editor_client.get(
        reverse("admin:partnerships_institution_history", args=[institution.pk])
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Old name" in page and "New name" in page


def test_an_editor_can_revert_to_an_earlier_version(editor_client):
    institution = factories.InstitutionFactory(name="Right name", city="Tianjin")
    institution.name = "Wrong name"
    institution.save()
    earlier = institution.history.earliest()

    response = editor_client.post(
        reverse(
            "admin:partnerships_institution_simple_history",
            args=[institution.pk, earlier.history_id],
        ),
        {
            "name": "Right name",
            "slug": institution.slug,
            "kind": "university",
            "city": "Tianjin",
            "region": institution.region,
            "country": institution.country,
            **empty_institution_inlines(),
        },
    )

    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.name == "Right name"
    assert institution.history.count() == 3


def test_rows_of_an_agreement_keep_their_own_history(db):
    agreement = factories.AgreementFactory(parties=factories.InstitutionFactory.create_batch(2))
    party = AgreementParty.objects.filter(agreement=agreement).first()
    party.delete()

    deleted = AgreementParty.history.filter(history_type="-")
    assert deleted.count() == 1
    assert deleted.get().agreement_id == agreement.pk


def test_search_text_rebuilt_in_bulk_adds_no_history(db):
    institution = factories.InstitutionFactory()
    before = institution.history.count()

    Institution.objects.filter(pk=institution.pk).update(search_document="rebuilt")

    assert institution.history.count() == before


def test_the_history_page_costs_the_same_queries_for_many_versions(
    editor_client, django_assert_max_num_queries
):
    agreement = factories.AgreementFactory()
    for number in range(30):
        agreement.title = f"Title {number}"
        agreement.save()
    agreement = Agreement.objects.get(pk=agreement.pk)

    with django_assert_max_num_queries(14):
        response = editor_client.get(
            reverse("admin:partnerships_agreement_history", args=[agreement.pk])
        )

    assert response.status_code == 200
