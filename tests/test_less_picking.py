"""Less picking: a new person typed into a participation row; positions by person, dated."""

import datetime

import pytest
from django.urls import reverse

from partnerships import models
from partnerships.curation.people import read_printed_name
from tests import factories
from tests.admin_factories import agreement_form


@pytest.fixture
def parties(db):
    return [
        factories.InstitutionFactory(slug="puth", name="Peking University Third Hospital"),
        factories.InstitutionFactory(slug="ustb", name="University of Science and Technology"),
    ]


def test_printed_names_are_read_with_titles_apart():
    fu = read_printed_name("Prof. FU Wei")
    assert (fu.family_name, fu.given_name, fu.honorifics) == ("Fu", "Wei", "Prof.")
    ip = read_printed_name("Nancy IP")
    assert (ip.family_name, ip.given_name, ip.name_order) == ("Ip", "Nancy", "given_first")
    assert read_printed_name("  ") is None


def test_a_participation_row_can_create_the_person_and_their_position(admin_client, parties):
    puth = parties[0]
    data = agreement_form(
        parties=parties,
        participations=[
            {
                "person": "",
                "new_person": "Prof. FU Wei",
                "role": "signed",
                "on_behalf_of": puth.pk,
                "position": "",
                "new_title": "President",
                "quote": "Prof. FU Wei, PUTH President, signed for the hospital.",
            }
        ],
    )

    response = admin_client.post(reverse("admin:partnerships_agreement_add"), data)

    assert response.status_code == 302
    participation = models.Participation.objects.get()
    person = participation.person
    assert (person.family_name, person.given_name, person.honorifics) == ("Fu", "Wei", "Prof.")
    assert list(person.other_names.values_list("name", flat=True)) == ["Prof. FU Wei"]
    position = participation.position
    assert (position.person, position.institution, position.title) == (person, puth, "President")
    assert (position.as_of, position.as_of_precision) == (datetime.date(2023, 5, 18), "day")


def test_a_new_title_without_an_institution_is_refused_and_the_row_kept(admin_client, parties):
    data = agreement_form(
        parties=parties,
        participations=[
            {"person": "", "new_person": "ZHANG San", "role": "attended", "new_title": "Dean"}
        ],
    )

    response = admin_client.post(reverse("admin:partnerships_agreement_add"), data)

    assert response.status_code == 200
    assert "Say at which institution they hold this title" in response.text
    assert 'value="ZHANG San"' in response.text
    assert not models.Person.objects.exists()


def test_a_row_needs_a_person_chosen_or_typed(admin_client, parties):
    data = agreement_form(
        parties=parties, participations=[{"person": "", "new_person": "", "role": "spoke"}]
    )

    response = admin_client.post(reverse("admin:partnerships_agreement_add"), data)

    assert response.status_code == 200
    assert "Choose the person, or type a new person’s name" in response.text


def test_choosing_a_position_offers_only_the_chosen_persons_positions(admin_client, parties):
    fu = factories.PositionFactory(
        person=factories.PersonFactory(family_name="Fu", given_name="Wei"),
        institution=parties[0],
        title="President",
        as_of=datetime.date(2023, 12, 25),
        as_of_precision="day",
    )
    factories.PositionFactory(institution=parties[0], title="President")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "partnerships",
            "model_name": "participation",
            "field_name": "position",
            "term": "President",
            "person": fu.person_id,
        },
    )

    results = response.json()["results"]
    assert [result["id"] for result in results] == [str(fu.pk)]
    assert "as of 25 December 2023" in results[0]["text"]
