"""Institutions and people created while curating are not public until they belong to a
published agreement or are published themselves (issue 8, part 7)."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from partnerships.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    Institution,
    Participation,
    Person,
    Position,
)
from partnerships.open_data import dumps
from tests import factories
from tests.admin_factories import EditorFactory

DESK = reverse("admin:partnerships_agreement_from_press_release")
RELEASE = """Source: https://news.example.ac.uk/harbour-trust
Title: University of Harbourside and Harbour Bay NHS Trust sign partnership

The University of Harbourside and Harbour Bay NHS Trust signed a strategic partnership \
agreement on 14 March 2024. Professor Jane Merriweather, Vice-Chancellor of the \
University of Harbourside, signed the agreement. The partnership covers cardiology \
research and medical education.
"""


def _form_data(form, data):
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        data[bound.html_name] = "on" if value is True else value


def desk_save(client):
    """Paste the release, accept every proposed fact, save once: the draft's id."""
    response = client.post(DESK, {"text": RELEASE, "url": "", "title": "", "published": ""})
    data = {"save_draft": "1"}
    _form_data(response.context["agreement_form"], data)
    for name in ("parties", "people", "focus_areas", "established"):
        formset = response.context[name]
        for field in formset.management_form:
            data[field.html_name] = field.value()
        for form in formset:
            _form_data(form, data)
    saved = client.post(DESK, data)
    assert saved.status_code == 302, saved.context and saved.context.get("save_errors")
    return Agreement.objects.get(status=AgreementStatus.DRAFT)


@pytest.fixture
def editor(db):
    return EditorFactory()


@pytest.fixture
def drafted(client, editor):
    """A draft saved from the desk; the reader's ``client`` is logged out again."""
    client.force_login(editor)
    agreement = desk_save(client)
    client.logout()
    institution = Institution.objects.get(name="Harbour Bay NHS Trust")
    person = Person.objects.get(family_name="Merriweather")
    return agreement, institution, person


def publish(agreement):
    Agreement.objects.filter(pk=agreement.pk).update(
        status=AgreementStatus.PUBLISHED, published_at=timezone.now()
    )


def reader_sees(client, institution, person):
    """Where a reader meets each record: ``{surface: (institution seen, person seen)}``."""
    seen = {}
    seen["detail"] = (
        client.get(institution.get_absolute_url()).status_code == 200,
        client.get(person.get_absolute_url()).status_code == 200,
    )
    seen["list"] = (
        institution.slug in client.get(reverse("institution-list")).text,
        person.slug in client.get(reverse("person-list")).text,
    )
    seen["list search"] = (
        institution.slug in client.get(reverse("institution-list"), {"q": "Harbour"}).text,
        person.slug in client.get(reverse("person-list"), {"q": "Merriweather"}).text,
    )
    seen["search"] = (
        institution.slug in client.get(reverse("search"), {"q": "Harbour Bay"}).text,
        person.slug in client.get(reverse("search"), {"q": "Merriweather"}).text,
    )
    api_institutions = client.get("/api/institutions/").json()["results"]
    api_people = client.get("/api/people/").json()["results"]
    seen["api list"] = (
        institution.slug in {row["slug"] for row in api_institutions},
        person.slug in {row["slug"] for row in api_people},
    )
    seen["api detail"] = (
        client.get(f"/api/institutions/{institution.slug}/").status_code == 200,
        client.get(f"/api/people/{person.slug}/").status_code == 200,
    )
    seen["export"] = (
        institution.slug in client.get(reverse("open_data:institutions-csv")).getvalue().decode(),
        person.slug in client.get(reverse("open_data:people-json")).getvalue().decode(),
    )
    sitemap = client.get(reverse("open_data:sitemap")).text
    # An index (the directory's sitemap in sections) is followed to its sections.
    for section in re.findall(r"<loc>http://testserver(/sitemap-[a-z]+\.xml)</loc>", sitemap):
        sitemap += client.get(section).text
    seen["sitemap"] = (
        f"/institutions/{institution.slug}/" in sitemap,
        f"/people/{person.slug}/" in sitemap,
    )
    feed = client.get(reverse("open_data:institution-feed", kwargs={"slug": institution.slug}))
    seen["feed"] = (feed.status_code == 200, None)
    chips = client.get(reverse("agreement-list"), {"institution": institution.slug}).text
    seen["facet chip"] = (institution.name in chips, None)
    dumped = {
        table.name: {row["slug"] for row in dumps.table_rows(table)}
        for table in dumps.TABLES
        if table.name in ("institutions", "people")
    }
    seen["dump"] = (institution.slug in dumped["institutions"], person.slug in dumped["people"])
    return seen


