"""Publishing rules: a source, and cited evidence for the date and each party."""

import pytest
from django.urls import reverse

from partnerships import models
from tests import factories
from tests.admin_factories import agreement_form, inline_formset


@pytest.fixture
def parties(db):
    return [
        factories.InstitutionFactory(name="Beihang University"),
        factories.InstitutionFactory(name="Peking Union Medical College"),
    ]


@pytest.fixture
def source(db):
    return factories.SourceFactory(title="Beihang and PUMC sign a strategic agreement")


SIGNING = "On May 18, Beihang University and Peking Union Medical College signed an agreement."


def publishable(parties, source, **fields):
    """A complete, publishable agreement as the add page posts it."""
    return agreement_form(
        parties=parties,
        sources=[source],
        party_quote=SIGNING,
        **{"status": "published", "signed_on_quote": SIGNING, **fields},
    )


def add(client, data):
    return client.post(reverse("admin:partnerships_agreement_add"), data)


def test_a_cited_agreement_with_a_source_publishes(admin_client, parties, source):
    response = add(admin_client, publishable(parties, source))

    assert response.status_code == 302
    agreement = models.Agreement.objects.get()
    assert agreement.is_published and agreement.published_at is not None


def test_publishing_without_a_source_is_refused(admin_client, parties, source):
    data = publishable(parties, source)
    data.update(inline_formset("source_links"))

    response = add(admin_client, data)

    assert response.status_code == 200
    assert "published only with its source" in response.text
    assert not models.Agreement.objects.exists()


def test_publishing_without_the_sentence_naming_a_party_is_refused(admin_client, parties, source):
    data = publishable(parties, source)
    data["party_links-1-quote"] = ""

    response = add(admin_client, data)

    assert response.status_code == 200
    assert "names each party before publishing: none for Peking Union Medical College" in (
        response.text
    )
    assert not models.Agreement.objects.exists()


def test_publishing_a_stated_date_without_its_sentence_is_refused(admin_client, parties, source):
    response = add(admin_client, publishable(parties, source, signed_on_quote=""))

    assert response.status_code == 200
    assert "quote the sentence of the source that states the signing date" in response.text
    assert not models.Agreement.objects.exists()


def test_an_unstated_date_needs_no_sentence(admin_client, parties, source):
    response = add(
        admin_client,
        publishable(
            parties, source, signed_on="", signed_on_precision="unknown", signed_on_quote=""
        ),
    )

    assert response.status_code == 302


def test_a_refused_publish_shows_no_publication_time(admin_client, parties, source):
    response = add(admin_client, publishable(parties, source, signed_on_quote=""))

    published_at = response.context["adminform"].form.instance.published_at
    assert published_at is None
    assert "Published at" not in response.text or "-" in response.text


def test_a_draft_needs_no_evidence(admin_client, parties):
    response = add(admin_client, agreement_form(parties=parties, party_quote=""))

    assert response.status_code == 302
    assert models.Agreement.objects.get().published_at is None


def test_rows_left_without_a_source_cite_the_agreements_source(admin_client, parties, source):
    response = add(admin_client, publishable(parties, source))

    assert response.status_code == 302
    agreement = models.Agreement.objects.get()
    assert set(agreement.party_links.values_list("source", flat=True)) == {source.pk}
    assert agreement.evidence_source == source


def test_the_publish_action_refuses_an_uncited_draft_and_says_why(admin_client, parties, source):
    draft = factories.DraftAgreementFactory(parties=parties)
    models.AgreementSource.objects.create(agreement=draft, source=source)

    response = admin_client.post(
        reverse("admin:partnerships_agreement_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )

    draft.refresh_from_db()
    assert not draft.is_published and draft.published_at is None
    text = response.text
    assert "names each party" in text
    assert "states the signing date" in text


def test_the_publish_action_publishes_a_cited_draft(admin_client, parties, source):
    draft = factories.DraftAgreementFactory(
        parties=parties, signed_on_quote=SIGNING, evidence_source=source
    )
    models.AgreementSource.objects.create(agreement=draft, source=source)
    draft.party_links.update(quote=SIGNING, source=source)

    admin_client.post(
        reverse("admin:partnerships_agreement_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None
