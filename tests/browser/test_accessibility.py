"""axe-core on every page type in both languages, each also saved as a full-page
screenshot for review (Chinese ones named ``…-zh-hans.png``).

Only "serious" and "critical" violations fail; the message names each page, rule, target
and fix. The page types share one load of the directory (a reload per page costs seconds
on PostgreSQL); a failure still lists every page that fails, not only the first.
Screenshots go to SCREENSHOT_DIR (default test-artifacts/screenshots, git-ignored).
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, describe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (screenshot name, path, expected status)
PAGE_TYPES = [
    ("home", "/", 200),
    (
        "agreement-list-filtered",
        "/agreements/?field=medicine-engineering-integration&year=2023",
        200,
    ),
    ("agreement-detail", "/agreements/hkust-pumch-strategic-cooperation-2024/", 200),
    ("institution-list", "/institutions/", 200),
    ("institution-detail", "/institutions/pumch/", 200),
    ("person-list", "/people/", 200),
    ("person-detail", "/people/nancy-ip/", 200),
    ("field-list", "/fields/", 200),
    ("field-detail", "/fields/medicine-engineering-integration/", 200),
    ("search-results", "/search/?q=PUMCH", 200),
    ("search-no-results", "/search/?q=zebrafish", 200),
    ("source-detail", "/sources/seed-002-hkust-pumch/", 200),
    ("open-data-dumps", "/data/", 200),
    ("not-found", "/no-such-page/", 404),
]
# Checked once it exists: until then /api/ is a 404 and is left out.
OPTIONAL_PAGE_TYPES = [("api-docs", "/api/", 200)]
# Addresses with one language-neutral URL take the language as a parameter.
NEUTRAL_PATHS = ("/data/", "/api/")


def in_language(path, language):
    if not language:
        return path
    if path in NEUTRAL_PATHS:
        return f"{path}?lang={language}"
    return f"/{language}{path}"


@pytest.mark.parametrize("language", ["", "zh-hans"], ids=["english", "chinese"])
def test_no_page_type_has_serious_or_critical_accessibility_violations(
    page, directory, screenshot_dir, language
):
    failures, checked = [], []
    for name, english_path, status in PAGE_TYPES + OPTIONAL_PAGE_TYPES:
        path = in_language(english_path, language)
        name = f"{name}-{language}" if language else name
        response = page.goto(directory + path)
        if (name, english_path, status) in OPTIONAL_PAGE_TYPES and response.status == 404:
            print(f"{path} is a 404: not checked")
            continue
        assert response.status == status, f"{path} answered {response.status}"
        expect(page.locator("main h1").first).to_be_visible()
        page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)
        violations = axe_violations(page)
        checked.append(path)
        if violations:
            failures.append(f"axe-core on {path}:\n{describe_violations(violations)}")

    assert not failures, "\n\n".join(failures)
    assert len(checked) >= len(PAGE_TYPES)
