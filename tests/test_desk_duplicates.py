"""Near-duplicates on the desk: a new institution or person that looks like one already in
the directory is named to the editor, who uses it or confirms a new record."""

import pytest
from django.urls import reverse

from partnerships import models
from tests import factories
from tests.admin_factories import agreement_form
from tests.test_curation_desk import URL, paste, review_data
from tests.test_curation_desk import editor_client as editor_client
from tests.test_curation_review import SHORT

WARNING = "This may already be in the directory"


def _row(data, prefix, field, value):
    """The index of the row of ``prefix`` whose ``field`` is ``value``."""
    for key, posted in data.items():
        if key.startswith(f"{prefix}-") and key.endswith(f"-{field}") and posted == value:
            return int(key.split("-")[1])
    raise AssertionError(f"no {prefix} row with {field} {value!r}")


@pytest.fixture
def hospital(db):
    institution = factories.InstitutionFactory(slug="egh", name="Example Gen. Hospital")
    factories.InstitutionNameFactory(institution=institution, name="EGH", name_type="acronym")
    return institution


def _with_acronym(data):
    data[f"party-{_row(data, 'party', 'name', 'Example General Hospital')}-abbreviation"] = "EGH"


def test_a_proposed_institution_alike_to_a_known_one_is_warned_and_nothing_saved(
    editor_client, hospital
):
    response = paste(editor_client, SHORT)
    institutions = models.Institution.objects.count()

    warned = editor_client.post(URL, review_data(response, _with_acronym))

    assert warned.status_code == 200
    assert WARNING in warned.text and "Example Gen. Hospital" in warned.text
    assert "slug egh" in warned.text
    assert not models.Agreement.objects.exists()
    assert models.Institution.objects.count() == institutions


def test_the_editor_can_take_the_existing_institution_instead(editor_client, hospital):
    response = paste(editor_client, SHORT)
    warned = editor_client.post(URL, review_data(response, _with_acronym))

    def use_existing(data):
        data[f"party-{_row(data, 'party', 'name', 'Example General Hospital')}-existing"] = "egh"

    saved = editor_client.post(URL, review_data(warned, use_existing))

    assert saved.status_code == 302
    agreement = models.Agreement.objects.get()
    assert hospital in agreement.parties.all()
    assert not models.Institution.objects.filter(name="Example General Hospital").exists()


def test_the_editor_can_confirm_a_new_institution(editor_client, hospital):
    response = paste(editor_client, SHORT)
    warned = editor_client.post(URL, review_data(response, _with_acronym))
    assert 'name="party-1-not_a_duplicate"' in warned.text or "not_a_duplicate" in warned.text

    def confirm(data):
        index = _row(data, "party", "name", "Example General Hospital")
        data[f"party-{index}-not_a_duplicate"] = "on"

    saved = editor_client.post(URL, review_data(warned, confirm))

    assert saved.status_code == 302
    assert models.Institution.objects.filter(name="Example General Hospital").exists()


def test_a_typed_person_alike_to_a_known_one_is_warned(editor_client):
    known = factories.PersonFactory(slug="okonkwo-ada", family_name="Okonkwo", given_name="Ada")

    def add_person(data):
        index = int(data["person-INITIAL_FORMS"])
        data[f"person-{index}-family_name"] = "Okonkwo"
        data[f"person-{index}-given_name"] = "Adaa"
        data[f"person-{index}-roles"] = ["attendee"]

    response = paste(editor_client, SHORT)
    warned = editor_client.post(URL, review_data(response, add_person))
    assert (
        warned.status_code == 200 and WARNING in warned.text and "slug okonkwo-ada" in warned.text
    )

    def use_existing(data):
        data[f"person-{int(data['person-INITIAL_FORMS'])}-existing"] = "okonkwo-ada"

    saved = editor_client.post(URL, review_data(warned, use_existing))
    assert saved.status_code == 302
    assert models.Participation.objects.get().person == known
    assert models.Person.objects.count() == 1


@pytest.fixture
def parties(db):
    return [
        factories.InstitutionFactory(slug="puth", name="Peking University Third Hospital"),
        factories.InstitutionFactory(slug="ustb", name="University of Science and Technology"),
    ]


def test_a_new_person_typed_in_a_participation_row_is_checked(admin_client, parties):
    known = factories.PersonFactory(slug="fu-wei", family_name="Fu", given_name="Wei")
    row = {"person": "", "new_person": "Prof. FU Wei", "role": "signed", "position": ""}
    add = reverse("admin:partnerships_agreement_add")

    warned = admin_client.post(add, agreement_form(parties=parties, participations=[row]))

    assert warned.status_code == 200
    assert WARNING in warned.text and "slug fu-wei" in warned.text
    assert not models.Agreement.objects.exists() and models.Person.objects.count() == 1
    assert 'value="Prof. FU Wei"' in warned.text  # nothing typed is lost

    confirmed = {**row, "new_person_is_new": "on"}
    saved = admin_client.post(add, agreement_form(parties=parties, participations=[confirmed]))

    assert saved.status_code == 302
    assert models.Person.objects.count() == 2
    assert models.Participation.objects.get().person != known
