"""Earlier versions of a record at stable addresses, citable by their history entry."""

import html5lib
import pytest

from partnerships.models import Agreement, Institution
from tests.factories import AgreementFactory, InstitutionFactory


def version_path(record, kind_prefix, history_id):
    return f"/{kind_prefix}/{record.slug}/versions/{history_id}/"


def test_an_earlier_version_shows_what_the_record_said_then(client, db):
    agreement = AgreementFactory(title="First title", place="Ruxin Conference Center")
    first = agreement.history.latest().history_id
    agreement.title = "Corrected title"
    agreement.save()

    earlier = client.get(version_path(agreement, "agreements", first))
    current = client.get(agreement.get_absolute_url())

    assert earlier.status_code == 200
    html = earlier.content.decode()
    assert "First title" in html
    assert "Ruxin Conference Center" in html
    assert "an earlier version" in html
    assert f'href="{agreement.get_absolute_url()}"' in html
    assert "Corrected title" in current.content.decode()


def test_the_version_page_cites_that_version(client, db):
    institution = InstitutionFactory(name="Old name")
    first = institution.history.latest().history_id
    institution.name = "New name"
    institution.save()

    html = client.get(version_path(institution, "institutions", first)).content.decode()

    assert f"Version {first}" in html
    assert f"http://testserver/institutions/{institution.slug}/versions/{first}/" in html
    assert "Old name" in html.split("Cite this record")[1]


def test_a_version_of_an_agreement_that_was_a_draft_is_not_public(client, db, admin_client):
    agreement = AgreementFactory(status="draft", published_at=None)
    draft_version = agreement.history.latest().history_id
    agreement.status = "published"
    agreement.published_at = agreement.created_at
    agreement.save()

    assert client.get(version_path(agreement, "agreements", draft_version)).status_code == 404
    assert admin_client.get(version_path(agreement, "agreements", draft_version)).status_code == 200


def test_a_history_entry_of_another_record_is_not_found(client, db):
    one, other = InstitutionFactory(), InstitutionFactory()
    other_entry = other.history.latest().history_id

    assert client.get(version_path(one, "institutions", other_entry)).status_code == 404
    assert client.get(version_path(one, "institutions", 999999)).status_code == 404


@pytest.mark.parametrize("edits", [1, 20])
def test_a_version_page_costs_the_same_queries_however_long_the_history(
    client, db, django_assert_max_num_queries, edits
):
    institution = InstitutionFactory()
    first = institution.history.latest().history_id
    for number in range(edits):
        Institution.objects.get(pk=institution.pk).save()
        institution.description = f"Edit {number}"
        institution.save()

    with django_assert_max_num_queries(12):
        assert client.get(version_path(institution, "institutions", first)).status_code == 200


def test_the_current_record_of_a_draft_agreement_has_no_public_versions(client, db):
    agreement = AgreementFactory(status="draft", published_at=None)
    entry = agreement.history.latest().history_id

    assert Agreement.objects.filter(pk=agreement.pk, status="draft").exists()
    assert client.get(version_path(agreement, "agreements", entry)).status_code == 404


def test_a_version_page_is_valid_html_with_headings_in_order(client, db):
    institution = InstitutionFactory()
    entry = institution.history.latest().history_id

    response = client.get(version_path(institution, "institutions", entry))

    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    document = parser.parse(response.content)  # Raises on any parse error.
    headings = [h.tag for h in document.iter() if str(h.tag) in ("h1", "h2", "h3")]
    assert headings[0] == "h1"
    assert headings.count("h1") == 1
