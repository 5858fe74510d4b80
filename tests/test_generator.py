"""The synthetic directory generator: valid linked records, deterministic, and careful."""

import hashlib
import random
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from partnerships.models import (
    Agreement,
    AgreementFocusArea,
    AgreementParty,
    AgreementSource,
    DatePrecision,
    EstablishedBody,
    FocusArea,
    Institution,
    InstitutionName,
    InstitutionRelation,
    Participation,
    ParticipationRole,
    Person,
    Position,
    Source,
    SourceCredit,
)
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

AGREEMENTS = 200


def generate(agreements=AGREEMENTS, seed=1, *args):
    call_command(
        "generate_directory",
        "--agreements",
        str(agreements),
        "--seed",
        str(seed),
        *args,
        verbosity=0,
    )


def fingerprint():
    """Everything generated, by natural keys (ids differ between runs)."""
    digest = hashlib.sha256()
    rows = [
        Agreement.objects.order_by("slug").values_list(
            "slug",
            "title",
            "kind",
            "signed_on",
            "signed_on_precision",
            "place",
            "city",
            "term_months",
            "summary",
            "status",
            "published_at",
        ),
        Institution.objects.order_by("slug").values_list("slug", "name", "kind", "city", "region"),
        InstitutionName.objects.order_by("institution__slug", "name_type", "name").values_list(
            "institution__slug", "name", "name_type", "language"
        ),
        Person.objects.order_by("slug").values_list(
            "slug", "family_name", "given_name", "name_order", "native_name", "honorifics"
        ),
        Position.objects.order_by("person__slug", "institution__slug", "title").values_list(
            "person__slug", "institution__slug", "title", "as_of", "as_of_precision"
        ),
        FocusArea.objects.order_by("slug").values_list("slug", "name", "parent__slug"),
        AgreementParty.objects.order_by("agreement__slug", "order").values_list(
            "agreement__slug", "institution__slug", "order"
        ),
        Participation.objects.order_by("agreement__slug", "order").values_list(
            "agreement__slug", "person__slug", "role", "on_behalf_of__slug", "position__title"
        ),
        AgreementFocusArea.objects.order_by("agreement__slug", "focus_area__slug").values_list(
            "agreement__slug", "focus_area__slug"
        ),
        EstablishedBody.objects.order_by("agreement__slug", "name").values_list(
            "agreement__slug", "name", "kind", "planned"
        ),
        Source.objects.order_by("slug").values_list("slug", "title", "publisher", "published_on"),
    ]
    for queryset in rows:
        for row in queryset:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def wipe():
    Agreement.objects.all().delete()  # parties, participations, links and bodies go with them
    Position.objects.all().delete()
    Person.objects.all().delete()
    InstitutionRelation.objects.all().delete()
    Institution.objects.all().delete()
    FocusArea.objects.filter(parent__isnull=False).delete()
    FocusArea.objects.all().delete()
    SourceCredit.objects.all().delete()
    Source.objects.all().delete()


