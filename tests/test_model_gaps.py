"""What real releases needed that the model lacked: kinds, bodies, evidence, terms, places."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnerships.models import (
    Agreement,
    EstablishedBody,
    EstablishedBodyKind,
    Institution,
    InstitutionKind,
)
from tests.factories import AgreementFactory, InstitutionFactory

CORPUS = Path(__file__).resolve().parent.parent / "docs" / "curation" / "corpus"


def test_health_systems_and_boards_are_institution_kinds(db):
    trust = InstitutionFactory(
        name="Wessex Coast Hospitals NHS Foundation Trust",
        kind=InstitutionKind.HEALTH_SYSTEM,
        country="United Kingdom",
        region="Hampshire",
    )
    board = InstitutionFactory(name="Board of Darling West Health", kind=InstitutionKind.BOARD)
    trust.full_clean()
    board.full_clean()
    assert trust.get_kind_display().startswith("Health system (NHS trust")


def test_a_laboratory_with_other_names_and_its_own_term_can_be_established(db):
    body = EstablishedBody(
        agreement=AgreementFactory(),
        name="Joint Laboratory of Intelligent Medical Imaging",
        kind=EstablishedBodyKind.LABORATORY,
        other_names="JLIMI\nIntelligent Imaging Lab",
        term_months=60,
    )
    body.full_clean()
    body.save()
    assert EstablishedBodyKind.ALLIANCE.label == "Alliance"


def test_an_established_body_term_is_positive_in_the_database(db):
    body = EstablishedBody(
        agreement=AgreementFactory(), name="Alliance", kind=EstablishedBodyKind.ALLIANCE
    )
    body.term_months = 0
    with pytest.raises(ValidationError, match="at least one month"):
        body.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        body.save()


@pytest.mark.usefixtures("curated")
def test_every_curated_agreement_cites_sentences_of_its_source_for_its_own_facts(db):
    for agreement in Agreement.objects.select_related("evidence_source"):
        source = agreement.sources.get()
        assert agreement.evidence_source == source
        document = (CORPUS / f"seed_{source.document}").read_text(encoding="utf-8")
        assert agreement.title_quote in document
        assert agreement.signed_on_quote in document
        assert bool(agreement.place_quote) == bool(agreement.place or agreement.city)
        assert agreement.place_quote in document
        assert bool(agreement.term_quote) == bool(agreement.term_months)
        assert agreement.term_quote in document


@pytest.mark.usefixtures("curated")
def test_every_curated_field_has_synonyms_drafts_can_match(db):
    from partnerships.models import FocusArea

    leaves = FocusArea.objects.filter(parent__isnull=False)
    assert all(area.synonym_list for area in leaves)
    assert "medical AI" in FocusArea.objects.get(slug="medical-ai").synonym_list


def test_institution_regions_are_described_for_any_country():
    help_text = Institution._meta.get_field("region").help_text
    assert "Queensland" in help_text and "Greater Manchester" in help_text


def test_countries_are_a_controlled_list_of_iso_3166_names(db):
    institution = InstitutionFactory(country="Chinaa")
    with pytest.raises(ValidationError, match="country"):
        institution.full_clean()
    institution.country = "United Kingdom"
    institution.full_clean()


@pytest.mark.parametrize(
    ("typed", "name"),
    [("china", "China"), ("GB", "United Kingdom"), ("Australia", "Australia"), ("Narnia", None)],
)
def test_countries_typed_another_way_are_normalised(typed, name):
    from partnerships.models.institutions import normalise_country

    assert normalise_country(typed) == name


def test_the_migration_rewrites_free_text_countries(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("partnerships.migrations.0009_institution_country_iso_3166")
    for country in ("china", "UK", "Narnia"):
        InstitutionFactory(country=country)
    migration.countries_as_iso_3166_names(apps, None)
    assert sorted(Institution.objects.values_list("country", flat=True)) == [
        "China",
        "Narnia",
        "United Kingdom",
    ]
