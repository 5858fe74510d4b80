"""An editor's journey: paste a press release, review it, save a draft, publish, read it."""

import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from partnerships.models import Agreement, AgreementStatus

from .conftest import axe_violations, describe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RELEASE = (
    Path(__file__).resolve().parents[2]
    / "docs"
    / "curation"
    / "corpus"
    / "written_03_uk_nhs_full_date.txt"
)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("desk", "desk@example.org", PASSWORD)


def test_a_pasted_release_becomes_a_published_agreement(
    page, directory, editor, screenshot_dir, capsys
):
    loads = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and loads.append(frame.url))
    started = time.monotonic()

    page.goto(f"{directory}/admin/partnerships/agreement/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="New agreement from a press release").click()
    expect(page.get_by_role("heading", name="New agreement from a press release")).to_be_visible()

    page.get_by_label("Text of the press release").fill(RELEASE.read_text(encoding="utf-8"))
    page.get_by_label("Address (URL) of the release").fill("https://news.example.ac.uk/wessex")
    page.get_by_role("button", name="Read the release").click()

    expect(page.get_by_role("heading", name="Review the proposed agreement")).to_be_visible()
    expect(page.locator("mark#sentence-4")).to_contain_text("signed on 14 March 2024")
    expect(page.get_by_label("Title of the agreement")).to_have_value(
        "Memorandum of understanding between University of Wessex and Wessex Coast "
        "Hospitals NHS Foundation Trust"
    )
    page.screenshot(path=screenshot_dir / "admin-press-release-review.png", full_page=True)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    # One pick: drop the third proposed field, which the release does not really cover.
    page.locator("#id_field-2-keep").uncheck()
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.locator(".messagelist")).to_contain_text("as a draft")

    agreement = Agreement.objects.get(status=AgreementStatus.DRAFT)
    assert agreement.focus_links.count() == 2

    # Publish from the agreement's own page.
    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.PUBLISHED
    editing_time = time.monotonic() - started
    editor_page_loads = len(loads)

    page.goto(f"{directory}/agreements/{agreement.slug}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Memorandum of understanding")
    expect(page.get_by_role("main")).to_contain_text("Wessex Coast Hospitals NHS Foundation Trust")
    expect(page.get_by_role("main")).to_contain_text("Helen Carter")
    page.goto(f"{directory}/agreements/")
    expect(page.get_by_role("main")).to_contain_text("University of Wessex")

    with capsys.disabled():
        print(
            f"\n[curation desk] one release: {editor_page_loads} page loads (login included), "
            f"4 form submissions (login included), 1 pick, {editing_time:.1f} s in the browser"
        )
