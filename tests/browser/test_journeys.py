"""Journeys a visitor takes through the directory, with JavaScript on (filters applied in place)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import AgreementFactory, FocusAreaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HKUST_PUMCH = "hkust-pumch-strategic-cooperation-2024"
# A top-level field: four curated agreements, three of them signed in 2023.
FIELD, FIELD_NAME = "medicine-engineering-integration", "Medicine–engineering integration"


def query_of(page):
    """The page's query parameters; blank ones (an empty search box) are left out."""
    return parse_qs(urlsplit(page.url).query)


def test_a_search_for_pumch_leads_through_its_agreement_to_a_partner_institution(page, directory):
    page.goto(directory + "/")
    page.get_by_label("Search institutions, people, agreements and fields").fill("PUMCH")
    page.get_by_label("Search institutions, people, agreements and fields").press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=PUMCH$"))
    institutions = page.get_by_role("region", name=re.compile("^Institutions"))
    expect(
        institutions.get_by_role("link", name="Peking Union Medical College Hospital", exact=True)
    ).to_be_visible()
    agreements = page.get_by_role("region", name=re.compile("^Agreements"))
    agreements.locator(f'a[href="/agreements/{HKUST_PUMCH}/"]').click()

    expect(page).to_have_url(re.compile(f"/agreements/{HKUST_PUMCH}/$"))
    signed = page.locator("dt:text-is('Signed') + dd")
    expect(signed.locator("time")).to_have_text("2024")
    expect(signed).to_contain_text("the source gives only the year")

    page.locator(".record-head .lead").get_by_role(
        "link", name="Peking Union Medical College Hospital"
    ).click()
    expect(page).to_have_url(re.compile(r"/institutions/pumch/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Peking Union Medical College Hospital"
    )

    partners = page.get_by_role("region", name="Partners")
    partners.get_by_role("link", name="Hong Kong University of Science and Technology").click()
    expect(page).to_have_url(re.compile(r"/institutions/hkust/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hong Kong University of Science and Technology"
    )


def test_filtering_agreements_by_field_and_year_updates_results_and_url_in_place(page, directory):
    page.goto(directory + "/agreements/")
    expect(page.locator(".result-count")).to_have_text("Showing 1–5 of 5")
    # The results are swapped in place: a marker on the window survives only without reloads.
    page.evaluate("window.notReloaded = true")

    page.locator(f'input[name="field"][value="{FIELD}"]').check()
    expect(page.locator(".result-count")).to_have_text("Showing 1–4 of 4")
    page.locator('input[name="year"][value="2023"]').check()
    expect(page.locator(".result-count")).to_have_text("Showing 1–3 of 3")

    # Empty fields (the search box, the dates) stay out of the address to share.
    query = parse_qs(urlsplit(page.url).query, keep_blank_values=True)
    assert (query["field"], query["year"]) == ([FIELD], ["2023"])
    assert {"q", "signed_from", "signed_to"}.isdisjoint(query)
    assert page.evaluate("window.notReloaded") is True

    # Back and forward step through the filtered pages, as they would without JavaScript.
    page.go_back()
    expect(page.locator(".result-count")).to_have_text("Showing 1–4 of 4")
    assert query_of(page)["field"] == [FIELD]
    assert "year" not in query_of(page)
    expect(page.locator('input[name="year"][value="2023"]')).not_to_be_checked()
    page.go_forward()
    expect(page.locator(".result-count")).to_have_text("Showing 1–3 of 3")
    expect(page.locator('input[name="year"][value="2023"]')).to_be_checked()
    assert page.evaluate("window.notReloaded") is True
    chips = page.locator(".active-filters .chip")
    expect(chips).to_have_count(2)
    expect(page.get_by_role("link", name=f"Remove filter Field: {FIELD_NAME}")).to_be_visible()
    expect(page.get_by_role("link", name="Remove filter Year signed: 2023")).to_be_visible()

    page.get_by_role("link", name="Remove filter Year signed: 2023").click()
    expect(page.locator(".result-count")).to_have_text("Showing 1–4 of 4")
    query = query_of(page)
    assert query["field"] == [FIELD]
    assert "year" not in query
    expect(chips).to_have_count(1)
    expect(chips).to_contain_text(f"Field: {FIELD_NAME}")
    expect(page.locator(f'input[name="field"][value="{FIELD}"]')).to_be_checked()
    expect(page.locator('input[name="year"][value="2023"]')).not_to_be_checked()


def test_a_second_change_before_the_first_answer_shows_both(page, directory):
    """A reader ticking two boxes in quick succession sees the results of both: the
    second change replaces the first request in flight, rather than being dropped."""
    page.goto(directory + "/agreements/")
    expect(page.locator(".result-count")).to_have_text("Showing 1–5 of 5")
    page.evaluate(
        """([field, year]) => {
          for (const box of [
            document.querySelector(`input[name="field"][value="${field}"]`),
            document.querySelector(`input[name="year"][value="${year}"]`),
          ]) {
            box.checked = true;
            box.dispatchEvent(new Event("change", { bubbles: true }));
          }
        }""",
        [FIELD, "2023"],
    )
    expect(page.locator(".result-count")).to_have_text("Showing 1–3 of 3")
    query = query_of(page)
    assert (query["field"], query["year"]) == ([FIELD], ["2023"])
    # Once the answer is in, the results are no longer marked busy.
    expect(page.locator("#list-page")).not_to_have_attribute("aria-busy", "true")


def test_the_next_page_keeps_the_active_filters(page, directory):
    rare = FocusAreaFactory(slug="rare-diseases", name="Rare diseases")
    AgreementFactory.create_batch(25, fields=[rare])

    page.goto(directory + "/agreements/?field=rare-diseases&year=2023")
    expect(page.locator(".result-count")).to_have_text("Showing 1–20 of 25")
    page.get_by_role("navigation", name="Result pages").get_by_role("link", name="Next").click()

    expect(page.locator(".pagination [aria-current='page']")).to_have_text("Page 2 of 2")
    expect(page.locator(".result-count")).to_have_text("Showing 21–25 of 25")
    query = query_of(page)
    assert (query["field"], query["year"], query["page"]) == (["rare-diseases"], ["2023"], ["2"])
    expect(page.locator('input[name="field"][value="rare-diseases"]')).to_be_checked()
    expect(page.locator(".active-filters .chip")).to_have_count(2)
