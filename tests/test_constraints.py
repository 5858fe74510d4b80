"""Every rule the database enforces refuses a bad row by itself, whatever skips clean().

Rows are written with ``objects.create()`` / ``update()``, which run no validation; each bad
write must raise ``IntegrityError`` inside its own ``transaction.atomic()``. Where the
database names the constraint in its message (CHECK constraints on SQLite and PostgreSQL,
every constraint on PostgreSQL), the test checks that it was the intended one.
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from partnerships import models
from tests import factories

pytestmark = pytest.mark.django_db

DAY = models.DatePrecision.DAY
MONTH = models.DatePrecision.MONTH
YEAR = models.DatePrecision.YEAR
UNKNOWN = models.DatePrecision.UNKNOWN


def refused(constraint=None, *, unique=False):
    """Expect the write to fail; match the constraint name where the database reports it."""
    names_unique_constraints = connection.vendor == "postgresql"
    match = constraint if constraint and (names_unique_constraints or not unique) else None
    return pytest.raises(IntegrityError, match=match)


def create_agreement(**fields):
    return models.Agreement.objects.create(
        slug=fields.pop("slug", "agreement"), title="Agreement", kind="cooperation", **fields
    )


# Dates of varying precision (agreement_signed_precision, position_as_of_precision)

INCONSISTENT_DATES = [
    pytest.param(None, DAY, id="no-date-with-day-precision"),
    pytest.param(None, MONTH, id="no-date-with-month-precision"),
    pytest.param(None, YEAR, id="no-date-with-year-precision"),
    pytest.param(datetime.date(2023, 12, 25), UNKNOWN, id="date-with-unknown-precision"),
    pytest.param(datetime.date(2023, 12, 25), MONTH, id="month-not-on-its-first-day"),
    pytest.param(datetime.date(2024, 3, 1), YEAR, id="year-not-on-1-january"),
    pytest.param(datetime.date(2024, 1, 5), YEAR, id="year-in-january-not-on-the-1st"),
]

CONSISTENT_DATES = [
    pytest.param(None, UNKNOWN, id="not-stated"),
    pytest.param(datetime.date(2023, 12, 25), DAY, id="day"),
    pytest.param(datetime.date(2023, 12, 1), MONTH, id="month"),
    pytest.param(datetime.date(2024, 1, 1), YEAR, id="year"),
]


@pytest.mark.parametrize(("signed_on", "precision"), INCONSISTENT_DATES)
def test_a_signing_date_that_disagrees_with_its_precision_is_refused(signed_on, precision):
    with refused("agreement_signed_precision"), transaction.atomic():
        create_agreement(signed_on=signed_on, signed_on_precision=precision)


@pytest.mark.parametrize(("signed_on", "precision"), CONSISTENT_DATES)
def test_a_signing_date_that_agrees_with_its_precision_is_stored(signed_on, precision):
    agreement = create_agreement(signed_on=signed_on, signed_on_precision=precision)

    assert agreement.pk is not None


@pytest.mark.parametrize(("as_of", "precision"), INCONSISTENT_DATES)
def test_a_position_date_that_disagrees_with_its_precision_is_refused(as_of, precision):
    with refused("position_as_of_precision"), transaction.atomic():
        factories.PositionFactory(as_of=as_of, as_of_precision=precision)


# Agreements


def test_a_term_of_zero_months_is_refused():
    with refused("agreement_term_positive"), transaction.atomic():
        create_agreement(term_months=0)


def test_an_agreement_without_a_term_is_stored():
    assert create_agreement(term_months=None).pk is not None


def test_a_published_agreement_without_a_publication_time_is_refused():
    with refused("agreement_published_has_time"), transaction.atomic():
        create_agreement(status=models.AgreementStatus.PUBLISHED, published_at=None)


def test_a_draft_without_a_publication_time_is_stored():
    assert create_agreement(status=models.AgreementStatus.DRAFT, published_at=None).pk


def test_an_institution_cannot_be_a_party_to_the_same_agreement_twice():
    institution = factories.InstitutionFactory()
    agreement = factories.AgreementFactory(parties=[institution])

    with refused("agreement_party_unique", unique=True), transaction.atomic():
        models.AgreementParty.objects.create(agreement=agreement, institution=institution)


def test_a_person_cannot_hold_the_same_role_twice_on_one_agreement():
    participation = factories.ParticipationFactory(role=models.ParticipationRole.SPOKE)

    with refused("participation_unique_role", unique=True), transaction.atomic():
        factories.ParticipationFactory(
            agreement=participation.agreement,
            person=participation.person,
            role=models.ParticipationRole.SPOKE,
        )


def test_a_person_may_hold_two_roles_on_one_agreement():
    participation = factories.ParticipationFactory(role=models.ParticipationRole.SPOKE)

    second = factories.ParticipationFactory(
        agreement=participation.agreement,
        person=participation.person,
        role=models.ParticipationRole.SIGNED,
    )

    assert second.pk is not None


@pytest.mark.parametrize(
    "role",
    [role for role in models.ParticipationRole if role != models.ParticipationRole.SIGNED],
)
def test_only_a_signatory_acts_on_behalf_of_a_party(role):
    with refused("participation_behalf_only_when_signing"), transaction.atomic():
        factories.ParticipationFactory(role=role, on_behalf_of=factories.InstitutionFactory())


def test_a_signatory_may_sign_on_behalf_of_a_party():
    participation = factories.ParticipationFactory(
        role=models.ParticipationRole.SIGNED, on_behalf_of=factories.InstitutionFactory()
    )

    assert participation.pk is not None


def test_a_focus_area_cannot_be_linked_to_an_agreement_twice():
    focus_area = factories.FocusAreaFactory()
    agreement = factories.AgreementFactory(fields=[focus_area])

    with refused("agreement_focus_area_unique", unique=True), transaction.atomic():
        models.AgreementFocusArea.objects.create(agreement=agreement, focus_area=focus_area)


def test_a_source_cannot_be_cited_by_an_agreement_twice():
    agreement, source = factories.AgreementFactory(), factories.SourceFactory()
    models.AgreementSource.objects.create(agreement=agreement, source=source)

    with refused("agreement_source_unique", unique=True), transaction.atomic():
        models.AgreementSource.objects.create(agreement=agreement, source=source)


def test_an_agreement_cannot_establish_two_bodies_of_the_same_name():
    agreement = factories.AgreementFactory()
    models.EstablishedBody.objects.create(agreement=agreement, name="Institute", kind="institute")

    with refused("established_body_unique_per_agreement", unique=True), transaction.atomic():
        models.EstablishedBody.objects.create(agreement=agreement, name="Institute", kind="school")


# Institutions


def test_an_institution_cannot_be_related_to_itself():
    institution = factories.InstitutionFactory()

    with refused("institution_relation_not_self"), transaction.atomic():
        models.InstitutionRelation.objects.create(
            subject=institution, relation_type="part_of", object=institution
        )


def test_the_same_relation_between_two_institutions_cannot_be_recorded_twice():
    subject, parent = factories.InstitutionFactory(), factories.InstitutionFactory()
    models.InstitutionRelation.objects.create(
        subject=subject, relation_type="part_of", object=parent
    )

    with refused("institution_relation_unique", unique=True), transaction.atomic():
        models.InstitutionRelation.objects.create(
            subject=subject, relation_type="part_of", object=parent
        )


def test_an_institution_cannot_have_the_same_other_name_twice():
    name = factories.InstitutionNameFactory(name="PUMCH")

    with refused("institution_name_unique", unique=True), transaction.atomic():
        factories.InstitutionNameFactory(
            institution=name.institution, name="PUMCH", name_type=name.name_type
        )


def test_two_institutions_cannot_share_a_ror_id():
    factories.InstitutionFactory(ror_id="05qbk4x57")

    with refused("institution_ror_id_unique", unique=True), transaction.atomic():
        factories.InstitutionFactory(ror_id="05qbk4x57")


def test_any_number_of_institutions_may_have_no_ror_id():
    factories.InstitutionFactory(ror_id="")
    factories.InstitutionFactory(ror_id="")

    assert models.Institution.objects.filter(ror_id="").count() == 2


def test_two_institutions_cannot_share_a_wikidata_id():
    factories.InstitutionFactory(wikidata_id="Q15568")

    with refused("institution_wikidata_id_unique", unique=True), transaction.atomic():
        factories.InstitutionFactory(wikidata_id="Q15568")


def test_any_number_of_institutions_may_have_no_wikidata_id():
    factories.InstitutionFactory(wikidata_id="")
    factories.InstitutionFactory(wikidata_id="")

    assert models.Institution.objects.filter(wikidata_id="").count() == 2


# People and positions


def test_a_position_cannot_end_before_it_starts():
    with refused("position_ends_after_start"), transaction.atomic():
        factories.PositionFactory(
            start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2019, 12, 31)
        )


def test_a_position_may_start_and_end_on_the_same_day():
    day = datetime.date(2020, 1, 1)

    assert factories.PositionFactory(start_date=day, end_date=day).pk is not None


def test_the_same_position_cannot_be_recorded_twice_as_of_one_date():
    position = factories.PositionFactory(as_of=datetime.date(2023, 5, 18), as_of_precision=DAY)

    with refused("position_unique_per_date", unique=True), transaction.atomic():
        factories.PositionFactory(
            person=position.person,
            institution=position.institution,
            title=position.title,
            as_of=position.as_of,
            as_of_precision=DAY,
        )


def test_the_same_undated_position_cannot_be_recorded_twice():
    position = factories.PositionFactory(as_of=None)

    with refused("position_unique_undated", unique=True), transaction.atomic():
        factories.PositionFactory(
            person=position.person, institution=position.institution, title=position.title
        )


# Focus areas


def test_a_focus_area_cannot_be_its_own_parent():
    focus_area = factories.FocusAreaFactory()

    with refused("focus_area_not_own_parent"), transaction.atomic():
        models.FocusArea.objects.filter(pk=focus_area.pk).update(parent=F("pk"))


def test_two_focus_areas_cannot_share_a_name():
    factories.FocusAreaFactory(name="Medical AI")

    with refused(unique=True), transaction.atomic():
        factories.FocusAreaFactory(name="Medical AI")


# Sources


def test_a_source_cannot_credit_the_same_person_twice_in_one_role():
    source = factories.SourceFactory()
    models.SourceCredit.objects.create(source=source, name="Li Ming", role="author")

    with refused("source_credit_unique", unique=True), transaction.atomic():
        models.SourceCredit.objects.create(source=source, name="Li Ming", role="author")


# Slugs: the public URLs and the fixtures' natural keys


@pytest.mark.parametrize(
    "factory",
    [
        factories.AgreementFactory,
        factories.InstitutionFactory,
        factories.PersonFactory,
        factories.FocusAreaFactory,
        factories.SourceFactory,
    ],
    ids=lambda factory: factory._meta.model.__name__,
)
def test_two_records_of_a_kind_cannot_share_a_slug(factory):
    existing = factory()
    # The factories look records up by slug, so build the duplicate and save it directly.
    duplicate = factory.build(slug=existing.slug)

    with refused(unique=True), transaction.atomic():
        duplicate.save()
