"""The JSON API: lists and records, the list pages' filters, pagination, clear errors."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import Agreement, FocusArea
from partnerships.open_data.exports import EXPORTS
from tests.factories import (
    AgreementFactory,
    DraftAgreementFactory,
    FocusAreaFactory,
    InstitutionFactory,
    ParticipationFactory,
    PersonFactory,
)

API_PAGE_SIZE = 50


def listed_slugs(client, path, query=""):
    response = client.get(f"{path}?{query}")
    return [record.slug for record in response.context["page_obj"].paginator.object_list]


def all_api_slugs(client, url):
    """Follow ``next`` links to the end, collecting slugs."""
    slugs = []
    while url:
        body = client.get(url).json()
        slugs += [record["slug"] for record in body["results"]]
        url = body["next"]
    return slugs


def all_api_records(client, url):
    """Follow ``next`` links to the end, collecting records."""
    records = []
    while url:
        body = client.get(url).json()
        records += body["results"]
        url = body["next"]
    return records


@pytest.mark.parametrize(
    ("path", "detail_slug"),
    [
        ("agreements", "hkust-pumch-strategic-cooperation-2024"),
        ("institutions", "pumch"),
        ("people", "nancy-ip"),
        ("fields", "medical-education"),
    ],
)
def test_every_record_type_has_a_list_and_a_detail(client, curated, path, detail_slug):
    listing = client.get(f"/api/{path}/")
    record = client.get(f"/api/{path}/{detail_slug}/")

    assert listing.status_code == 200
    assert set(listing.json()) == {"count", "next", "previous", "results"}
    assert detail_slug in [r["slug"] for r in listing.json()["results"]]
    assert record.status_code == 200
    assert record.json()["slug"] == detail_slug
    assert record.json()["url"] == f"http://testserver/api/{path}/{detail_slug}/"
    assert record.json()["html_url"] == f"http://testserver/{path}/{detail_slug}/"


def test_agreement_record_links_to_its_parties_people_and_fields(client, curated):
    record = client.get("/api/agreements/hkust-pumch-strategic-cooperation-2024/").json()

    assert record["signed_on"] == "2024"
    assert record["signed_on_precision"] == "year"
    assert [party["slug"] for party in record["parties"]] == ["hkust", "pumch"]
    signatory = next(p for p in record["participations"] if p["role"] == "signed")
    for url in (
        record["parties"][0]["url"],
        record["fields"][0]["url"],
        signatory["person"]["url"],
        signatory["on_behalf_of"]["url"],
    ):
        assert client.get(url).status_code == 200
    assert record["sources"][0]["title"]


def test_institution_record_links_to_its_agreements_and_feed(client, curated):
    record = client.get("/api/institutions/pumch/").json()

    agreements = client.get(record["agreements_url"]).json()
    assert agreements["count"] >= 1
    assert all(
        "pumch" in [party["slug"] for party in agreement["parties"]]
        for agreement in agreements["results"]
    )
    assert client.get(record["feed_url"]).status_code == 200
    assert client.get(record["people_url"]).status_code == 200


def test_field_record_links_to_its_parent_and_children(client, curated):
    record = client.get("/api/fields/medical-education/").json()

    assert record["parent"] is None or client.get(record["parent"]["url"]).status_code == 200
    parent = client.get("/api/fields/").json()["results"][0]
    assert parent["parent"] is None
    children = client.get(parent["url"]).json()["children"]
    assert children
    assert all(client.get(child["url"]).status_code == 200 for child in children)


@pytest.fixture
def many_agreements(curated):
    field = FocusAreaFactory(slug="medical-ai-extra", name="Medical AI (extra)")
    parties = [InstitutionFactory(slug="test-university"), InstitutionFactory(kind="hospital")]
    for number in range(API_PAGE_SIZE + 10):
        AgreementFactory(
            slug=f"ai-agreement-{number:02d}",
            title=f"Medical AI agreement {number:02d}",
            signed_on=datetime.date(2020 + number % 4, 1, 1 + number % 28),
            parties=parties,
            fields=[field],
        )


def test_lists_are_paginated_with_a_count_and_links(client, many_agreements):
    first = client.get("/api/agreements/").json()
    second = client.get(first["next"]).json()

    assert first["count"] == API_PAGE_SIZE + 10 + 5
    assert len(first["results"]) == API_PAGE_SIZE
    assert first["previous"] is None
    assert second["previous"].startswith("http://testserver/api/agreements/")
    assert second["next"] is None
    assert len(second["results"]) == 15


def test_pagination_links_keep_the_filters(client, many_agreements):
    first = client.get("/api/agreements/?field=medical-ai-extra&sort=title").json()

    assert "field=medical-ai-extra" in first["next"]
    assert "sort=title" in first["next"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "field=medical-ai-extra&sort=oldest",
        "year=2021&year=2023",
        "institution=pumch",
        "institution=test-university&institution=pumch&sort=title",
        "kind=strategic_cooperation&institution_kind=hospital",
        "q=Tianjin",
        "q=PUMCH",
        "signed_from=2021-01-01&signed_to=2022-12-31",
    ],
)
def test_agreement_list_filters_exactly_as_the_html_list(client, many_agreements, query):
    expected = listed_slugs(client, "/agreements/", query)

    assert all_api_slugs(client, f"/api/agreements/?{query}") == expected


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("institutions", "kind=hospital"),
        ("institutions", "q=USTB"),
        ("institutions", "sort=agreements&country=China"),
        ("people", "role=signed"),
        ("people", "institution=pumch"),
        ("people", "q=Wang"),
        ("fields", "q=medical"),
        ("fields", ""),
    ],
)
def test_other_lists_filter_exactly_as_the_html_lists(client, curated, path, query):
    expected = listed_slugs(client, f"/{path}/", query)

    assert all_api_slugs(client, f"/api/{path}/?{query}") == expected


def test_draft_agreements_never_appear(client, admin_client, curated):
    institution = InstitutionFactory(slug="draft-party")
    person = PersonFactory(slug="draft-signer")
    draft = DraftAgreementFactory(slug="secret-draft", title="Secret draft", parties=[institution])
    ParticipationFactory(agreement=draft, person=person, role="signed")

    for browser in (client, admin_client):
        assert "secret-draft" not in all_api_slugs(browser, "/api/agreements/")
        assert browser.get("/api/agreements/?q=Secret").json()["count"] == 0
        assert browser.get("/api/agreements/secret-draft/").status_code == 404
        assert browser.get("/api/people/draft-signer/").json()["participations"] == []
        assert browser.get("/api/people/draft-signer/").json()["agreement_count"] == 0
        assert browser.get("/api/institutions/draft-party/").json()["agreement_count"] == 0


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("year=abc", "year"),
        ("year=1800", "year"),
        ("institution=%3Cscript%3E", "institution"),
        ("field=not%20a%20slug", "field"),
        ("q=" + "x" * 500, "q"),
        ("q=a%00b", "q"),
        ("city=a%00b", "city"),
        ("kind=treaty", "kind"),
        ("sort=sideways", "sort"),
        ("signed_from=yesterday", "signed_from"),
        ("signed_from=2024-01-01&signed_to=2020-01-01", "signed_to"),
        ("&".join(["year=2020"] * 21), "year"),
    ],
)
def test_an_invalid_parameter_is_a_400_saying_what_is_wrong(client, curated, query, parameter):
    response = client.get(f"/api/agreements/?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()["errors"]
    assert parameter in errors
    assert all(isinstance(message, str) and message for message in errors[parameter])


def test_an_invalid_year_is_explained_in_words(client, curated):
    response = client.get("/api/agreements/?year=abc")

    assert response.json() == {"errors": {"year": ["“abc” is not a year between 1900 and 2100."]}}


@pytest.mark.parametrize(
    "path",
    [
        "/api/institutions/?kind=castle",
        "/api/people/?role=danced",
        "/api/people/?institution=%3Cscript%3E",
        "/api/fields/?q=%00",
    ],
)
def test_every_list_refuses_invalid_parameters(client, curated, path):
    response = client.get(path)

    assert response.status_code == 400
    assert response.json()["errors"]


@pytest.mark.parametrize("page", ["0", "abc", "999", "-1", "1.5", "%00"])
def test_a_page_that_does_not_exist_is_a_json_404(client, curated, page):
    response = client.get(f"/api/agreements/?page={page}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Invalid page."}


@pytest.mark.parametrize(
    "path",
    [
        "/api/agreements/no-such-agreement/",
        "/api/institutions/no-such-institution/",
        "/api/people/no-such-person/",
        "/api/fields/no-such-field/",
        "/api/agreements/a%00b/",
        "/api/agreements/%3Cscript%3E/",
        "/api/agreements/a/b/",
        "/api/no-such-endpoint/",
    ],
)
def test_an_unknown_record_or_address_is_a_json_404(client, curated, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_a_record_takes_no_list_filters(client, curated):
    response = client.get("/api/agreements/hkust-pumch-strategic-cooperation-2024/?year=abc")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["year"]


def test_the_api_only_reads(client, curated):
    for method in (client.post, client.put, client.delete):
        assert method("/api/agreements/").status_code == 405
        assert method("/api/institutions/pumch/").status_code == 405


def test_the_api_answers_json_even_to_a_browser(client, curated):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/api/agreements/", headers={"accept": accept})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_a_list_is_read_in_a_fixed_number_of_queries(
    client, many_agreements, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        client.get("/api/agreements/")
    with django_assert_max_num_queries(6):
        client.get("/api/people/")
    with django_assert_max_num_queries(6):
        client.get("/api/institutions/")


def test_the_schema_is_openapi_3_with_every_endpoint(client, curated):
    response = client.get("/api/schema/", headers={"accept": "application/json"})

    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/agreements/",
        "/api/agreements/{slug}/",
        "/api/institutions/",
        "/api/institutions/{slug}/",
        "/api/people/",
        "/api/people/{slug}/",
        "/api/fields/",
        "/api/fields/{slug}/",
    } <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/agreements/"]["get"]["parameters"]}
    assert {"q", "year", "institution", "field", "kind", "sort", "page"} <= parameters


class Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.levels = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def test_the_api_page_explains_everything_in_accessible_html(client, curated):
    response = client.get("/api/")
    html = response.content.decode()
    parser = Headings()
    parser.feed(html)

    assert response.status_code == 200
    assert parser.levels.count(1) == 1
    assert parser.levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(parser.levels, parser.levels[1:], strict=False))
    assert '<main id="main-content"' in html
    for word in ("curl", "count", "next", "previous", "export.csv", "/api/schema/", "400"):
        assert word in html
    for export in EXPORTS.values():
        assert f'id="columns-{export.slug}"' in html
        for column in export.columns:
            assert f"<code>{column.name}</code>" in html


@pytest.mark.parametrize("path", ["agreements", "institutions", "people", "fields"])
def test_a_listed_record_is_its_detail_record_in_brief(client, many_agreements, path):
    """Lists read related records as plain values; details as model instances."""
    results = client.get(f"/api/{path}/").json()["results"]

    assert results
    for listed in results:
        detail = client.get(listed["url"]).json()
        assert {key: detail[key] for key in listed} == listed


def test_links_are_the_reversed_addresses(client, many_agreements):
    """Built from one reverse() per view and response; the same as one per link."""

    def address(view_name, slug):
        return "http://testserver" + reverse(view_name, kwargs={"slug": slug})

    for agreement in all_api_records(client, "/api/agreements/"):
        assert agreement["url"] == address("api:agreement-detail", agreement["slug"])
        assert agreement["html_url"] == address("agreement-detail", agreement["slug"])
        for party in agreement["parties"]:
            assert party["url"] == address("api:institution-detail", party["slug"])
        for field in agreement["fields"]:
            assert field["url"] == address("api:focusarea-detail", field["slug"])
    curated = client.get("/api/agreements/hkust-pumch-strategic-cooperation-2024/").json()
    assert curated["sources"]
    for source in curated["sources"]:
        assert source["html_url"] == address("source-detail", source["slug"])


def test_counts_and_pages_are_remembered_until_the_directory_changes(client, many_agreements):
    url = "/api/agreements/?field=medical-ai-extra&sort=title"
    first = client.get(url).json()

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url).json()
    # Neither counted nor sorted again: the page is read back by its ids.
    assert again == first
    agreement_reads = [q["sql"] for q in queries if 'FROM "partnerships_agreement"' in q["sql"]]
    assert len(agreement_reads) == 1
    assert "COUNT(" not in agreement_reads[0].upper()
    assert "ORDER BY" not in agreement_reads[0].upper()

    AgreementFactory(
        slug="aa-new-agreement",
        title="AA new agreement",
        parties=[InstitutionFactory(), InstitutionFactory()],
        fields=[FocusArea.objects.get(slug="medical-ai-extra")],
    )
    after = client.get(url).json()

    assert after["count"] == first["count"] + 1
    assert after["results"][0]["slug"] == "aa-new-agreement"


def test_each_sort_and_page_has_its_own_cached_page(client, many_agreements):
    field = "field=medical-ai-extra"
    expected = {
        sort: listed_slugs(client, "/agreements/", f"{field}&sort={sort}")
        for sort in ("title", "oldest", "newest")
    }
    for sort, page in (("title", 1), ("oldest", 1), ("title", 2), ("newest", 1), ("oldest", 2)):
        body = client.get(f"/api/agreements/?{field}&sort={sort}&page={page}").json()

        start = (page - 1) * API_PAGE_SIZE
        assert body["count"] == len(expected[sort])
        assert [r["slug"] for r in body["results"]] == expected[sort][start : start + API_PAGE_SIZE]


@pytest.mark.parametrize("path", ["agreements", "institutions", "people", "fields"])
def test_every_record_is_represented_as_drfs_own_serializer_would(
    client, many_agreements, monkeypatch, path
):
    """Our serializers read fields with DRF's checks done once per serializer; every list
    page and record must come out as DRF's generic ``to_representation`` gives it."""
    from rest_framework import serializers as drf

    from partnerships.api import serializers

    # Values DRF reads in its own way: a callable (get_role_display), a missing related
    # record (a participation without a position), a null parent.
    ParticipationFactory(agreement=Agreement.objects.published().first(), position=None)
    urls = [f"/api/{path}/", f"/api/{path}/?page=2"]
    fast = [client.get(url).json() for url in urls]
    fast_records = [client.get(record["url"]).json() for record in fast[0]["results"]]
    cache.clear()  # the pages' ids and counts were remembered

    monkeypatch.setattr(
        serializers.Serializer, "to_representation", drf.Serializer.to_representation
    )
    generic = [client.get(url).json() for url in urls]
    generic_records = [client.get(record["url"]).json() for record in generic[0]["results"]]

    assert fast_records
    assert fast == generic
    assert fast_records == generic_records
