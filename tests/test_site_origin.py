"""Host and scheme: one configured site URL, 400 for other hosts, no cache poisoning."""

import json
import re

import pytest
from django.test import override_settings

from partnerships.site import check_site_url
from tests.factories import AgreementFactory, InstitutionFactory
from tests.test_html_validity import PAGES

SITE = "https://partnerships.example.org"


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["partnerships.example.org", "127.0.0.1"]


def get(client, path, host="partnerships.example.org", secure=True, **headers):
    return client.get(path, headers={"host": host, **headers}, secure=secure)


def canonical(response):
    return re.search(r'<link rel="canonical" href="([^"]*)"', response.text).group(1)


def test_a_host_not_allowed_gets_the_sites_own_400_page(client, db):
    response = client.get("/agreements/", headers={"host": "evil.example.net"})
    assert response.status_code == 400
    assert "This request could not be understood" in response.text
    assert "evil.example.net" not in response.text


def test_the_sites_host_on_another_port_gets_400(client, db, site_url):
    response = get(client, "/agreements/", host="partnerships.example.org:6666")
    assert response.status_code == 400
    assert "This request could not be understood" in response.text


def test_a_host_on_another_port_cannot_poison_the_cached_page(client, db, site_url):
    AgreementFactory(title="Cached agreement", slug="cached")
    get(client, "/agreements/cached/", host="partnerships.example.org:6666")
    get(client, "/agreements/cached/", host="127.0.0.1")
    response = get(client, "/agreements/cached/")
    assert response.status_code == 200
    assert "6666" not in response.text and "127.0.0.1" not in response.text
    assert canonical(response) == f"{SITE}/agreements/cached/"


def test_absolute_urls_come_from_the_site_url(client, db, site_url):
    institution = InstitutionFactory(slug="pumch")
    AgreementFactory(slug="signed", parties=[institution])

    page = get(client, "/agreements/signed/")
    assert canonical(page) == f"{SITE}/agreements/signed/"
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', page.text, re.S).group(1))
    assert data["@id"] == f"{SITE}/agreements/signed/"

    api = get(client, "/api/agreements/").json()
    assert api["results"][0]["html_url"] == f"{SITE}/agreements/signed/"
    assert f"<id>{SITE}/agreements/signed/</id>" in get(client, "/feeds/agreements/").text
    assert f"<loc>{SITE}/sitemap-agreements.xml</loc>" in get(client, "/sitemap.xml").text
    assert f"Sitemap: {SITE}/sitemap.xml" in get(client, "/robots.txt").text


def test_a_request_over_the_other_scheme_is_redirected_to_the_site(client, db, site_url):
    response = get(client, "/agreements/?year=2024", secure=False)
    assert response.status_code == 301
    assert response["Location"] == f"{SITE}/agreements/?year=2024"


@override_settings(SECURE_PROXY_SSL_HEADER=None)
def test_x_forwarded_proto_is_ignored_unless_a_proxy_is_configured(client, db):
    response = client.get("/robots.txt", headers={"x-forwarded-proto": "https"})
    assert "Sitemap: http://testserver/sitemap.xml" in response.text


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_x_forwarded_proto_is_believed_behind_a_configured_proxy(client, db):
    response = client.get("/robots.txt", headers={"x-forwarded-proto": "https"})
    assert "Sitemap: https://testserver" in response.text


@pytest.mark.parametrize("url", ["/", "/agreements/", "/api/agreements/", "/admin/login/"])
def test_trace_is_refused(client, db, url):
    response = client.generic("TRACE", url)
    assert response.status_code == 405


@pytest.mark.parametrize("url", PAGES)
def test_every_page_type_has_a_canonical_link_on_the_site(client, curated, site_url, url):
    response = get(client, url)
    assert canonical(response) == SITE + url.split("?")[0]


def test_the_deploy_check_asks_for_the_site_url(settings):
    settings.SITE_URL = ""
    assert [w.id for w in check_site_url(None)] == ["partnerships.W001"]
    settings.SITE_URL, settings.SECURE_PROXY_SSL_HEADER = SITE, None
    assert [w.id for w in check_site_url(None)] == ["partnerships.W002"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert check_site_url(None) == []
