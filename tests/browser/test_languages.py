"""Reading the directory in Chinese: the switcher, the first visit, and Chinese names."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILTERED = "/agreements/?field=medicine-engineering-integration&year=2023"


def test_the_switcher_keeps_the_filters_without_javascript(page_without_js, directory):
    page = page_without_js
    page.goto(directory + FILTERED)

    page.get_by_role("navigation", name="Language").get_by_role("link", name="简体中文").click()

    expect(page).to_have_url(
        re.compile(r"/zh-hans/agreements/\?field=medicine-engineering-integration&year=2023$")
    )
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("协议")
    expect(page.locator("#id_sort")).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile("^2023"))).to_be_checked()

    # Back to English, remembered although the browser is left as it was.
    page.get_by_role("navigation", name="语言").get_by_role("link", name="English").click()
    expect(page).to_have_url(
        re.compile(r"/agreements/\?field=medicine-engineering-integration&year=2023$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreements")


def test_a_browser_that_prefers_chinese_gets_the_chinese_pages_first(browser, directory):
    context, page = _new_page(browser, locale="zh-CN")
    try:
        page.goto(directory + "/institutions/pumch/")
        expect(page).to_have_url(re.compile(r"/zh-hans/institutions/pumch/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("北京协和医院")
        expect(page.locator('.lead [lang="en"]').first).to_have_text(
            "Peking Union Medical College Hospital"
        )
    finally:
        context.close()
