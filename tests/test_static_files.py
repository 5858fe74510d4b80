"""Static files as production collects them: our CSS and JS minified, the rest as is."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command

from partnerships.settings import STORAGES as PRODUCTION_STORAGES

SOURCE = settings.BASE_DIR / "static"


@pytest.fixture
def collected(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PRODUCTION_STORAGES["staticfiles"]}
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    return lambda name: (tmp_path / manifest[name]).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["css/site.css", "js/network.js", "js/filters.js"])
def test_our_css_and_js_are_served_minified(collected, name):
    source = (SOURCE / name).read_text(encoding="utf-8")
    served = collected(name)
    assert len(served) < 0.85 * len(source)
    assert "/*" not in served and "\n  " not in served  # no comment, no indentation
    # What the code says is kept: a CSS custom property, a JS template literal.
    kept = "var(--muted)" if name.endswith(".css") else "`${"
    assert served.count(kept) == source.count(kept) > 0


def test_vendored_files_are_served_as_they_come(collected):
    name = "vendor/fixi-0.9.4/fixi.js"
    assert collected(name) == (SOURCE / name).read_text(encoding="utf-8")
