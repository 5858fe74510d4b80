"""Every page type runs under the strict CSP without a single violation, filters applied
in place included."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import OPTIONAL_PAGE_TYPES, PAGE_TYPES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Recorded from the first script of every document, before any of the page's own.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""

ADMIN_PAGES = ["/admin/login/", "/admin/", "/admin/partnerships/agreement/"]


@pytest.fixture
def watched_page(page):
    page.add_init_script(RECORD_VIOLATIONS)
    console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and console_errors.append(message.text),
    )
    page.console_errors = console_errors
    return page


def violations(page):
    return page.evaluate("window.cspViolations") + [
        text for text in page.console_errors if "Content Security Policy" in text
    ]


def test_no_page_type_violates_the_content_security_policy(watched_page, directory):
    page, found = watched_page, {}
    for _name, path, status in PAGE_TYPES + OPTIONAL_PAGE_TYPES:
        response = page.goto(directory + path)
        assert response.status == status, f"{path} answered {response.status}"
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        if violations(page):
            found[path] = violations(page)
    assert not found, found


def test_filtering_in_place_violates_nothing(watched_page, directory):
    page = watched_page
    page.goto(directory + "/agreements/")
    page.evaluate("window.notReloaded = true")
    page.locator('input[name="year"][value="2023"]').check()
    expect(page.locator(".result-count")).to_have_text("Showing 1–3 of 3")
    assert page.evaluate("window.notReloaded") is True  # swapped in place
    assert violations(page) == []


def test_the_admin_violates_nothing(watched_page, site, django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.org", "a-long-password-1")
    page = watched_page
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("a-long-password-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Recent actions")).to_be_visible()
    found = {}
    for path in [*ADMIN_PAGES, "/admin/partnerships/agreement/add/"]:
        page.goto(site + path)
        page.wait_for_load_state("load")
        if violations(page):
            found[path] = violations(page)
    assert not found, found
