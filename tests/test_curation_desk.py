"""The editors' page "New agreement from a press release": paste, review, save once."""

from pathlib import Path

import pytest
from django.urls import reverse

from partnerships.models import (
    Agreement,
    AgreementFocusArea,
    AgreementParty,
    AgreementStatus,
    DatePrecision,
    EstablishedBody,
    Institution,
    InstitutionKind,
    Participation,
    ParticipationRole,
    Person,
    Position,
    Source,
)
from tests.admin_factories import EditorFactory

CORPUS = Path(__file__).resolve().parent.parent / "docs" / "curation" / "corpus"
URL = reverse("admin:partnerships_agreement_from_press_release")
FORMSETS = ("parties", "people", "focus_areas", "established")
CHINESE_RELEASE = "北京航空航天大学与北京协和医学院签署战略合作协议。双方将在医工结合领域深化合作。"


def read(name):
    return (CORPUS / name).read_text(encoding="utf-8")


@pytest.fixture
def editor_client(client, db):
    client.force_login(EditorFactory())
    return client


def paste(client, text, **fields):
    return client.post(URL, {"text": text, "url": "", "title": "", "published": "", **fields})


def review_data(response, change=None):
    """The review page's forms as the browser would post them, with ``change`` applied."""
    context = response.context
    data = {"save_draft": "1"}
    _form_data(context["agreement_form"], data)
    for name in FORMSETS:
        formset = context[name]
        for field in formset.management_form:
            data[field.html_name] = field.value()
        for form in formset:
            _form_data(form, data)
    if change:
        change(data)
    return data


def _form_data(form, data):
    for field in form:
        value = field.value()
        if field.widget_type == "checkbox":
            if value:
                data[field.html_name] = "on"
        elif field.widget_type == "checkboxselectmultiple":
            data[field.html_name] = list(value or [])
        elif value is not None:
            data[field.html_name] = value.pk if hasattr(value, "pk") else value


# The way in


def test_the_agreement_list_and_the_admin_index_link_to_the_page(editor_client):
    for page in (reverse("admin:partnerships_agreement_changelist"), reverse("admin:index")):
        response = editor_client.get(page)
        assert f'href="{URL}"' in response.content.decode()


def test_an_account_that_may_not_add_agreements_is_refused(client, db):
    client.force_login(EditorFactory(in_editors_group=False))
    assert client.get(URL).status_code == 403


def test_the_paste_page_explains_itself(editor_client):
    response = editor_client.get(URL)
    assert response.status_code == 200
    assert "nothing is published" in response.content.decode()


# Bad input


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "This field is required."),
        ("x " * 60_000, "a press release fits in 100 KB"),
        ("%PDF-1.7\x00\x01\x02\x03 stream", "binary file"),
        (CHINESE_RELEASE, "not read as English"),
    ],
)
def test_bad_text_gets_a_clear_message_and_no_draft(editor_client, text, message):
    response = paste(editor_client, text)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "agreement_form" not in response.context
    assert not Agreement.objects.exists()


def test_an_unreadable_publication_date_is_refused_and_the_text_kept(editor_client):
    response = paste(editor_client, read("written_03_uk_nhs_full_date.txt"), published="soonish")
    assert "Enter the date as 18 March 2024" in response.content.decode()
    assert "Wessex Coast Hospitals" in response.content.decode()


# Review


def test_the_review_page_marks_each_fact_at_its_sentence(editor_client):
    response = paste(editor_client, read("written_03_uk_nhs_full_date.txt"))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<mark id="sentence-4">The agreement was signed on 14 March 2024' in page
    assert "[signing date; place; person: Helen Carter; person: Michael Osei]" in page
    assert response.context["agreement_form"]["signed_on"].value().isoformat() == "2024-03-14"


def test_a_header_gives_the_source_address_and_title(editor_client):
    header = "Source: https://news.example.edu/wessex\nTitle: Wessex signs with its trust\n\n"
    text = header + read("written_03_uk_nhs_full_date.txt")
    form = paste(editor_client, text).context["agreement_form"]
    assert form["source_url"].value() == "https://news.example.edu/wessex"
    assert form["source_title"].value() == "Wessex signs with its trust"


# One save


