"""Editors' journeys in the admin: a duplicate caught while adding, then merged away."""

import pytest
from playwright.sync_api import expect

from partnerships.models import AgreementParty, Institution
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor_page(page, site, django_user_model):
    django_user_model.objects.create_superuser("amy", "amy@example.org", "a-long-password-1")
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("amy")
    page.get_by_label("Password").fill("a-long-password-1")
    page.get_by_role("button", name="Log in").click()
    return page


def test_a_duplicate_institution_is_caught_then_merged_into_the_curated_one(
    editor_page, site, screenshot_dir
):
    page = editor_page
    polyu = factories.InstitutionFactory(
        slug="polyu", name="The Hong Kong Polytechnic University", city="Hong Kong"
    )
    factories.InstitutionNameFactory(institution=polyu, name="PolyU")

    page.goto(site + "/admin/partnerships/institution/add/")
    page.get_by_label("Full name").fill("Hong Kong Polytechnic University")
    page.get_by_label("Kind").select_option("university")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("This may already be in the directory")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Hong Kong Polytechnic University")
    page.screenshot(path=screenshot_dir / "admin-duplicate-warning.png", full_page=True)

    page.get_by_label("None of these is the record I am adding").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    twin = Institution.objects.exclude(pk=polyu.pk).get()
    factories.AgreementFactory(parties=[twin, factories.InstitutionFactory()])

    page.goto(site + f"/admin/partnerships/institution/{twin.pk}/change/")
    page.get_by_role("link", name="Merge into…").click()
    page.get_by_label("Keep which record").fill("/institutions/polyu/")
    page.screenshot(path=screenshot_dir / "admin-merge.png", full_page=True)
    page.get_by_role("button", name="Merge").click()

    expect(page.get_by_text("every link moved here")).to_be_visible()
    assert AgreementParty.objects.filter(institution=polyu).count() == 1
    page.goto(site + f"/institutions/{twin.slug}/")
    assert page.url == site + "/institutions/polyu/"


def test_the_agreement_form_fits_a_laptop_screen(browser, site, django_user_model, screenshot_dir):
    """At 1,366 × 768 the agreement form, its inlines included, needs no sideways scroll."""
    django_user_model.objects.create_superuser("amy", "amy@example.org", "a-long-password-1")
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("amy")
    page.get_by_label("Password").fill("a-long-password-1")
    page.get_by_role("button", name="Log in").click()
    agreement = factories.AgreementFactory(
        parties=factories.InstitutionFactory.create_batch(2), fields=[factories.FocusAreaFactory()]
    )
    factories.ParticipationFactory(agreement=agreement, role="signed")

    page.goto(site + f"/admin/partnerships/agreement/{agreement.pk}/change/")

    page.screenshot(path=screenshot_dir / "admin-agreement-1366.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    clipped_inlines = page.evaluate(
        "Array.from(document.querySelectorAll('.inline-group fieldset.module'))"
        ".filter(table => table.scrollWidth > table.clientWidth + 1).length"
    )
    context.close()
    assert overflow <= 0
    assert clipped_inlines == 0
