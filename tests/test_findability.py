"""Findability: the sitemap lists public pages only; detail pages carry schema.org JSON-LD."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest

from partnerships.models import Agreement, FocusArea, Institution, Person, Source
from tests.factories import (
    AgreementFactory,
    DraftAgreementFactory,
    InstitutionFactory,
    InstitutionNameFactory,
    PersonFactory,
    PositionFactory,
)

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def sitemap_locations(client):
    """Every page address listed under the sitemap index."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    locations = []
    for section in index.findall(f"{SITEMAP}sitemap/{SITEMAP}loc"):
        response = client.get(section.text.removeprefix("http://testserver"))
        assert response.status_code == 200
        urlset = ET.fromstring(response.content)
        locations += [loc.text for loc in urlset.findall(f"{SITEMAP}url/{SITEMAP}loc")]
    return locations


def json_ld(client, path):
    html = client.get(path).content.decode()
    (script,) = JSON_LD.findall(html)
    return json.loads(script)


def test_the_sitemap_lists_every_public_record(client, curated):
    locations = set(sitemap_locations(client))

    expected = {
        f"http://testserver{record.get_absolute_url()}"
        for queryset in (
            Agreement.objects.published(),
            Institution.objects.all(),
            Person.objects.all(),
            FocusArea.objects.all(),
            Source.objects.all(),
        )
        for record in queryset
    }
    assert expected <= locations
    assert "http://testserver/agreements/" in locations


def test_a_records_lastmod_is_its_last_change(client, curated):
    agreement = Agreement.objects.published().first()
    agreement.summary += " Corrected."
    agreement.save()

    urlset = ET.fromstring(client.get("/sitemap-agreements.xml").content)
    lastmod = {
        url.find(f"{SITEMAP}loc").text: url.find(f"{SITEMAP}lastmod").text
        for url in urlset.findall(f"{SITEMAP}url")
    }

    assert lastmod[f"http://testserver{agreement.get_absolute_url()}"] == (
        agreement.updated_at.date().isoformat()
    )


def test_the_sitemap_never_lists_a_draft(client, curated):
    DraftAgreementFactory(slug="secret-draft")

    assert not any("secret-draft" in location for location in sitemap_locations(client))


def test_robots_txt_points_to_the_sitemap(client, db):
    robots = client.get("/robots.txt").content.decode()

    assert "Sitemap: http://testserver/sitemap.xml" in robots
    assert client.get("/sitemap.xml").status_code == 200


@pytest.mark.parametrize(
    ("kind", "schema_type"),
    [
        ("university", "CollegeOrUniversity"),
        ("medical_university", "CollegeOrUniversity"),
        ("hospital", "Hospital"),
        ("research_institute", "ResearchOrganization"),
        ("academy", "Organization"),
        ("other", "Organization"),
    ],
)
def test_an_institution_is_described_by_its_kind(client, db, kind, schema_type):
    InstitutionFactory(slug="described", kind=kind)

    data = json_ld(client, "/institutions/described/")

    assert data["@context"] == ["https://schema.org", {"@language": "en"}]
    assert data["@type"] == schema_type


def test_an_institution_has_its_names_place_identifiers_and_parent(client, db):
    parent = InstitutionFactory(slug="cams", name="Chinese Academy of Medical Sciences")
    hospital = InstitutionFactory(
        slug="fuwai",
        name="Fuwai Hospital",
        kind="hospital",
        ror_id="02drdmm93",
        wikidata_id="Q10880405",
        website="https://www.fuwaihospital.org/",
    )
    InstitutionNameFactory(institution=hospital, name="阜外医院", name_type="label")
    hospital.relations_from.create(relation_type="part_of", object=parent)

    data = json_ld(client, "/institutions/fuwai/")

    assert data["name"] == "Fuwai Hospital"
    assert data["alternateName"] == ["阜外医院"]
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Beijing",
        "addressRegion": "Beijing",
        "addressCountry": "China",
    }
    assert data["url"] == "https://www.fuwaihospital.org/"
    assert data["sameAs"] == [
        "https://ror.org/02drdmm93",
        "https://www.wikidata.org/wiki/Q10880405",
    ]
    assert data["parentOrganization"]["name"] == "Chinese Academy of Medical Sciences"


