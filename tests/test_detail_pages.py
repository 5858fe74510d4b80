"""Detail pages: what the sources state, linked; what they do not, said to be unstated."""

import re

import pytest
from django.urls import reverse

from partnerships.models import Agreement


def get(client, name, slug):
    response = client.get(reverse(name, kwargs={"slug": slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_a_year_only_date_is_written_as_the_year(client, curated):
    html = get(client, "agreement-detail", "hkust-pumch-strategic-cooperation-2024")
    assert '<time datetime="2024">2024</time>' in html
    assert "1 January 2024" not in html


def test_a_day_precise_date_is_written_in_full(client, curated):
    html = get(client, "agreement-detail", "ustb-puth-strategic-cooperation-2023")
    assert "25 December 2023" in html


def test_the_agreement_page_says_who_signed_for_whom_and_links_them(client, curated):
    html = get(client, "agreement-detail", "beihang-pumc-strategic-cooperation-2023")
    assert 'href="/people/wang-chen/"' in html
    assert "signed for" in html
    assert 'href="/institutions/pumc/"' in html
    assert "Ruxin Conference Center" in html


def test_what_a_source_does_not_state_is_shown_as_not_stated(client, curated):
    html = get(client, "agreement-detail", "ustb-puth-strategic-cooperation-2023")
    # No venue and no term are given in the USTB–PUTH release: each says so in its row.
    for label in ("Place", "Term"):
        row = html[html.index(f"<dt>{label}</dt>") :]
        assert row[: row.index("</dd>")].endswith('<span class="muted">Not stated</span>')


def test_the_agreement_page_shows_its_term_and_what_it_established(client, curated):
    html = get(client, "agreement-detail", "hkust-pumch-strategic-cooperation-2024")
    assert "3 years" in html
    html = get(client, "agreement-detail", "neu-ghntc-northern-institute-2023")
    assert "Northern Institute of Advanced Medical Research" in html


def test_the_source_is_cited_with_its_credits(client, curated):
    html = get(client, "agreement-detail", "beihang-pumc-strategic-cooperation-2023")
    assert "Lu Meili" in html
    assert 'href="/sources/' in html


def test_the_institution_page_shows_partners_agreements_and_people(client, curated):
    html = get(client, "institution-detail", "pumch")
    assert 'href="/institutions/hkust/"' in html
    assert "hkust-pumch-strategic-cooperation-2024" in html
    assert "Zhang Shuyang" in html


def test_the_institution_page_links_parent_and_children(client, curated):
    assert 'href="/institutions/cams/"' in get(client, "institution-detail", "fuwai-hospital")
    assert 'href="/institutions/fuwai-hospital/"' in get(client, "institution-detail", "cams")


def test_the_person_page_lists_positions_and_roles(client, curated):
    html = get(client, "person-detail", "wang-chen")
    assert "President" in html
    assert "Signed" in html
    assert 'href="/agreements/beihang-pumc-strategic-cooperation-2023/"' in html


def test_the_field_page_lists_sub_fields_agreements_and_active_institutions(client, curated):
    html = get(client, "focusarea-detail", "medicine-engineering-integration")
    assert 'href="/fields/medical-ai/"' in html
    assert "Most active institutions" in html
    assert "neu-ghntc-northern-institute-2023" in html


@pytest.mark.parametrize(
    "url",
    ["/", "/agreements/", "/institutions/", "/people/", "/fields/", "/institutions/pumch/"],
)
def test_every_page_has_a_title_description_and_canonical_url(client, curated, url):
    html = client.get(url).content.decode()
    assert "<title>" in html and 'name="description"' in html
    assert f'rel="canonical" href="http://testserver{url}"' in html


def test_a_draft_agreement_is_a_404_for_the_public_and_marked_for_staff(
    client, admin_client, curated
):
    Agreement.objects.filter(slug="ustb-puth-strategic-cooperation-2023").update(status="draft")
    url = reverse("agreement-detail", kwargs={"slug": "ustb-puth-strategic-cooperation-2023"})
    assert client.get(url).status_code == 404
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Draft — not public" in response.content.decode()


def test_an_unknown_record_gets_the_friendly_404_page(client, db):
    response = client.get("/institutions/no-such-institution/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_parties_of_a_listed_agreement_read_as_words_apart(client, curated):
    html = client.get(reverse("institution-detail", kwargs={"slug": "pumch"})).content.decode()
    assert '<span class="and"> and </span>' in html


def test_an_institutions_page_shows_ten_agreements_and_leads_to_all_of_them(client, db):
    from tests.factories import AgreementFactory, InstitutionFactory

    busy, partner = InstitutionFactory(slug="busy"), InstitutionFactory()
    for number in range(12):
        AgreementFactory(slug=f"busy-{number:02}", parties=[busy, partner])
    page = client.get(reverse("institution-detail", kwargs={"slug": "busy"}))
    assert len(page.context["agreements_page"].object_list) == 10
    html = page.content.decode()
    link = re.search(r'<a href="([^"]+)">All 12 agreements in the list, to filter', html)
    listed = client.get(link[1].replace("&amp;", "&"))
    assert listed.context["total"] == 12
    assert listed.context["filterset"].active == {"institution": ["busy"]}
    assert len(client.get(page.request["PATH_INFO"], {"page": 2}).context["agreements_page"]) == 2

    AgreementFactory(parties=[InstitutionFactory(slug="quiet"), partner])
    quiet = get(client, "institution-detail", "quiet")
    assert "agreements in the list, to filter" not in quiet  # one page says it all


@pytest.mark.parametrize("people", [2, 22])
def test_an_institution_page_counts_its_agreements_and_its_people(client, admin_client, db, people):
    """Readers count its published agreements, editors its drafts too; past the twenty
    people shown, the page says how many there are and links to them all."""
    from partnerships.views import POSITIONS_SHOWN
    from tests.factories import (
        AgreementFactory,
        DraftAgreementFactory,
        InstitutionFactory,
        PersonFactory,
        PositionFactory,
    )

    place = InstitutionFactory(slug="counted")
    for _ in range(3):
        AgreementFactory(parties=[place, InstitutionFactory()])
    DraftAgreementFactory(parties=[place])
    for number in range(people):
        PositionFactory(institution=place, person=PersonFactory(family_name=f"Person {number:02d}"))
    url = reverse("institution-detail", args=["counted"])

    read = client.get(url)
    assert read.context["agreements_page"].paginator.count == 3
    assert admin_client.get(url).context["agreements_page"].paginator.count == 4
    assert len(read.context["positions"]) == min(people, POSITIONS_SHOWN)
    assert read.context["position_count"] == people
    everyone = f"All {people} people with positions here"
    assert (everyone in read.content.decode()) == (people > POSITIONS_SHOWN)


def test_a_position_is_dated_only_when_its_source_dates_it(client, db):
    """A dated position says since when it is known; an undated one says nothing of when
    (not "as of Not stated"), on the institution's page and the person's."""
    import datetime

    from partnerships.models import DatePrecision
    from tests.factories import InstitutionFactory, PersonFactory, PositionFactory

    place = InstitutionFactory(slug="dated-place")
    dated = PersonFactory(slug="dated", family_name="Dated")
    undated = PersonFactory(slug="undated", family_name="Undated")
    PositionFactory(
        institution=place,
        person=dated,
        title="Dean",
        as_of=datetime.date(2024, 3, 1),
        as_of_precision=DatePrecision.MONTH,
    )
    PositionFactory(institution=place, person=undated, title="Dean", as_of=None)

    institution_page = get(client, "institution-detail", "dated-place")
    assert "(as of March 2024)" in institution_page
    assert "as of Not stated" not in institution_page
    assert institution_page.count("as of") == 1
    assert "— as of March 2024" in get(client, "person-detail", "dated")
    assert "as of" not in get(client, "person-detail", "undated")


def test_an_institution_page_links_both_ways_to_the_institutions_a_reader_may_see(
    client, admin_client, db
):
    """Its own links ("is part of") and those to it ("Linked institutions"), read in one
    query; readers see none to an institution that is not public, editors see it."""
    from partnerships.models import InstitutionRelation, InstitutionRelationType
    from tests.factories import InstitutionFactory

    parent = InstitutionFactory(slug="parent", name="Parent University")
    place = InstitutionFactory(slug="place", name="Place Hospital")
    child = InstitutionFactory(slug="child", name="Child Clinic")
    hidden = InstitutionFactory(slug="hidden", name="Hidden Centre", published=False)
    for subject, target in ((place, parent), (child, place), (hidden, place)):
        InstitutionRelation.objects.create(
            subject=subject, object=target, relation_type=InstitutionRelationType.PART_OF
        )

    read = get(client, "institution-detail", "place")
    assert 'href="/institutions/parent/"' in read
    assert "Linked institutions" in read and 'href="/institutions/child/"' in read
    assert "/institutions/hidden/" not in read
    edited = admin_client.get(reverse("institution-detail", args=["place"])).content.decode()
    assert 'href="/institutions/hidden/"' in edited and 'href="/institutions/child/"' in edited
    assert 'href="/institutions/place/"' in get(client, "institution-detail", "child")
