"""On a 390-pixel-wide phone the agreement pages reflow: nothing needs sideways scrolling.

Each page is also saved as a full-page mobile screenshot in SCREENSHOT_DIR.
"""

import pytest

from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("agreement-list-mobile", "/agreements/"),
    ("agreement-detail-mobile", "/agreements/hkust-pumch-strategic-cooperation-2024/"),
    # Chinese labels are shorter but unbreakable runs of characters; long English names
    # sit beside them.
    ("agreement-list-mobile-zh-hans", "/zh-hans/agreements/"),
    (
        "agreement-detail-mobile-zh-hans",
        "/zh-hans/agreements/hkust-pumch-strategic-cooperation-2024/",
    ),
    ("institution-detail-mobile-zh-hans", "/zh-hans/institutions/pumch/"),
    ("person-list-mobile-zh-hans", "/zh-hans/people/"),
    ("network-mobile-zh-hans", "/zh-hans/network/"),
]

# Elements whose right edge passes the viewport, ignoring the ones hidden on purpose.
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .filter((el) => !el.closest('.visually-hidden, .skip-link'))
    .map((el) => el.outerHTML.slice(0, 100))
    .slice(0, 5)"""


def test_agreement_list_and_detail_fit_a_phone_screen(phone_page, directory, screenshot_dir):
    problems = {}
    for name, path in PAGES:
        phone_page.goto(directory + path)
        phone_page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)
        scroll_width = phone_page.evaluate("document.documentElement.scrollWidth")
        overflowing = phone_page.evaluate(OVERFLOWING)
        if scroll_width > PHONE["width"] or overflowing:
            problems[path] = {"scrollWidth": scroll_width, "overflowing": overflowing}

    assert not problems, problems