def test_desk_records_are_hidden_from_readers_until_the_agreement_is_published(client, drafted):
    agreement, institution, person = drafted
    assert not institution.published and not person.published

    hidden = reader_sees(client, institution, person)
    for surface, (institution_seen, person_seen) in hidden.items():
        assert institution_seen is False, surface
        assert person_seen in (False, None), surface

    publish(agreement)

    shown = reader_sees(client, institution, person)
    for surface, (institution_seen, person_seen) in shown.items():
        assert institution_seen is True, surface
        assert person_seen in (True, None), surface


def test_editors_see_records_not_yet_public_marked_as_such(client, drafted, editor):
    _agreement, institution, person = drafted
    client.force_login(editor)

    for record in (institution, person):
        page = client.get(record.get_absolute_url())
        assert page.status_code == 200
        assert "Not public: in no published agreement yet" in page.text
    listing = client.get(reverse("institution-list"), {"q": "Harbour"}).text
    assert institution.slug in listing and "Not public" in listing


def test_a_record_published_on_its_own_is_public_without_an_agreement(client, db):
    institution = factories.InstitutionFactory(slug="listed-alone", published=True)
    hidden = factories.InstitutionFactory(slug="curated-alone", published=False)

    assert client.get(institution.get_absolute_url()).status_code == 200
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert list(Institution.objects.public()) == [institution]


def test_belonging_through_a_participation_makes_an_institution_public(db):
    """On whose behalf someone signed, or where a participant held a position, counts."""
    party = factories.InstitutionFactory(published=False)
    behalf = factories.InstitutionFactory(published=False)
    held_at = factories.InstitutionFactory(published=False)
    person = factories.PersonFactory(published=False)
    agreement = factories.DraftAgreementFactory(parties=[party])
    Participation.objects.create(
        agreement=agreement,
        person=person,
        role="signed",
        on_behalf_of=behalf,
        position=Position.objects.create(person=person, institution=held_at, title="Dean"),
    )
    assert not Institution.objects.public().exists() and not Person.objects.public().exists()

    publish(agreement)

    assert set(Institution.objects.public()) == {party, behalf, held_at}
    assert list(Person.objects.public()) == [person]
    assert AgreementParty.objects.count() == 1


def test_records_are_hidden_again_when_their_published_agreements_go(client, db):
    """Whether readers see a record is kept as a column by the write path: withdrawing an
    agreement (by ``update()``, which sends no signal) or deleting it hides again what
    only it made public, and the column always agrees with the rule it keeps."""
    from partnerships.models.querysets import public_rule

    def flags_follow_the_rule():
        for model in (Institution, Person):
            marked = set(model.objects.filter(is_public=True))
            assert marked == set(model.objects.filter(public_rule(model)))

    institution = factories.InstitutionFactory(published=False)
    person = factories.PersonFactory(published=False)
    first = factories.DraftAgreementFactory(parties=[institution])
    second = factories.DraftAgreementFactory(parties=[institution])
    Participation.objects.create(agreement=first, person=person, role="signed")
    publish(first)
    publish(second)
    assert institution in Institution.objects.public() and person in Person.objects.public()
    flags_follow_the_rule()

    Agreement.objects.filter(pk=first.pk).update(status=AgreementStatus.DRAFT)
    assert person not in Person.objects.public()
    assert client.get(person.get_absolute_url()).status_code == 404
    assert institution in Institution.objects.public()  # still a party to the second
    flags_follow_the_rule()

    second.delete()
    assert institution not in Institution.objects.public()
    assert client.get(institution.get_absolute_url()).status_code == 404
    flags_follow_the_rule()


def test_old_slugs_of_records_not_yet_public_stay_out_of_the_dump(db):
    """An old address would name a record readers may not see yet."""
    institution = factories.InstitutionFactory(slug="old-name", published=False)
    Institution.objects.filter(pk=institution.pk).update(slug="new-name")
    old_slugs = next(table for table in dumps.TABLES if table.name == "old_slugs")

    def dumped():
        return {row["old_slug"] for row in dumps.table_rows(old_slugs)}

    assert "old-name" not in dumped()
    Institution.objects.filter(pk=institution.pk).update(published=True)
    assert "old-name" in dumped()


def test_a_new_institution_in_the_admin_starts_not_public(client, editor):
    client.force_login(editor)
    form = client.get(reverse("admin:partnerships_institution_add")).context["adminform"].form
    assert form.initial["published"] is False


def test_every_curated_record_stays_public(curated):
    assert Institution.objects.public().count() == Institution.objects.count()
    assert Person.objects.public().count() == Person.objects.count()


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("url", [reverse("institution-list"), reverse("person-list")])
def test_the_lists_cost_the_same_however_many_records_are_hidden(client, editor, url):
    """Readers and editors: the rule adds no query per record."""
    counts = {}
    for size in (1, 15):
        for _ in range(size):
            factories.InstitutionFactory(published=False)
            factories.PersonFactory(published=False)
            factories.InstitutionFactory()
            factories.PersonFactory()
        client.logout()
        reader = _queries(client, url)
        client.force_login(editor)
        counts[size] = (len(reader), len(_queries(client, url)))
    assert counts[1] == counts[15], counts
