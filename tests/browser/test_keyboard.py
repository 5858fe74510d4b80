"""Keyboard-only use: the skip link, and filtering with and without JavaScript."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A top-level field: four of the five curated agreements.
FIELD_CHECKBOX = 'input[name="field"][value="medicine-engineering-integration"]'
APPLY_BUTTON = 'form.filters button[type="submit"]'
MAX_TABS = 120


def tab_to(page, selector):
    """Press Tab until the focused element matches ``selector``; fail on a trap or a miss."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        seen.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    raise AssertionError(f"{MAX_TABS} Tabs never reached {selector}; last stops: {seen[-5:]}")


def skip_to_main(page):
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()


def test_the_first_tab_reaches_the_skip_link_and_enter_moves_focus_to_main(page, site):
    # Every page extends base.html; an empty directory is enough.
    page.goto(site + "/agreements/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("main#main-content")).to_be_focused()
    assert page.url.endswith("#main-content")
    # The next Tab continues inside main, not back at the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_a_keyboard_user_can_filter_agreements_and_keeps_focus(page, directory):
    page.goto(directory + "/agreements/")
    expect(page.locator(".result-count")).to_have_text("Showing 1–5 of 5")
    skip_to_main(page)

    tab_to(page, FIELD_CHECKBOX)
    page.keyboard.press("Space")
    # The results are swapped in place; focus must stay on the box just ticked.
    expect(page.locator(".result-count")).to_have_text("Showing 1–4 of 4")
    expect(page.locator(FIELD_CHECKBOX)).to_be_checked()
    expect(page.locator(FIELD_CHECKBOX)).to_be_focused()

    tab_to(page, 'input[name="year"][value="2023"]')
    page.keyboard.press("Space")
    expect(page.locator(".result-count")).to_have_text("Showing 1–3 of 3")
    tab_to(page, APPLY_BUTTON)
    page.keyboard.press("Enter")

    expect(page.locator(".result-count")).to_have_text("Showing 1–3 of 3")
    query = parse_qs(urlsplit(page.url).query)
    assert (query["field"], query["year"]) == (["medicine-engineering-integration"], ["2023"])


def test_without_javascript_the_apply_button_filters_agreements(page_without_js, directory):
    page = page_without_js
    page.goto(directory + "/agreements/")
    expect(page.locator(".result-count")).to_have_text("Showing 1–5 of 5")
    skip_to_main(page)

    tab_to(page, FIELD_CHECKBOX)
    page.keyboard.press("Space")
    expect(page.locator(FIELD_CHECKBOX)).to_be_checked()
    # Nothing happens until the form is submitted.
    expect(page.locator(".result-count")).to_have_text("Showing 1–5 of 5")
    tab_to(page, APPLY_BUTTON)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.locator(".result-count")).to_have_text("Showing 1–4 of 4")
    assert parse_qs(urlsplit(page.url).query)["field"] == ["medicine-engineering-integration"]
    expect(page.locator(".active-filters .chip")).to_contain_text(
        "Field: Medicine–engineering integration"
    )
