"""Atom feeds of newly published agreements: all, per institution, per field."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from partnerships.models import Agreement, Institution
from tests.factories import (
    AgreementFactory,
    DraftAgreementFactory,
    FocusAreaFactory,
    InstitutionFactory,
)

ATOM = "{http://www.w3.org/2005/Atom}"


def read_feed(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    # What Atom requires of a feed and of each entry.
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    for entry in feed.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}").text
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href")
    return feed


def entry_links(feed):
    return [
        entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        for entry in feed.findall(f"{ATOM}entry")
    ]


@pytest.fixture
def published_over_time(db):
    hospital = InstitutionFactory(slug="city-hospital", kind="hospital")
    university = InstitutionFactory(slug="city-university")
    other = InstitutionFactory(slug="other-university")
    now = timezone.now()
    for days_ago, slug, parties in (
        (3, "oldest", [university, hospital]),
        (1, "newest", [other, hospital]),
        (2, "middle", [university, other]),
    ):
        AgreementFactory(
            slug=slug,
            title=f"The {slug} agreement",
            parties=parties,
            published_at=now - datetime.timedelta(days=days_ago),
            signed_on=datetime.date(2010 + days_ago, 1, 1),
        )
    DraftAgreementFactory(slug="secret-draft", title="Secret draft", parties=[university])


def test_the_site_feed_lists_newly_published_agreements_newest_first(client, published_over_time):
    feed = read_feed(client, "/feeds/agreements/")

    assert entry_links(feed) == [
        "http://testserver/agreements/newest/",
        "http://testserver/agreements/middle/",
        "http://testserver/agreements/oldest/",
    ]
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/feeds/agreements/")


def test_an_institution_feed_lists_only_its_agreements(client, published_over_time):
    feed = read_feed(client, "/feeds/institutions/city-university/")

    assert entry_links(feed) == [
        "http://testserver/agreements/middle/",
        "http://testserver/agreements/oldest/",
    ]
    university = Institution.objects.get(slug="city-university")
    assert university.name in feed.find(f"{ATOM}title").text


def test_a_field_feed_includes_its_sub_fields(client, db):
    parent = FocusAreaFactory(slug="medical-technology", name="Medical technology")
    child = FocusAreaFactory(slug="medical-imaging-x", name="Imaging", parent=parent)
    unrelated = FocusAreaFactory(slug="humanities", name="Humanities")
    AgreementFactory(slug="in-parent", fields=[parent])
    AgreementFactory(slug="in-child", fields=[child])
    AgreementFactory(slug="elsewhere", fields=[unrelated])
    DraftAgreementFactory(slug="draft-in-child", fields=[child])

    parent_links = entry_links(read_feed(client, "/feeds/fields/medical-technology/"))
    child_links = entry_links(read_feed(client, "/feeds/fields/medical-imaging-x/"))

    assert sorted(parent_links) == [
        "http://testserver/agreements/in-child/",
        "http://testserver/agreements/in-parent/",
    ]
    assert child_links == ["http://testserver/agreements/in-child/"]


@pytest.mark.parametrize(
    "path",
    ["/feeds/agreements/", "/feeds/institutions/city-university/", "/feeds/fields/none/"],
)
def test_draft_agreements_are_never_in_a_feed(client, published_over_time, path):
    FocusAreaFactory(slug="none")
    response = client.get(path)

    assert b"secret-draft" not in response.content
    assert b"Secret draft" not in response.content


@pytest.mark.parametrize("path", ["/feeds/institutions/nobody/", "/feeds/fields/nothing/"])
def test_a_feed_of_an_unknown_record_is_a_404(client, db, path):
    assert client.get(path).status_code == 404


def test_entries_describe_the_agreement(client, curated):
    feed = read_feed(client, "/feeds/agreements/")

    summaries = [entry.find(f"{ATOM}summary").text for entry in feed.findall(f"{ATOM}entry")]
    assert len(summaries) == 5
    assert any("Peking Union Medical College Hospital" in summary for summary in summaries)


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("/", "/feeds/agreements/"),
        ("/agreements/", "/feeds/agreements/"),
        ("/institutions/pumch/", "/feeds/institutions/pumch/"),
        ("/fields/medical-education/", "/feeds/fields/medical-education/"),
    ],
)
def test_pages_link_to_their_feed(client, curated, page, feed):
    html = client.get(page).content.decode()

    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert f'href="{feed}"' in html
    assert client.get(feed).status_code == 200


def test_an_entry_is_updated_when_its_agreement_changes(client, published_over_time):
    feed = read_feed(client, "/feeds/agreements/")
    entry = feed.find(f"{ATOM}entry")
    slug = entry.find(f"{ATOM}link[@rel='alternate']").get("href").rstrip("/").rsplit("/", 1)[1]
    agreement = Agreement.objects.get(slug=slug)
    agreement.summary = "Corrected after publication."
    agreement.save()

    feed = read_feed(client, "/feeds/agreements/")
    updated = datetime.datetime.fromisoformat(feed.find(f"{ATOM}entry/{ATOM}updated").text)
    published = datetime.datetime.fromisoformat(feed.find(f"{ATOM}entry/{ATOM}published").text)

    assert updated == agreement.updated_at
    assert updated > published
    assert feed.find(f"{ATOM}updated").text == feed.find(f"{ATOM}entry/{ATOM}updated").text
