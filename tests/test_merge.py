"""Merging a duplicate into the record kept: links move, names stay, addresses lead on."""

import pytest
from django.urls import reverse

from partnerships.curation.merge import MergeRefused, merge
from partnerships.models import (
    AgreementFocusArea,
    AgreementParty,
    FocusArea,
    Institution,
    InstitutionName,
    InstitutionRelation,
    Participation,
    Person,
    Position,
    SlugRedirect,
)
from tests import factories


@pytest.fixture
def twins(db):
    """PolyU entered twice: once curated, once again (with an agreement of its own)."""
    kept = factories.InstitutionFactory(
        slug="polyu", name="The Hong Kong Polytechnic University", city="Hong Kong", ror_id=""
    )
    factories.InstitutionNameFactory(institution=kept, name="PolyU")
    other = factories.InstitutionFactory(
        slug="hong-kong-polytechnic-university",
        name="Hong Kong Polytechnic University",
        city="",
        ror_id="0030zas98",
    )
    factories.InstitutionNameFactory(institution=other, name="PolyU")
    factories.InstitutionNameFactory(institution=other, name="HKPU")
    partner = factories.InstitutionFactory(slug="pumch", name="PUMCH")
    shared = factories.AgreementFactory(slug="shared", parties=[kept, other, partner])
    own = factories.AgreementFactory(slug="own", parties=[other, partner])
    InstitutionRelation.objects.create(subject=other, relation_type="related", object=kept)
    InstitutionRelation.objects.create(subject=other, relation_type="related", object=partner)
    person = factories.PersonFactory(slug="teng-jin-guang")
    position = factories.PositionFactory(person=person, institution=other, title="President")
    factories.ParticipationFactory(
        agreement=own, person=person, role="signed", on_behalf_of=other, position=position
    )
    return {"kept": kept, "other": other, "shared": shared, "own": own, "partner": partner}


def test_merging_an_institution_moves_every_link_to_the_kept_one(twins):
    kept, other = twins["kept"], twins["other"]

    merge(other, kept)

    assert not Institution.objects.filter(pk=other.pk).exists()
    assert set(
        AgreementParty.objects.filter(institution=kept).values_list("agreement__slug", flat=True)
    ) == {"shared", "own"}
    assert AgreementParty.objects.filter(agreement=twins["shared"]).count() == 2
    participation = Participation.objects.get()
    assert participation.on_behalf_of_id == kept.pk
    assert participation.position.institution_id == kept.pk
    assert InstitutionRelation.objects.get().subject_id == kept.pk  # The self-link is dropped.


def test_merging_keeps_the_others_names_as_other_names(twins):
    merge(twins["other"], twins["kept"])

    names = set(
        InstitutionName.objects.filter(institution=twins["kept"]).values_list("name", "name_type")
    )
    assert names == {
        ("PolyU", "acronym"),
        ("HKPU", "acronym"),
        ("Hong Kong Polytechnic University", "alias"),
    }


def test_merging_fills_the_kept_records_blanks_only(twins):
    kept = merge(twins["other"], twins["kept"])

    assert kept.city == "Hong Kong"
    assert kept.ror_id == "0030zas98"


def test_the_merged_records_addresses_lead_to_the_kept_one(client, twins):
    other = Institution.objects.get(pk=twins["other"].pk)
    other.slug = "hkpu"
    other.save()  # An older address of the merged record.

    merge(other, twins["kept"])

    for old in ("hkpu", "hong-kong-polytechnic-university"):
        response = client.get(f"/institutions/{old}/")
        assert response.status_code == 301
        assert response["Location"] == "/institutions/polyu/"
    assert client.get("/api/institutions/hkpu/")["Location"] == "/api/institutions/polyu/"
    assert SlugRedirect.objects.filter(reason="merged").count() == 1


def test_the_merge_is_recorded_in_history(twins):
    other_pk = twins["other"].pk

    merge(twins["other"], twins["kept"])

    deleted = Institution.history.get(id=other_pk, history_type="-")
    assert "Merged" in deleted.history_change_reason
    moved = AgreementParty.history.filter(history_change_reason__startswith="Merged")
    assert moved.exists()


def test_a_record_cannot_be_merged_into_itself(twins):
    with pytest.raises(MergeRefused, match="into itself"):
        merge(twins["kept"], twins["kept"])


def test_a_record_cannot_be_merged_into_one_of_another_type(twins):
    person = factories.PersonFactory()

    with pytest.raises(MergeRefused, match="same type"):
        merge(twins["other"], person)
    assert Institution.objects.filter(pk=twins["other"].pk).exists()


def test_merging_people_moves_roles_and_positions_and_keeps_the_name(db):
    kept = factories.PersonFactory(slug="fu-wei", family_name="Fu", given_name="Wei")
    other = factories.PersonFactory(slug="fu-wei-2", family_name="FU", given_name="Wei")
    puth = factories.InstitutionFactory(slug="puth")
    agreement = factories.AgreementFactory(parties=[puth, factories.InstitutionFactory()])
    same_title = factories.PositionFactory(person=kept, institution=puth, title="President")
    duplicate_title = factories.PositionFactory(person=other, institution=puth, title="President")
    factories.ParticipationFactory(
        agreement=agreement, person=other, role="signed", position=duplicate_title
    )
    factories.ParticipationFactory(agreement=agreement, person=kept, role="spoke")

    merge(other, kept)

    assert not Person.objects.filter(pk=other.pk).exists()
    assert set(Participation.objects.values_list("person", "role")) == {
        (kept.pk, "signed"),
        (kept.pk, "spoke"),
    }
    assert Participation.objects.get(role="signed").position == same_title
    assert Position.objects.count() == 1
    assert list(kept.other_names.values_list("name", flat=True)) == ["FU Wei"]