def test_makes_valid_linked_records_at_the_requested_scale():
    generate()

    assert Agreement.objects.count() == AGREEMENTS
    assert Institution.objects.count() == AGREEMENTS // 5
    assert Person.objects.count() == AGREEMENTS // 2
    assert FocusArea.objects.count() == 150
    assert Agreement.objects.filter(status="published").count() > AGREEMENTS * 0.85
    assert Agreement.objects.filter(status="draft").exists()

    # Parties: at least two, never the same institution twice, mostly two.
    party_counts = Counter(
        Agreement.objects.annotate(n=Count("party_links")).values_list("n", flat=True)
    )
    assert min(party_counts) >= 2
    assert party_counts[2] > AGREEMENTS / 2
    parties = defaultdict(set)
    for agreement_id, institution_id in AgreementParty.objects.values_list(
        "agreement_id", "institution_id"
    ):
        parties[agreement_id].add(institution_id)

    # Participations: 2 to 15, one role per person at most once, signers sign for a party.
    counts = Agreement.objects.annotate(n=Count("participations")).values_list("n", flat=True)
    assert min(counts) >= 2
    assert max(counts) <= 15
    seen = set()
    for (
        agreement_id,
        person_id,
        role,
        behalf_id,
        position_person,
    ) in Participation.objects.values_list(
        "agreement_id", "person_id", "role", "on_behalf_of_id", "position__person_id"
    ):
        assert (agreement_id, person_id, role) not in seen
        seen.add((agreement_id, person_id, role))
        if role == ParticipationRole.SIGNED:
            assert behalf_id in parties[agreement_id]
        else:
            assert behalf_id is None
        assert position_person in (None, person_id)
    roles = set(Participation.objects.values_list("role", flat=True))
    assert {"signed", "presided", "spoke", "witnessed", "attended"} <= roles

    # Fields: 1 to 4 per agreement, in two levels.
    field_counts = Agreement.objects.annotate(n=Count("focus_links")).values_list("n", flat=True)
    assert min(field_counts) >= 1
    assert max(field_counts) <= 4
    tops = FocusArea.objects.filter(parent__isnull=True)
    assert tops.count() == 15
    assert not FocusArea.objects.filter(parent__parent__isnull=False).exists()

    # Dates agree with their precision, and all four precisions occur.
    precisions = Counter()
    for signed_on, precision in Agreement.objects.values_list("signed_on", "signed_on_precision"):
        precisions[precision] += 1
        if precision == DatePrecision.UNKNOWN:
            assert signed_on is None
        elif precision == DatePrecision.MONTH:
            assert signed_on.day == 1
        elif precision == DatePrecision.YEAR:
            assert (signed_on.month, signed_on.day) == (1, 1)
    assert precisions[DatePrecision.DAY] > AGREEMENTS / 2
    assert precisions[DatePrecision.MONTH] and precisions[DatePrecision.YEAR]
    years = {d.year for d in Agreement.objects.exclude(signed_on=None).dates("signed_on", "year")}
    assert max(years) - min(years) >= 20

    # Names: acronyms and Chinese labels; pinyin people both ways round.
    assert InstitutionName.objects.filter(name_type="acronym").exists()
    assert InstitutionName.objects.filter(name_type="label", language="zh-Hans").exists()
    assert Person.objects.filter(name_order="given_first").exists()
    assert Person.objects.filter(name_order="family_first").count() > AGREEMENTS / 3
    assert Position.objects.count() >= Person.objects.count()

    # One synthetic source per agreement, never mistaken for a curated document.
    assert AgreementSource.objects.count() == AGREEMENTS
    assert not Source.objects.exclude(document="").exists()
    assert Source.objects.filter(notes__icontains="synthetic").count() == AGREEMENTS

    # A hub: one institution far above the average (~2.2 * 200 / 40 = 11).
    busiest = Institution.objects.annotate(n=Count("party_links")).order_by("-n").first()
    assert busiest.n >= 25

    # Search documents were rebuilt.
    assert not Agreement.objects.filter(search_document="").exists()
    assert not Institution.objects.filter(search_document="").exists()


def test_records_pass_model_validation():
    generate(100, seed=3)
    rng = random.Random(0)
    for model in (
        Agreement,
        AgreementParty,
        Participation,
        AgreementFocusArea,
        EstablishedBody,
        Institution,
        InstitutionName,
        Person,
        Position,
        FocusArea,
        Source,
    ):
        ids = sorted(model.objects.values_list("pk", flat=True))
        for pk in rng.sample(ids, min(15, len(ids))):
            model.objects.get(pk=pk).full_clean()


def test_same_seed_same_directory_other_seed_other_directory():
    generate(seed=7)
    first = fingerprint()
    slugs = list(Agreement.objects.order_by("pk").values_list("slug", flat=True)[:20])
    wipe()
    generate(seed=7)
    assert fingerprint() == first
    assert list(Agreement.objects.order_by("pk").values_list("slug", flat=True)[:20]) == slugs
    wipe()
    generate(seed=8)
    assert fingerprint() != first


def test_refuses_to_run_over_curated_data():
    SourceFactory(document="000_9d3fe3dbc0afc6b7.txt")
    with pytest.raises(CommandError, match="--force"):
        generate(50)
    assert not Agreement.objects.exists()

    generate(50, 1, "--force")
    assert Agreement.objects.count() == 50


def test_refuses_to_run_over_existing_agreements_and_adds_with_force():
    generate(50)
    with pytest.raises(CommandError, match="already holds"):
        generate(50)
    generate(50, 1, "--allow-existing")
    assert Agreement.objects.count() == 100
    assert FocusArea.objects.count() == 150  # fields are reused by name, not duplicated
