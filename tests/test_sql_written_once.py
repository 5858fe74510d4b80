"""Queries whose SQL is written once per process (``rows_written_once``): every later call
answers with its own arguments, on both databases."""

from partnerships.models import InstitutionPair
from partnerships.models.querysets import in_ids, parties_by_agreement, rows_written_once
from partnerships.record_versions import latest_version
from tests.factories import AgreementFactory, InstitutionFactory


def test_each_call_answers_for_its_own_ids(db):
    a, b, c = (InstitutionFactory(slug=slug) for slug in "abc")
    first = AgreementFactory(parties=[a, b])
    second = AgreementFactory(parties=[b, c])

    assert [party.slug for party in parties_by_agreement([first.pk])[first.pk]] == ["a", "b"]
    parties = parties_by_agreement([second.pk])
    assert list(parties) == [second.pk]
    assert [party.slug for party in parties[second.pk]] == ["b", "c"]

    def partners_among(institution, others):
        return (
            InstitutionPair.objects.filter(institution=institution, agreements__gt=0)
            .filter(in_ids("partner_id", others))
            .order_by("partner")
            .values_list("partner", "agreements")
        )

    assert rows_written_once("test-partners", partners_among, b.pk, [a.pk]) == [(a.pk, 1)]
    assert rows_written_once("test-partners", partners_among, b.pk, [a.pk, c.pk]) == [
        (a.pk, 1),
        (c.pk, 1),
    ]
    assert rows_written_once("test-partners", partners_among, a.pk, [c.pk]) == []


def test_each_record_is_cited_by_its_own_newest_version(db):
    # A history entry's record id is a big integer, which PostgreSQL's driver wraps.
    first, second = AgreementFactory(), AgreementFactory()
    second.summary += " Corrected."
    second.save()

    assert latest_version(first)[0] == first.history.latest().history_id
    assert latest_version(second)[0] == second.history.latest().history_id
    assert latest_version(first) != latest_version(second)
