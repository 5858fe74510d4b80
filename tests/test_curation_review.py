"""The desk's review page: rows the reading missed are added without JavaScript, and the
page costs the same number of queries whatever the size of the release."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.models import (
    Agreement,
    AgreementFocusArea,
    AgreementParty,
    FocusArea,
    Participation,
)
from tests.test_curation_desk import URL, paste, read, review_data
from tests.test_curation_desk import editor_client as editor_client

SHORT = """Source: https://news.example.edu/short
Title: Example University signs with Example Hospital

Example University and Example General Hospital signed a cooperation agreement on \
3 May 2024.
"""


def _missed_row(data, prefix):
    """The index of the first blank row of a formset in posted ``data``."""
    return int(data[f"{prefix}-INITIAL_FORMS"])


def test_the_review_page_offers_blank_rows_for_what_the_reading_missed(editor_client):
    response = paste(editor_client, SHORT)
    for name in ("parties", "people", "focus_areas"):
        formset = response.context[name]
        assert formset.total_form_count() > formset.initial_form_count(), name
    assert "add one the reading missed" in response.text


def test_a_missed_party_person_and_field_are_saved_from_the_blank_rows(editor_client, curated):
    field = FocusArea.objects.order_by("name").first()

    def add_missed(data):
        party = _missed_row(data, "party")
        data[f"party-{party}-name"] = "Example School of Nursing"
        data[f"party-{party}-kind"] = "school"
        person = _missed_row(data, "person")
        data[f"person-{person}-family_name"] = "Okonkwo"
        data[f"person-{person}-given_name"] = "Ada"
        data[f"person-{person}-name_order"] = "given_first"
        data[f"person-{person}-roles"] = ["attendee"]
        data[f"field-{_missed_row(data, 'field')}-focus_area"] = field.pk

    response = paste(editor_client, SHORT)
    saved = editor_client.post(URL, review_data(response, add_missed))

    assert saved.status_code == 302
    agreement = Agreement.objects.get(title__icontains="Example")
    assert AgreementParty.objects.filter(
        agreement=agreement, institution__name="Example School of Nursing"
    ).exists()
    assert Participation.objects.filter(
        agreement=agreement, person__family_name="Okonkwo", role="attended"
    ).exists()
    assert AgreementFocusArea.objects.filter(agreement=agreement, focus_area=field).exists()


def test_blank_rows_left_as_they_came_add_nothing(editor_client):
    response = paste(editor_client, SHORT)
    proposed = response.context["parties"].initial_form_count()

    saved = editor_client.post(URL, review_data(response))

    assert saved.status_code == 302
    agreement = Agreement.objects.get()
    assert AgreementParty.objects.filter(agreement=agreement).count() == proposed
    assert not Participation.objects.filter(agreement=agreement).exists()


def test_a_half_typed_missed_row_is_refused_and_kept(editor_client):
    def half_typed(data):
        data[f"person-{_missed_row(data, 'person')}-given_name"] = "Ada"

    response = paste(editor_client, SHORT)
    refused = editor_client.post(URL, review_data(response, half_typed))

    assert refused.status_code == 200
    assert not Agreement.objects.exists()
    assert 'value="Ada"' in refused.text


def _queries(client, text):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(URL, {"text": text, "url": "", "title": "", "published": ""})
    assert response.status_code == 200 and "save_draft" in response.text
    return len(captured)


@pytest.mark.parametrize("refused", [False, True])
def test_the_review_page_costs_the_same_whatever_the_size_of_the_release(
    editor_client, curated, django_assert_max_num_queries, refused
):
    """A short release and a long one (many parties, people and fields)."""
    long_release = (
        read("written_01_cn_joint_lab.txt") + "\n\n" + read("written_03_uk_nhs_full_date.txt")
    )
    if not refused:
        counts = [_queries(editor_client, text) for text in (SHORT, long_release)]
        assert counts[0] == counts[1], counts
        with django_assert_max_num_queries(counts[0]):
            paste(editor_client, long_release)
        return

    # A refused save re-renders the page: the same cost for a short and a long release.
    def refuse(data):
        data["title"] = ""

    counts = []
    agreements = Agreement.objects.count()
    for text in (SHORT, long_release):
        data = review_data(paste(editor_client, text), refuse)
        with CaptureQueriesContext(connection) as captured:
            response = editor_client.post(URL, data)
        assert response.status_code == 200 and Agreement.objects.count() == agreements
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
