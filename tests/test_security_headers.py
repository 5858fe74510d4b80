"""Content-Security-Policy on every page type, and cookies that stay on https."""

import importlib

import pytest
from django.conf import settings as django_settings

from tests.test_html_validity import PAGES

ADMIN_PAGES = ["/admin/login/", "/admin/", "/admin/partnerships/agreement/"]


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def assert_strict_policy(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "script-src" not in policy and "style-src" not in policy  # default-src 'self' rules
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_type_sends_a_strict_content_security_policy(client, curated, url):
    assert_strict_policy(client.get(url))


@pytest.mark.parametrize("url", ["/api/agreements/", "/agreements/export.csv", "/sitemap.xml"])
def test_data_responses_send_the_policy_too(client, curated, url):
    assert_strict_policy(client.get(url))


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_send_the_policy(admin_client, url):
    assert_strict_policy(admin_client.get(url))


@pytest.mark.parametrize("url", PAGES)
def test_no_page_has_inline_script_or_event_handlers(client, curated, url):
    html = client.get(url).text
    scripts = html.count("<script")
    assert scripts == html.count("<script src=") + html.count('<script type="application/ld+json"')
    for handler in ("onclick=", "onload=", "onchange=", "onsubmit=", "javascript:"):
        assert handler not in html
    # fixi's fx-* attributes are not valid HTML: filters.js adds them, the page says data-*.
    assert " fx-" not in html


@pytest.mark.parametrize(
    ("url", "loaded"),
    [
        ("/", set()),
        ("/agreements/", {"filters"}),
        ("/people/", {"filters"}),
        ("/institutions/", {"filters"}),
        ("/network/", {"network"}),
        ("/institutions/pumch/", {"network"}),
        ("/fields/medical-education/", set()),
    ],
)
def test_pages_load_only_the_scripts_they_use(client, curated, url, loaded):
    """fixi and filters.js filter the lists in place, network.js zooms the networks:
    other pages do not download them."""
    html = client.get(url).text
    assert "js/site." in html
    assert ("vendor/fixi-" in html) == ("filters" in loaded)
    assert ("js/filters." in html) == ("filters" in loaded)
    # filters.js finds its form by this attribute, and needs fixi loaded before it.
    assert ("data-live-results=" in html) == ("filters" in loaded)
    if "filters" in loaded:
        assert html.index("vendor/fixi-") < html.index("js/filters.")
    assert ("js/network." in html) == ("network" in loaded)


def reloaded_settings(monkeypatch, **environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    import partnerships.settings

    return importlib.reload(partnerships.settings)


@pytest.fixture
def restore_settings_module(monkeypatch):
    yield
    monkeypatch.undo()
    import partnerships.settings

    importlib.reload(partnerships.settings)


def test_production_cookies_are_secure_and_host_prefixed(monkeypatch, restore_settings_module):
    production = reloaded_settings(
        monkeypatch, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="a.org"
    )
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SESSION_COOKIE_NAME.startswith("__Host-")
    assert production.CSRF_COOKIE_NAME.startswith("__Host-")
    assert production.SECURE_PROXY_SSL_HEADER is None


def test_the_proxy_header_is_trusted_only_when_configured(monkeypatch, restore_settings_module):
    behind = reloaded_settings(monkeypatch, DJANGO_BEHIND_PROXY="1")
    assert behind.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")


def test_the_site_url_names_the_allowed_host(monkeypatch, restore_settings_module):
    monkeypatch.delenv("DJANGO_ALLOWED_HOSTS", raising=False)
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    configured = reloaded_settings(monkeypatch, DJANGO_SITE_URL="https://p.example.org/")
    assert configured.SITE_URL == "https://p.example.org"
    assert configured.ALLOWED_HOSTS == ["p.example.org"]


def test_session_cookie_is_host_prefixed_over_https(client, settings, django_user_model):
    settings.SESSION_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org"))
    response = client.get("/admin/", secure=True)
    assert response.status_code == 200
    cookie = client.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
    assert django_settings.SESSION_COOKIE_NAME == "__Host-sessionid"


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("", "django.db.backends.sqlite3"),  # as "DATABASE_URL= make test" sets it
        ("postgres://reader@db.example.org:5432/directory", "django.db.backends.postgresql"),
    ],
)
def test_database_url_selects_the_database(monkeypatch, restore_settings_module, url, engine):
    monkeypatch.delenv("DJANGO_CONN_MAX_AGE", raising=False)
    monkeypatch.delenv("CONN_MAX_AGE", raising=False)
    configured = reloaded_settings(monkeypatch, DATABASE_URL=url)
    assert configured.DATABASES["default"]["ENGINE"] == engine
    assert configured.DATABASES["default"]["CONN_MAX_AGE"] == 600
