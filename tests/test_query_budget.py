"""Every page costs a fixed number of queries, whatever the number of rows."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from partnerships.models import ParticipationRole, Position
from tests.factories import (
    AgreementFactory,
    FocusAreaFactory,
    InstitutionFactory,
    InstitutionNameFactory,
    ParticipationFactory,
    PersonFactory,
)


@transaction.atomic  # One rebuild of derived data at the end, as after a bulk load.
def build_directory(start, stop):
    """Agreements ``start`` to ``stop``, each with three parties, two fields, two participants."""
    parent = FocusAreaFactory(slug="engineering")
    fields = [FocusAreaFactory(slug=f"field-{n}", parent=parent) for n in range(3)]
    hub = InstitutionFactory(slug="hub")
    people = []
    for n in range(start, stop):
        partners = [InstitutionFactory(slug=f"partner-{n}-{k}") for k in range(2)]
        for partner in partners:
            InstitutionNameFactory(institution=partner, name=f"P{n}x{partner.pk}")
            InstitutionNameFactory(
                institution=partner,
                name=f"伙伴{n}{partner.pk}",
                name_type="label",
                language="zh-Hans",
            )
        agreement = AgreementFactory(
            slug=f"agreement-{n}", parties=[hub, *partners], fields=fields[n % 3 : n % 3 + 2]
        )
        for role in (ParticipationRole.SIGNED, ParticipationRole.WITNESSED):
            person = PersonFactory(slug=f"person-{n}-{role}")
            position = Position.objects.create(
                person=person, institution=partners[0], title="President"
            )
            ParticipationFactory(
                agreement=agreement,
                person=person,
                role=role,
                position=position,
                on_behalf_of=partners[0] if role == ParticipationRole.SIGNED else None,
            )
            people.append(person)
    return {"agreement": agreement, "person": people[-1], "field": fields[0], "parent": parent}


PAGES = [
    ("home", lambda d: reverse("home")),
    ("agreements", lambda d: reverse("agreement-list")),
    ("agreements filtered", lambda d: reverse("agreement-list") + "?field=engineering&year=2023"),
    ("agreements searched", lambda d: reverse("agreement-list") + "?q=Strategic&institution=hub"),
    ("institutions", lambda d: reverse("institution-list")),
    ("people", lambda d: reverse("person-list")),
    ("fields", lambda d: reverse("focusarea-list")),
    ("search", lambda d: reverse("search") + "?q=Institution"),
    ("agreement", lambda d: d["agreement"].get_absolute_url()),
    ("institution with every agreement", lambda d: reverse("institution-detail", args=["hub"])),
    ("person", lambda d: d["person"].get_absolute_url()),
    ("parent field", lambda d: d["parent"].get_absolute_url()),
    ("network", lambda d: reverse("network")),
    ("network filtered", lambda d: reverse("network") + "?field=engineering&year=2023"),
    ("network edges csv", lambda d: reverse("network-edges-csv") + "?field=engineering"),
    ("network graphml", lambda d: reverse("network-graphml")),
    ("agreements in force today", lambda d: reverse("agreement-list") + "?in_force=today"),
]


QUERY_BUDGET = 30  # The search page reads four record types, each ranked on PostgreSQL.


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("language", ["en-gb", "zh-hans"])
@pytest.mark.parametrize(("page", "url"), PAGES, ids=[name for name, _ in PAGES])
def test_a_page_runs_the_same_few_queries_with_two_rows_and_with_many(
    client, db, django_assert_max_num_queries, page, url, language
):
    with translation.override(language):  # The same page in Chinese: /zh-hans/…
        few_rows = count_queries(client, url(build_directory(0, 2)))
        many_rows = url(build_directory(2, 30))  # More rows than a page holds.
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert count_queries(client, many_rows) == few_rows
