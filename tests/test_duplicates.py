"""Near-duplicates: creating an institution, person or field warns of the likely same record."""

import pytest
from django.urls import reverse

from partnerships.curation.duplicates import (
    focus_area_duplicates,
    institution_duplicates,
    normalise,
    person_duplicates,
)
from partnerships.models import FocusArea, Institution, Person, PersonName
from tests import factories
from tests.admin_factories import inline_formset


@pytest.fixture
def polyu(db):
    institution = factories.InstitutionFactory(
        slug="polyu", name="The Hong Kong Polytechnic University", city="Hong Kong"
    )
    factories.InstitutionNameFactory(institution=institution, name="PolyU")
    factories.InstitutionFactory(slug="hku", name="The University of Hong Kong")
    return institution


def records(found):
    return [candidate.record for candidate in found]


def test_names_are_compared_without_case_accents_punctuation_or_a_leading_the():
    assert normalise("The Hong Kong Polytechnic University") == normalise(
        "hong kong polytechnic university."
    )
    assert normalise("Hôpital Saint-Louis") == "hopital saint louis"
    assert normalise("Guy’s & St Thomas’") == normalise("guy s and st thomas")


def test_a_similar_institution_name_is_a_possible_duplicate(polyu):
    found = institution_duplicates("Hong Kong Polytechnic University")

    assert records(found)[0] == polyu
    assert found[0].reason == "similar name"


def test_a_shared_acronym_is_a_possible_duplicate_whatever_the_name(polyu):
    found = institution_duplicates("HK Poly Univ.", ["POLYU"])

    assert records(found) == [polyu]
    assert "PolyU" in found[0].reason


def test_a_name_typed_as_an_existing_records_other_name_is_a_possible_duplicate(polyu):
    assert records(institution_duplicates("PolyU")) == [polyu]


def test_an_unrelated_institution_is_not_a_duplicate(polyu):
    assert institution_duplicates("Tianjin Medical University", ["TMU"]) == []


def test_the_record_being_edited_is_not_its_own_duplicate(polyu):
    assert polyu not in records(institution_duplicates(polyu.name, exclude=polyu))


def test_a_person_is_the_same_whatever_the_case_or_order_of_the_name(db):
    fu_wei = factories.PersonFactory(family_name="Fu", given_name="Wei")

    assert records(person_duplicates("FU", "Wei")) == [fu_wei]
    assert records(person_duplicates("Wei", "Fu")) == [fu_wei]


def test_a_persons_other_name_is_a_possible_duplicate(db):
    person = factories.PersonFactory(family_name="Ip", given_name="Yuk-Yu Nancy")
    PersonName.objects.create(person=person, name="Nancy Ip")

    assert records(person_duplicates("Ip", "Nancy")) == [person]


def test_a_different_person_with_the_same_family_name_is_not_a_duplicate(db):
    factories.PersonFactory(family_name="Wang", given_name="Chen")

    assert person_duplicates("Wang", "Xiaoming") == []


def test_a_similar_field_or_one_of_its_other_names_is_a_possible_duplicate(db):
    imaging = factories.FocusAreaFactory(name="Medical imaging")
    ai = factories.FocusAreaFactory(
        name="Artificial intelligence in medicine", synonyms="AI in healthcare\nMedical AI"
    )

    assert records(focus_area_duplicates("Medical Imaging.")) == [imaging]
    assert records(focus_area_duplicates("medical AI")) == [ai]
    assert focus_area_duplicates("Clinical research") == []


# In the admin


def institution_form(**fields):
    return {
        "name": "Hong Kong Polytechnic University",
        "slug": "hong-kong-polytechnic-university",
        "kind": "university",
        "city": "Hong Kong",
        "region": "",
        "country": "China",
        "website": "",
        "ror_id": "",
        "wikidata_id": "",
        "description": "",
        **inline_formset("names", [{"name": "PolyU", "name_type": "acronym", "language": ""}]),
        **inline_formset("relations_from"),
        **inline_formset("positions"),
        **fields,
    }


def test_adding_a_likely_duplicate_institution_warns_and_keeps_what_was_typed(admin_client, polyu):
    response = admin_client.post(reverse("admin:partnerships_institution_add"), institution_form())

    assert response.status_code == 200
    assert Institution.objects.count() == 2
    page = response.text
    assert "may already be in the directory" in page
    assert reverse("admin:partnerships_institution_change", args=[polyu.pk]) in page
    assert 'type="checkbox" name="not_a_duplicate"' in page
    assert 'value="hong-kong-polytechnic-university"' in page
    assert 'value="PolyU"' in page


def test_the_editor_can_confirm_past_the_warning(admin_client, polyu):
    response = admin_client.post(
        reverse("admin:partnerships_institution_add"), institution_form(not_a_duplicate="on")
    )

    assert response.status_code == 302
    assert Institution.objects.filter(slug="hong-kong-polytechnic-university").exists()


def test_the_add_form_hides_the_confirmation_until_there_is_a_warning(admin_client, db):
    response = admin_client.get(reverse("admin:partnerships_institution_add"))

    assert 'type="hidden" name="not_a_duplicate"' in response.text


def test_a_new_institution_without_a_likely_duplicate_saves_at_once(admin_client, polyu):
    response = admin_client.post(
        reverse("admin:partnerships_institution_add"),
        institution_form(
            name="Tianjin Medical University",
            slug="tmu",
            **inline_formset("names", [{"name": "TMU", "name_type": "acronym", "language": ""}]),
        ),
    )

    assert response.status_code == 302


def test_editing_an_existing_institution_does_not_warn(admin_client, polyu):
    twin = factories.InstitutionFactory(slug="polyu-2", name="Hong Kong Polytechnic University")
    data = institution_form(slug=twin.slug, **inline_formset("names"))

    response = admin_client.post(
        reverse("admin:partnerships_institution_change", args=[twin.pk]), data
    )

    assert response.status_code == 302


def test_adding_a_likely_duplicate_person_warns(admin_client, db):
    factories.PersonFactory(family_name="Fu", given_name="Wei")
    data = {
        "family_name": "FU",
        "given_name": "Wei",
        "name_order": "family_first",
        "slug": "fu-wei-2",
        "native_name": "",
        "honorifics": "Prof.",
        **inline_formset("other_names"),
        **inline_formset("positions"),
    }

    response = admin_client.post(reverse("admin:partnerships_person_add"), data)

    assert response.status_code == 200
    assert "may already be in the directory" in response.text
    assert Person.objects.count() == 1


def test_adding_a_likely_duplicate_field_warns(admin_client, db):
    factories.FocusAreaFactory(name="Medical imaging", slug="medical-imaging")
    data = {
        "name": "Medical imagng",
        "slug": "medical-imagng",
        "description": "",
        "synonyms": "",
    }

    response = admin_client.post(reverse("admin:partnerships_focusarea_add"), data)

    assert response.status_code == 200
    assert "may already be in the directory" in response.text
    assert FocusArea.objects.count() == 1
