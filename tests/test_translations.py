"""The Simplified Chinese catalogue: complete, not fuzzy, compiled, and covering new strings."""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
SOURCES = ("partnerships", "templates")
IGNORED = shutil.ignore_patterns("__pycache__", "migrations", "synthetic", "*.pyc")


def incomplete_entries(catalogue):
    return [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete and (not entry.translated() or entry.fuzzy)
    ]


def test_the_chinese_catalogue_is_fully_translated_and_not_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))
    assert len(catalogue) > 400
    assert incomplete_entries(catalogue) == []
    assert catalogue.percent_translated() == 100
    assert not catalogue.metadata_is_fuzzy


def test_the_committed_compiled_catalogue_matches_the_translations():
    source = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(CATALOGUE))
    }
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(COMPILED))
    }
    compiled.pop((None, ""), None)  # the header
    assert compiled == {key: value for key, value in source.items() if key[1]}


@pytest.fixture
def extracted_catalogue(tmp_path, monkeypatch):
    """makemessages over a copy of the code, merged into a copy of the committed catalogue."""
    if not shutil.which("xgettext"):
        if os.environ.get("REQUIRE_GETTEXT"):
            pytest.fail("xgettext (GNU gettext) is required to check the catalogue.")
        pytest.skip("xgettext (GNU gettext) is not installed.")
    for name in SOURCES:
        shutil.copytree(Path(settings.BASE_DIR) / name, tmp_path / name, ignore=IGNORED)
    copy = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(CATALOGUE, copy)
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0)
    return polib.pofile(str(copy))


def test_every_interface_string_in_the_code_has_a_chinese_translation(extracted_catalogue):
    """A new English string without a translation (or a changed one, now fuzzy) fails here.

    Run `make messages`, translate the new entries in the catalogue, and commit both files.
    """
    assert incomplete_entries(extracted_catalogue) == []