def test_one_save_creates_a_draft_with_every_row_cited(editor_client, curated):
    response = paste(
        editor_client,
        read("written_03_uk_nhs_full_date.txt"),
        url="https://news.example.ac.uk/wessex-trust",
    )
    saved = editor_client.post(URL, review_data(response))
    agreement = Agreement.objects.get(status=AgreementStatus.DRAFT)
    assert saved.status_code == 302
    assert saved.url == reverse("admin:partnerships_agreement_change", args=[agreement.pk])

    source = Source.objects.get(url="https://news.example.ac.uk/wessex-trust")
    assert agreement.status == AgreementStatus.DRAFT and agreement.published_at is None
    assert (agreement.signed_on.isoformat(), agreement.signed_on_precision) == (
        "2024-03-14",
        DatePrecision.DAY,
    )
    assert agreement.evidence_source == source
    assert agreement.signed_on_quote.startswith("The agreement was signed on 14 March 2024")
    assert agreement.place == "Southcliffe General Hospital"
    assert list(agreement.sources.all()) == [source]

    parties = AgreementParty.objects.filter(agreement=agreement).select_related("institution")
    assert [(p.institution.name, p.institution.kind) for p in parties] == [
        ("University of Wessex", InstitutionKind.UNIVERSITY),
        ("Wessex Coast Hospitals NHS Foundation Trust", InstitutionKind.HEALTH_SYSTEM),
    ]
    assert parties[1].institution.country == "United Kingdom"
    assert AgreementFocusArea.objects.filter(agreement=agreement).count() >= 2

    carter = Participation.objects.get(
        agreement=agreement, person__family_name="Carter", role=ParticipationRole.SIGNED
    )
    assert carter.on_behalf_of.name == "University of Wessex"
    assert carter.position.title == "Vice-Chancellor"
    assert carter.position.as_of.isoformat() == "2024-03-14"
    assert Participation.objects.filter(
        agreement=agreement, person__family_name="Carter", role=ParticipationRole.SPOKE
    ).exists()

    cited = [
        *parties,
        *Participation.objects.filter(agreement=agreement),
        *AgreementFocusArea.objects.filter(agreement=agreement),
        *EstablishedBody.objects.filter(agreement=agreement),
        *Position.objects.filter(participations__agreement=agreement),
    ]
    assert len(cited) > 10
    for row in cited:
        assert row.source == source, row
        assert row.quote and row.quote in agreement_text(), row


def agreement_text():
    return " ".join(read("written_03_uk_nhs_full_date.txt").split())


def test_a_dropped_or_corrected_fact_is_saved_as_the_editor_left_it(editor_client, curated):
    response = paste(editor_client, read("written_03_uk_nhs_full_date.txt"))

    def review(data):
        data.pop("field-0-keep")  # drop the first proposed field
        data["body-0-name"] = "Wessex Centre for Clinical Research (WCCR)"

    editor_client.post(URL, review_data(response, review))
    agreement = Agreement.objects.get(status=AgreementStatus.DRAFT)
    proposed = [
        form.initial["focus_area"].name for form in response.context["focus_areas"].initial_forms
    ]
    saved = [link.focus_area.name for link in agreement.focus_links.all()]
    assert proposed[0] not in saved and len(saved) == len(proposed) - 1
    assert agreement.established_bodies.get().name == "Wessex Centre for Clinical Research (WCCR)"


def test_known_institutions_and_people_are_reused(editor_client, curated):
    response = paste(editor_client, read("seed_001_516b4209d554b848.txt"))
    institutions, people = Institution.objects.count(), Person.objects.count()
    editor_client.post(URL, review_data(response))
    agreement = Agreement.objects.filter(status=AgreementStatus.DRAFT).get()
    assert [link.institution.slug for link in agreement.party_links.all()] == ["ustb", "puth"]
    assert Institution.objects.count() == institutions
    assert Person.objects.count() == people  # "FU Wei" is the curated Fu Wei
    fu_wei = agreement.participations.filter(person__slug="fu-wei")
    assert {link.role for link in fu_wei} == {ParticipationRole.SPOKE, ParticipationRole.ATTENDED}


def test_a_refused_save_keeps_everything_typed(editor_client):
    response = paste(editor_client, read("written_03_uk_nhs_full_date.txt"))

    def review(data):
        data["title"] = "Memorandum between Wessex and its trust (checked)"
        data["signed_on_precision"] = DatePrecision.MONTH  # but 14 March is not a 1st

    refused = editor_client.post(URL, review_data(response, review))
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Only the month is known: enter its first day." in page
    assert "Memorandum between Wessex and its trust (checked)" in page
    assert "Helen Carter" in page and "<mark" in page
    assert not Agreement.objects.exists()


def test_a_signatory_on_behalf_of_a_dropped_party_is_refused(editor_client):
    response = paste(editor_client, read("written_03_uk_nhs_full_date.txt"))

    def review(data):
        data.pop("party-0-keep")

    refused = editor_client.post(URL, review_data(response, review))
    assert "is not one of the kept parties" in refused.content.decode()
    assert not Agreement.objects.exists() and not Institution.objects.exists()


def test_a_party_slug_that_does_not_exist_is_refused(editor_client):
    response = paste(editor_client, read("written_03_uk_nhs_full_date.txt"))

    def review(data):
        data["party-0-existing"] = "no-such-university"

    refused = editor_client.post(URL, review_data(response, review))
    assert "No institution has the slug “no-such-university”." in refused.content.decode()
    assert not Agreement.objects.exists()
