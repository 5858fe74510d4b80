"""The data licence is stated wherever the data leaves the site."""

import xml.etree.ElementTree as ET

import pytest

from partnerships.licence import LICENCES

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize("spdx", sorted(LICENCES))
def test_every_page_footer_names_the_licence_of_the_setting(client, db, settings, spdx):
    settings.DATA_LICENCE = spdx
    licence = LICENCES[spdx]

    html = client.get("/agreements/").content.decode()

    assert f'<a href="{licence.url}" rel="license">{licence.title}</a>' in html


def test_the_api_guide_states_the_licence(client, db):
    html = client.get("/api/").content.decode()

    assert 'href="https://creativecommons.org/publicdomain/zero/1.0/" rel="license"' in html


def test_the_openapi_schema_carries_the_licence(client, db):
    schema = client.get("/api/schema/?format=json").json()

    assert schema["info"]["license"] == {
        "name": "CC0 1.0 Universal (public domain dedication)",
        "url": "https://creativecommons.org/publicdomain/zero/1.0/",
    }


def test_feeds_state_the_licence_as_atom_rights(client, curated):
    feed = ET.fromstring(client.get("/feeds/agreements/").content)

    rights = feed.find(f"{ATOM}rights")
    assert rights is not None
    assert "https://creativecommons.org/publicdomain/zero/1.0/" in rights.text


@pytest.mark.parametrize(
    "path",
    ["/agreements/export.csv", "/institutions/export.json", "/api/agreements/", "/data/dumps.json"],
)
def test_downloads_and_api_answers_link_to_the_licence(client, curated, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Link"] == '<https://creativecommons.org/publicdomain/zero/1.0/>; rel="license"'


def test_pages_carry_no_licence_header(client, curated):
    assert "Link" not in client.get("/agreements/")
