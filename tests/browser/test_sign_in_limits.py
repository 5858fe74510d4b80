"""An editor who mistypes the password too often is told what happened, in the browser."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, describe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_five_wrong_passwords_pause_sign_in_with_a_clear_page(
    page, site, django_user_model, screenshot_dir
):
    django_user_model.objects.create_user("editor", password="a-long-password-1", is_staff=True)
    for _ in range(5):
        page.goto(site + "/admin/login/")
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill("wrong password")
        page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Too many failed sign-ins")).to_be_visible()
    expect(page.locator("main")).to_contain_text("ask an administrator to unlock you")
    page.screenshot(path=screenshot_dir / "sign-in-paused.png", full_page=True)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