def test_identifiers_that_are_not_verified_are_left_out(client, curated):
    data = json_ld(client, "/institutions/pumch/")

    assert data["@type"] == "Hospital"
    assert "sameAs" not in data


def test_a_person_has_names_titles_and_affiliations(client, db):
    person = PersonFactory(
        slug="wang-chen", family_name="Wang", given_name="Chen", honorifics="Academician"
    )
    PositionFactory(person=person, title="President", institution=InstitutionFactory(name="PUMC"))

    data = json_ld(client, "/people/wang-chen/")

    assert data["@type"] == "Person"
    assert (data["familyName"], data["givenName"], data["name"]) == ("Wang", "Chen", "Wang Chen")
    assert data["honorificPrefix"] == "Academician"
    assert data["jobTitle"] == "President"
    assert data["affiliation"][0]["name"] == "PUMC"


def test_an_agreement_is_the_event_of_its_signing(client, curated):
    data = json_ld(client, "/agreements/hkust-pumch-strategic-cooperation-2024/")

    assert data["@type"] == "Event"
    # The source gives only the year: a typed xsd:gYear, which validators accept.
    assert data["startDate"] == {
        "@value": "2024",
        "@type": "http://www.w3.org/2001/XMLSchema#gYear",
    }
    assert [organizer["@type"] for organizer in data["organizer"]] == [
        "CollegeOrUniversity",
        "Hospital",
    ]
    assert {"@type", "name", "url"} <= set(data["attendee"][0])
    assert data["about"]
    assert all(term["@id"] == term["url"] for term in data["about"])
    assert data["subjectOf"][0]["headline"]
    assert data["location"]["address"]["addressLocality"] == "Beijing"


def test_an_agreement_without_a_stated_date_has_no_start_date(client, db):
    AgreementFactory(slug="undated", signed_on=None, signed_on_precision="unknown")

    data = json_ld(client, "/agreements/undated/")

    assert "startDate" not in data


def test_a_field_is_a_defined_term(client, curated):
    data = json_ld(client, "/fields/medical-education/")

    assert data["@type"] == "DefinedTerm"
    assert data["name"] == "Medical education"
    assert data["inDefinedTermSet"]["url"] == "http://testserver/fields/"


def test_json_ld_cannot_break_out_of_its_script_element(client, db):
    name = "</script><script>alert(1)</script> & <b>"
    InstitutionFactory(slug="hostile", name=name)

    html = client.get("/institutions/hostile/").content.decode()
    data = json_ld(client, "/institutions/hostile/")

    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html
    assert data["name"] == name


def test_a_month_precise_signing_date_is_a_typed_year_and_month(client, db):
    AgreementFactory(
        slug="in-december", signed_on=datetime.date(2023, 12, 1), signed_on_precision="month"
    )

    data = json_ld(client, "/agreements/in-december/")

    assert data["startDate"] == {
        "@value": "2023-12",
        "@type": "http://www.w3.org/2001/XMLSchema#gYearMonth",
    }


def test_a_day_precise_signing_date_is_a_plain_date(client, db):
    AgreementFactory(slug="on-a-day", signed_on=datetime.date(2023, 3, 30))

    assert json_ld(client, "/agreements/on-a-day/")["startDate"] == "2023-03-30"


def test_a_source_page_describes_its_document(client, curated):
    data = json_ld(client, "/sources/seed-002-hkust-pumch/")

    assert data["@type"] == "NewsArticle"
    assert data["@id"] == "http://testserver/sources/seed-002-hkust-pumch/"
    assert data["headline"]
    assert "sameAs" not in data  # No address is stated for this document.


def test_the_home_page_describes_the_dataset_with_its_licence_and_downloads(client, curated):
    data = json_ld(client, "/")

    assert data["@type"] == "Dataset"
    assert data["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    urls = {download["contentUrl"] for download in data["distribution"]}
    assert "http://testserver/data/latest.zip" in urls
    assert "http://testserver/agreements/export.csv" in urls
