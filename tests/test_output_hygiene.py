"""What is stored and rendered is safe: http(s) links only, text feeds, guarded commands."""

import json
import stat
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from partnerships.management.commands.backup_directory import MODELS
from partnerships.models import Institution, Source
from partnerships.templatetags.directory import web_url
from tests.factories import AgreementFactory, InstitutionFactory, SourceFactory
from tests.test_backup import empty_the_directory

ATOM = "{http://www.w3.org/2005/Atom}"
BAD_URLS = ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>", "ftp://a.org"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_database_refuses_an_institution_website_that_is_not_http(db, url):
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionFactory(website=url)


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_database_refuses_a_source_address_that_is_not_http(db, url):
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(url=url)


def test_a_bulk_update_cannot_store_a_javascript_url_either(db):
    InstitutionFactory(website="https://www.pumch.cn/")
    with pytest.raises(IntegrityError), transaction.atomic():
        Institution.objects.update(website="javascript:alert(document.cookie)")


@pytest.mark.parametrize("url", ["", "http://a.org/", "https://www.pumch.cn/en/"])
def test_http_and_https_addresses_and_empty_are_stored(db, url):
    assert InstitutionFactory(website=url).website == url


def test_model_validation_explains_the_rule_in_words(db):
    source = SourceFactory.build(url="javascript:alert(1)")
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "url" in error.value.message_dict


def test_the_admin_form_refuses_a_javascript_url_with_a_message(admin_client, db):
    response = admin_client.post(
        "/admin/partnerships/source/add/",
        {"slug": "s", "title": "A release", "url": "javascript:alert(1)", "language": "en"},
    )
    assert response.status_code == 200
    assert "Enter a valid URL." in response.text
    assert not Source.objects.exists()


def test_an_http_address_is_rendered_as_an_external_link(client, db):
    InstitutionFactory(slug="pumch", website="https://www.pumch.cn/")
    page = client.get("/institutions/pumch/").text
    assert '<a href="https://www.pumch.cn/" rel="external">' in page


@pytest.mark.parametrize("url", [*BAD_URLS, " JAVASCRIPT:alert(1)", "//evil.example/"])
def test_only_http_addresses_pass_the_link_filter(url):
    """Defence in depth for values that slipped past every check (a raw SQL edit)."""
    assert web_url(url) == ""


def test_the_link_filter_keeps_http_addresses():
    assert web_url("https://a.org/x?y=1") == "https://a.org/x?y=1"
    assert web_url("http://a.org/") == "http://a.org/"


def test_feed_summaries_are_plain_text_so_markup_stays_words(client, db):
    AgreementFactory(summary='<script>alert("feed")</script> & <b>bold</b>')
    response = client.get("/feeds/agreements/")
    feed = ET.fromstring(response.content)
    summary = feed.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "text"
    assert '<script>alert("feed")</script> & <b>bold</b>' in summary.text
    assert b"<script>" not in response.content  # escaped in the XML


def test_the_backup_file_is_readable_by_its_owner_only(db, tmp_path):
    backup = tmp_path / "directory.json"
    backup.write_text("old")
    backup.chmod(0o644)
    InstitutionFactory()
    call_command("backup_directory", str(backup), verbosity=0)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def backup_with(tmp_path, change):
    backup = tmp_path / "directory.json"
    InstitutionFactory(slug="pumch", website="https://www.pumch.cn/")
    call_command("backup_directory", str(backup), verbosity=0)
    records = json.loads(backup.read_text())
    change(next(r for r in records if r["fields"].get("slug") == "pumch")["fields"])
    backup.write_text(json.dumps(records))
    empty_the_directory()
    return backup


def test_restore_refuses_a_javascript_url_and_restores_nothing(db, tmp_path):
    backup = backup_with(tmp_path, lambda fields: fields.update(website="javascript:alert(1)"))
    with pytest.raises(CommandError, match="nothing was restored"):
        call_command("restore_directory", str(backup), verbosity=0)
    assert all(not model._default_manager.exists() for model in MODELS)


def test_restore_validates_every_field_and_names_the_record(db, tmp_path):
    backup = backup_with(tmp_path, lambda fields: fields.update(ror_id="not-a-ror"))
    with pytest.raises(CommandError, match=r"Institution .*ror_id: A ROR ID looks like"):
        call_command("restore_directory", str(backup), verbosity=0)
    assert not Institution.objects.exists()


def test_create_editor_without_a_terminal_says_what_to_do(db, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match=r"no terminal.*--no-input"):
        call_command("create_editor", "amy")