def test_merging_fields_moves_agreements_and_sub_fields(db):
    kept = factories.FocusAreaFactory(slug="medical-ai", name="Medical AI")
    other = factories.FocusAreaFactory(
        slug="ai-in-medicine", name="AI in medicine", synonyms="Medical AI\nClinical AI"
    )
    child = factories.FocusAreaFactory(name="AI diagnosis", parent=other)
    factories.AgreementFactory(fields=[kept, other])
    factories.AgreementFactory(fields=[other])

    merge(other, kept)

    assert AgreementFocusArea.objects.filter(focus_area=kept).count() == 2
    assert FocusArea.objects.get(pk=child.pk).parent_id == kept.pk
    kept.refresh_from_db()
    assert kept.synonym_list == ["AI in medicine", "Clinical AI"]


def test_a_field_with_sub_fields_is_not_merged_into_a_sub_field(db):
    top = factories.FocusAreaFactory(name="Medicine")
    sub = factories.FocusAreaFactory(name="Imaging", parent=top)
    other = factories.FocusAreaFactory(name="Engineering")
    factories.FocusAreaFactory(name="Devices", parent=other)

    with pytest.raises(MergeRefused, match="two levels"):
        merge(other, sub)
    assert FocusArea.objects.count() == 4


# The admin page


def merge_page(model, *records):
    ids = ",".join(str(record.pk) for record in records)
    return reverse(f"admin:partnerships_{model}_merge") + f"?ids={ids}"


def test_the_merge_action_leads_to_the_merge_page(admin_client, twins):
    response = admin_client.post(
        reverse("admin:partnerships_institution_changelist"),
        {"action": "merge_into", "_selected_action": [twins["kept"].pk, twins["other"].pk]},
    )

    assert response.status_code == 302
    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    assert "Hong Kong Polytechnic University" in page.text


def test_merging_in_the_admin_keeps_the_chosen_record(admin_client, twins):
    kept, other = twins["kept"], twins["other"]

    response = admin_client.post(merge_page("institution", kept, other), {"keep": kept.pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:partnerships_institution_change", args=[kept.pk])
    assert not Institution.objects.filter(pk=other.pk).exists()


def test_a_record_can_be_merged_into_one_given_by_its_address(admin_client, twins):
    response = admin_client.post(
        merge_page("institution", twins["other"]),
        {"keep_address": "http://testserver/institutions/polyu/"},
    )

    assert response.status_code == 302
    assert not Institution.objects.filter(pk=twins["other"].pk).exists()


def test_merging_into_itself_in_the_admin_is_refused_with_a_message(admin_client, twins):
    response = admin_client.post(
        merge_page("institution", twins["kept"]), {"keep_address": "polyu"}
    )

    assert response.status_code == 200
    assert "cannot be merged into itself" in response.text
    assert Institution.objects.filter(pk=twins["kept"].pk).exists()


def test_merging_into_a_record_of_another_type_is_refused_with_a_message(admin_client, twins):
    person = factories.PersonFactory(slug="teng")

    response = admin_client.post(
        merge_page("institution", twins["other"]), {"keep_address": "/people/teng/"}
    )

    assert response.status_code == 200
    assert "is a record of another type (person), not of the type merged here (institution)" in (
        response.text
    )
    assert Institution.objects.filter(pk=twins["other"].pk).exists()
    assert Person.objects.filter(pk=person.pk).exists()


def test_an_unknown_address_is_refused_with_a_message(admin_client, twins):
    response = admin_client.post(
        merge_page("institution", twins["other"]), {"keep_address": "no-such-place"}
    )

    assert response.status_code == 200
    assert "No institution is at no-such-place" in response.text


def test_the_record_page_links_to_merging_it(admin_client, twins):
    response = admin_client.get(
        reverse("admin:partnerships_institution_change", args=[twins["kept"].pk])
    )

    assert merge_page("institution", twins["kept"]) in response.text


def test_the_merge_page_of_people_and_fields_renders(admin_client, db):
    person = factories.PersonFactory()
    field = factories.FocusAreaFactory()

    assert admin_client.get(merge_page("person", person)).status_code == 200
    assert admin_client.get(merge_page("focusarea", field)).status_code == 200


def test_after_a_merge_search_finds_the_kept_record_by_the_others_names(client, twins):
    merge(twins["other"], twins["kept"])

    response = client.get(reverse("institution-list"), {"q": "HKPU"})
    assert [str(i) for i in response.context["object_list"]] == [str(twins["kept"])]
    response = client.get(reverse("agreement-list"), {"q": "HKPU"})
    assert {a.slug for a in response.context["object_list"]} == {"shared", "own"}


def test_a_persons_other_names_find_them(client, db):
    from partnerships.models import PersonName

    person = factories.PersonFactory(family_name="Fu", given_name="Wei")
    PersonName.objects.create(person=person, name="Prof. FU Wei, PUTH President")
    response = client.get(reverse("person-list"), {"q": "PUTH President"})
    assert [p.pk for p in response.context["object_list"]] == [person.pk]
