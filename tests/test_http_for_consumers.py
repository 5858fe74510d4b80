"""HTTP that helps data consumers: CORS where meant, 304s, public caching, gzip, limits."""

import gzip
import json

import pytest
from django.test import Client

from partnerships.api import views as api_views
from tests.factories import AgreementFactory

SHARED = [
    "/api/agreements/",
    "/api/schema/",
    "/agreements/export.csv",
    "/institutions/export.json",
    "/feeds/agreements/",
    "/sitemap.xml",
    "/sitemap-agreements.xml",
]
NOT_SHARED = ["/", "/agreements/", "/admin/login/", "/search/?q=PUMCH"]
ORIGIN = {"origin": "https://reader.example.net"}


@pytest.fixture
def agreement(db):
    return AgreementFactory(slug="signed", summary="A summary long enough. " * 40)


@pytest.mark.parametrize("url", SHARED)
def test_open_data_may_be_read_from_any_origin_without_credentials(client, agreement, url):
    response = client.get(url, headers=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize("url", NOT_SHARED)
def test_pages_and_the_admin_get_no_cors_header(client, agreement, url):
    response = client.get(url, headers=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


def test_a_preflight_allows_reading_only(client, db):
    response = client.options(
        "/api/agreements/", headers={**ORIGIN, "access-control-request-method": "GET"}
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Access-Control-Allow-Credentials" not in response


def test_the_rate_limit_headers_are_readable_across_origins(client, db):
    response = client.get("/api/agreements/", headers=ORIGIN)
    assert "RateLimit-Remaining" in response["Access-Control-Expose-Headers"]


@pytest.mark.parametrize(
    "url", ["/agreements/", "/agreements/signed/", *(u for u in SHARED if "schema" not in u)]
)
def test_a_client_holding_the_current_version_gets_304(client, agreement, url):
    first = client.get(url)
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]

    by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert by_date.status_code == 304


def test_a_change_to_the_directory_changes_the_etag(client, agreement):
    before = client.get("/api/agreements/")
    AgreementFactory(slug="another")
    after = client.get("/api/agreements/", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.json()["count"] == 2


def test_each_query_has_its_own_etag(client, agreement):
    assert client.get("/agreements/?year=2023")["ETag"] != client.get("/agreements/")["ETag"]


@pytest.mark.parametrize("url", ["/agreements/", "/api/agreements/", "/feeds/agreements/"])
def test_public_answers_may_be_cached_briefly(client, agreement, url):
    cache_control = client.get(url)["Cache-Control"]
    assert "public" in cache_control and "max-age=60" in cache_control


def test_nothing_is_cached_publicly_for_a_signed_in_editor(admin_client, agreement):
    for url in ("/agreements/", "/admin/", "/admin/partnerships/agreement/"):
        response = admin_client.get(url)
        assert "public" not in response.get("Cache-Control", "")
        assert "ETag" not in response


@pytest.mark.parametrize(
    "url", ["/agreements/", "/api/agreements/", "/feeds/agreements/", "/sitemap-agreements.xml"]
)
def test_public_answers_are_gzipped(client, agreement, url):
    # Django sends gzip only when it is shorter, counting up to 100 random bytes of BREACH
    # padding: enough rows that it always is.
    AgreementFactory.create_batch(10)
    plain = client.get(url)
    compressed = client.get(url, headers={"accept-encoding": "gzip"})
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert "Accept-Encoding" in compressed["Vary"]


def test_streamed_downloads_are_gzipped(client, agreement):
    response = client.get("/agreements/export.csv", headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert b"signed" in gzip.decompress(b"".join(response.streaming_content))


def test_answers_holding_secrets_are_not_compressed(admin_client, agreement):
    """BREACH: the admin carries a CSRF token; nothing an editor sees is compressed."""
    for url in ("/admin/login/", "/admin/partnerships/agreement/", "/agreements/"):
        response = admin_client.get(url, headers={"accept-encoding": "gzip"})
        assert "Content-Encoding" not in response, url


def test_the_api_tells_its_rate_limit_and_refuses_past_it(client, db, settings):
    settings.API_RATE_LIMIT = "3/minute"
    answers = [client.get("/api/agreements/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert all(a["RateLimit-Limit"] == "3" for a in answers)
    assert 0 < int(answers[0]["RateLimit-Reset"]) <= 60
    refused = answers[-1]
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"].lower()


def test_the_rate_limit_is_per_client_address(client, db, settings):
    settings.API_RATE_LIMIT = "1/minute"
    assert client.get("/api/agreements/", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get("/api/agreements/", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/api/agreements/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_forged_forwarded_for_does_not_escape_the_limit(client, db, settings):
    settings.API_RATE_LIMIT = "1/minute"
    client.get("/api/agreements/", headers={"x-forwarded-for": "1.1.1.1"})
    response = client.get("/api/agreements/", headers={"x-forwarded-for": "2.2.2.2"})
    assert response.status_code == 429


def test_api_errors_are_json_a_404(client, db):
    response = client.get("/api/agreements/no-such-agreement/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_api_errors_are_json_even_a_500(db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(api_views.AgreementViewSet, "list", broken)
    response = Client(raise_request_exception=False).get("/api/agreements/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "server error" in json.loads(response.content)["detail"]


def test_a_page_500_is_the_sites_html_page(db, monkeypatch):
    from partnerships import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.AgreementListView, "get", broken)
    response = Client(raise_request_exception=False).get("/agreements/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Something went wrong on our side" in response.text
    assert "<style" not in response.text and "<script" not in response.text  # CSP
