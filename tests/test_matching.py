"""The agreement list finds its results once per filter combination and counts every
facet from those ids (``matching.py``): the counts must equal what the plain per-facet
subqueries give, under any filters and for readers and staff, and follow every write."""

import datetime
from collections import Counter

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships import filters, matching
from partnerships.models import (
    Agreement,
    AgreementFocusArea,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    DatePrecision,
    FocusArea,
    Institution,
    InstitutionKind,
)
from tests.factories import (
    AgreementFactory,
    DraftAgreementFactory,
    FocusAreaFactory,
    InstitutionFactory,
)

LIST_URL = reverse("agreement-list")


@pytest.fixture
def directory(db):
    pumch = InstitutionFactory(slug="pumch", name="PUMCH Hospital", kind=InstitutionKind.HOSPITAL)
    tju = InstitutionFactory(slug="tju", name="Tianjin University", city="Tianjin")
    hkust = InstitutionFactory(slug="hkust", name="HKUST", city="Hong Kong")
    engineering = FocusAreaFactory(slug="engineering", name="Medicine–engineering integration")
    imaging = FocusAreaFactory(slug="imaging", name="Medical imaging", parent=engineering)
    ai = FocusAreaFactory(slug="medical-ai", name="Medical AI", parent=engineering)
    education = FocusAreaFactory(slug="education", name="Medical education")
    rows = [
        ("tju-pumch", [tju, pumch], [imaging, ai], datetime.date(2023, 3, 30), "mou"),
        ("hkust-pumch", [hkust, pumch], [education], datetime.date(2024, 1, 1), "mou"),
        ("tju-hkust", [tju, hkust], [ai, education], datetime.date(2017, 8, 23), "co"),
        ("pumch-alone", [pumch], [engineering], datetime.date(2023, 6, 1), "mou"),
        ("tju-imaging", [tju], [imaging], datetime.date(2024, 5, 5), "co"),
    ]
    for slug, parties, fields, signed_on, kind in rows:
        AgreementFactory(
            slug=slug,
            title=f"Agreement {slug}",
            parties=parties,
            fields=fields,
            signed_on=signed_on,
            signed_on_precision=DatePrecision.DAY,
            kind=AgreementKind.CO_ESTABLISHMENT if kind == "co" else AgreementKind.MEMORANDUM,
        )
    # A draft in every facet: readers must never count it, staff always.
    DraftAgreementFactory(
        slug="draft", parties=[tju, pumch], fields=[imaging], signed_on=datetime.date(2023, 1, 2)
    )
    return rows


def snapshot(response):
    """Everything the list shows that the matching sets decide."""
    facets = {
        facet.name: [
            (o.value, o.count, o.selected, [(c.value, c.count) for c in o.children])
            for o in facet.options
        ]
        for facet in response.context["facets"]
    }
    slugs = [agreement.slug for agreement in response.context["object_list"]]
    return response.context["total"], slugs, facets, response.context["year_chart"]


def without_materialised_ids(monkeypatch):
    """Count through plain subqueries, as before the matching sets (and as on SQLite)."""
    monkeypatch.setattr(
        matching.Matching,
        "of",
        classmethod(lambda cls, queryset, *_args, **_kwargs: cls(queryset.order_by())),
    )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"field": "engineering"},
        {"field": "engineering", "year": "2023"},
        {"field": "imaging", "year": ["2023", "2024"], "institution": "pumch"},
        {"year": "2024", "kind": "memorandum", "institution_kind": "hospital"},
        {"city": "Tianjin", "field": "education", "kind": "co_establishment"},
        {"q": "Agreement", "field": "engineering", "year": "2023"},
        {"q": "Agreement"},
        {"in_force": "today", "year": "2023", "institution": ["tju", "hkust"]},
        {"field": "engineering", "year": "1999"},
        {"field": "engineering", "year": ["2023", "2024"], "sort": "title"},
        {"field": "engineering", "institution": "tju", "sort": "oldest", "page": "1"},
    ],
)
@pytest.mark.parametrize("reader", ["client", "admin_client"])
def test_facets_from_matching_sets_equal_the_plain_subqueries(
    request, monkeypatch, directory, params, reader
):
    client = request.getfixturevalue(reader)
    cache.clear()
    found = snapshot(client.get(LIST_URL, params))
    cache.clear()
    with monkeypatch.context() as patch:
        without_materialised_ids(patch)
        expected = snapshot(client.get(LIST_URL, params))
    assert found == expected


def api_and_download(client, params):
    """What the API's first page and the CSV download hold, in their order."""
    cache.clear()
    page = client.get("/api/agreements/", params).json()
    rows = client.get("/agreements/export.csv", params)
    csv_lines = b"".join(rows.streaming_content).decode().splitlines()[1:]
    return page["count"], [record["slug"] for record in page["results"]], csv_lines


@pytest.mark.parametrize(
    "params",
    [
        {"field": "engineering", "year": "2023"},
        {"field": "engineering", "year": ["2023", "2024"], "sort": "title"},
        {"field": "engineering", "institution": "tju", "sort": "oldest"},
        {"year": "2024", "institution_kind": "hospital", "sort": "recent"},
        {"field": "education", "year": "1999"},
    ],
)
@pytest.mark.parametrize("sorted_up_to", [filters.SORT_IDS_UP_TO, 1])
def test_the_api_and_downloads_sort_the_matching_ids_as_the_filters_would(
    client, monkeypatch, directory, params, sorted_up_to
):
    """Their results come from the ids the matching set found (PostgreSQL), sorted, or
    past ``SORT_IDS_UP_TO`` ids from the filters; either way as the filters alone give."""
    monkeypatch.setattr(filters, "SORT_IDS_UP_TO", sorted_up_to)
    found = api_and_download(client, params)
    with monkeypatch.context() as patch:
        without_materialised_ids(patch)
        expected = api_and_download(client, params)
    assert found == expected
    assert found[0] == len(found[1]) == len(found[2])


def test_a_filtered_api_page_finds_its_matches_once(client, directory):
    """On PostgreSQL the count is the number of ids found, and the page sorts those ids:
    the filters run once, not for a COUNT and again for the page."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps the plain subqueries.")
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/api/agreements/", {"field": "engineering", "year": "2023"}).json()
    assert [record["slug"] for record in page["results"]] == ["pumch-alone", "tju-pumch"]
    filtering = [q["sql"] for q in queries if "partnerships_agreementfocusarea" in q["sql"]]
    assert len(filtering) == 2  # the matching ids, then the page's fields (by id)
    assert not any("COUNT(" in q["sql"] for q in queries)


def test_known_counts_under_two_filters(client, directory):
    response = client.get(LIST_URL, {"field": "engineering", "year": "2023"})
    total, slugs, facets, _chart = snapshot(response)
    assert total == 2
    assert sorted(slugs) == ["pumch-alone", "tju-pumch"]
    # Disjunctive: years count under the field only, fields under the year only.
    assert {value: count for value, count, *_ in facets["year"]} == {
        "2024": 1,
        "2023": 2,
        "2017": 1,
    }
    assert {value: count for value, count, *_ in facets["field"]} == {"engineering": 2}
    assert {value: count for value, count, *_ in facets["institution"]} == {
        "pumch": 2,
        "tju": 1,
    }


def matching_set(params, excluded=None):
    """A reader's matching set for list ``params``, under every filter but ``excluded``."""
    from partnerships.filters import AgreementFilterSet

    filterset = AgreementFilterSet(params, queryset=Agreement.objects.published())
    assert filterset.form.is_valid()
    return filterset.matching(excluded)


class Probe:
    """A count that returns how many times it has been computed."""

    def __init__(self):
        self.computed = 0

    def __call__(self):
        self.computed += 1
        return self.computed


def test_a_set_under_one_filter_is_counted_once_for_every_request_sharing_it(directory):
    """A year's field counts serve every request that adds a field to that year, until
    the next write; a set under two filters, seldom asked twice, is counted each time."""
    count = Probe()
    cache.clear()
    first = matching_set({"year": "2023", "field": "engineering"}, excluded="field")
    second = matching_set({"year": "2023", "field": "education"}, excluded="field")
    assert first.remembered("probe", count) == second.remembered("probe", count) == 1
    assert (
        matching_set({"year": "2024", "field": "education"}, "field").remembered("probe", count)
        == 2
    )

    AgreementFactory(slug="new", signed_on=datetime.date(2023, 9, 9))
    assert matching_set({"year": "2023"}, "field").remembered("probe", count) == 3

    both = {"year": "2023", "field": "engineering"}
    assert matching_set(both).remembered("probe", count) == 4
    assert matching_set(both).remembered("probe", count) == 5


def test_a_search_alone_is_counted_once_for_every_request_refining_it(directory):
    """A broad search is costly to count: the year facet of "search + a year" is the
    search alone, remembered for the next year chosen, the next field, or the next page."""
    count = Probe()
    cache.clear()
    first = matching_set({"q": "Agreement", "year": "2023"}, excluded="year")
    second = matching_set({"q": "Agreement", "year": "2024"}, excluded="year")
    assert first.remembered("probe", count) == second.remembered("probe", count) == 1
    assert matching_set({"q": "cooperation"}).remembered("probe", count) == 2
    assert matching_set({"q": "Agreement", "year": "2023"}).remembered("probe", count) == 3


def test_a_shared_set_shows_what_a_cold_request_shows(client, directory):
    cache.clear()
    client.get(LIST_URL, {"year": "2023", "field": "engineering"})
    shared = snapshot(client.get(LIST_URL, {"year": "2023", "field": "education"}))
    cache.clear()
    assert shared == snapshot(client.get(LIST_URL, {"year": "2023", "field": "education"}))


def test_a_shared_set_is_counted_by_its_own_query_not_its_ids(directory):
    """Counted once per write, a set under one filter gains nothing from reading its ids
    (thousands at scale) and sending them back: each of its counts is one query."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps the plain subqueries.")
    cache.clear()
    shared = matching_set({"year": "2023", "field": "engineering"}, excluded="year")
    with CaptureQueriesContext(connection) as queries:
        years = shared.year_counts()
        total = shared.count()
    counting = [q["sql"] for q in queries if "directoryversion" not in q["sql"]]  # not keys
    assert not shared.ids_read and len(counting) == 2  # one query per count
    assert all("= ANY(" not in sql for sql in counting)
    # The same counts as the set read by its ids.
    by_ids = matching.Matching(
        shared.queryset, sorted(shared.queryset.values_list("pk", flat=True))
    )
    assert (years, total) == (by_ids.year_counts(), by_ids.count()) and total > 0


def test_a_readers_years_in_one_field_are_counted_from_its_facet_rows(directory):
    """The year facet and chart of a list filtered by a field (and a year) count the
    field's published agreements from their facet rows, sub-fields included; an
    editor's list, which holds drafts, counts from its own query."""
    if connection.vendor != "postgresql":
        pytest.skip("The facet rows are PostgreSQL's.")
    cache.clear()
    readers = matching_set({"year": "2023", "field": "engineering"}, excluded="year")
    with CaptureQueriesContext(connection) as queries:
        years = readers.year_counts()
    assert ["partnerships_agreementfacets" in q["sql"] for q in queries][-1:] == [True]
    # tju-pumch (imaging, medical AI) and pumch-alone (engineering) in 2023, tju-hkust
    # (medical AI) in 2017, tju-imaging in 2024; not the draft (imaging, 2023).
    assert years == ([(2017, 1), (2023, 2), (2024, 1)], 0)
    assert years == matching.Matching(readers.queryset).year_counts()

    from partnerships.filters import AgreementFilterSet

    editors = AgreementFilterSet(
        {"year": "2023", "field": "engineering"}, queryset=Agreement.objects.all()
    )
    assert editors.form.is_valid()
    editors = editors.matching("year")
    assert editors.year_rows is None
    assert editors.year_counts() == ([(2017, 1), (2023, 3), (2024, 1)], 0)


def test_the_ids_are_sent_as_one_array_parameter(directory):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps the plain subqueries.")
    found = matching.Matching.of(Agreement.objects.published())
    assert len(found.ids) == 5
    sql, params = found.links(AgreementFocusArea).query.sql_with_params()
    assert "= ANY(" in sql
    # Written once as an array literal, reused by every count that sends the ids.
    assert list(params) == ["{" + ",".join(str(pk) for pk in found.ids) + "}"]
    assert params[0] is found.agreements().query.sql_with_params()[1][-1]
    assert found.agreements().count() == 5


def test_many_ids_are_kept_while_reading_every_row_with_the_same_result(directory, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps the plain subqueries.")
    from partnerships.models.querysets import InIds

    found = matching.Matching.of(Agreement.objects.published())
    by_index = sorted(found.agreements().values_list("pk", flat=True))
    monkeypatch.setattr(InIds, "READ_ALL_FROM", 2)
    sql, _ = found.agreements().query.sql_with_params()
    assert '("partnerships_agreement"."id" + 0) = ANY(' in sql
    assert sorted(found.agreements().values_list("pk", flat=True)) == by_index == found.ids


def field_counts(client, **params):
    response = client.get(LIST_URL, params)
    counts = {
        o.value: o.count for f in response.context["facets"] if f.name == "field" for o in f.options
    }
    return response.context["total"], counts


def test_the_counts_follow_writes_through_every_path(client, directory):
    """Save, ``update()``, ``bulk_create()`` and delete each show in the next request."""
    assert field_counts(client, year="2023") == (2, {"engineering": 2})

    created = AgreementFactory(
        slug="new", parties=[], fields=[], signed_on=datetime.date(2023, 9, 9)
    )
    assert field_counts(client, year="2023") == (3, {"engineering": 2})

    education = FocusArea.objects.get(slug="education")
    AgreementFocusArea.objects.bulk_create(
        [AgreementFocusArea(agreement=created, focus_area=education)]
    )
    assert field_counts(client, year="2023") == (3, {"engineering": 2, "education": 1})

    Agreement.objects.filter(slug="pumch-alone").update(status=AgreementStatus.DRAFT)
    assert field_counts(client, year="2023") == (2, {"engineering": 1, "education": 1})

    Agreement.objects.filter(slug="draft").update(
        status=AgreementStatus.PUBLISHED, published_at=timezone.now()
    )
    assert field_counts(client, year="2023") == (3, {"engineering": 2, "education": 1})

    created.delete()
    assert field_counts(client, year="2023") == (2, {"engineering": 2})


def facet_counts(client, name, **params):
    response = client.get(LIST_URL, params)
    return {
        o.value: o.count for f in response.context["facets"] if f.name == name for o in f.options
    }


def test_facets_follow_edits_of_the_institutions_and_fields_they_group_by(client, directory):
    """The city, kind and top-level field an agreement is counted under belong to other
    records: editing those (here by ``update()``, which sends no signal) moves the counts
    in the next request, filtered or not."""

    pumch_city = Institution.objects.get(slug="pumch").city
    assert facet_counts(client, "city") == {pumch_city: 3, "Tianjin": 3, "Hong Kong": 2}
    assert facet_counts(client, "city", year="2023") == {pumch_city: 2, "Tianjin": 1}
    Institution.objects.filter(slug="tju").update(city="Shanghai")
    assert facet_counts(client, "city") == {pumch_city: 3, "Shanghai": 3, "Hong Kong": 2}
    assert facet_counts(client, "city", year="2023") == {pumch_city: 2, "Shanghai": 1}

    Institution.objects.filter(slug="hkust").update(kind=InstitutionKind.HOSPITAL)
    assert facet_counts(client, "institution_kind", year="2017")["hospital"] == 1

    assert facet_counts(client, "field")["engineering"] == 4
    FocusArea.objects.filter(slug="education").update(
        parent=FocusArea.objects.get(slug="engineering")
    )
    # Every published agreement is now in engineering or below it.
    assert facet_counts(client, "field")["engineering"] == 5


def test_whole_directory_counts_from_the_facet_rows_equal_the_link_tables(
    client, directory, monkeypatch
):
    """The home page's figures and every field's count (search, field list) come from the
    facet rows on PostgreSQL: the same numbers, drafts left out, ties by name."""
    from partnerships import read_model

    def home():
        cache.clear()
        response = client.get(reverse("home"))
        counts = response.context["counts"]
        return counts, [(i.slug, i.agreement_count) for i in response.context["top_institutions"]]

    fields, page = FocusArea.objects.agreement_counts(), home()
    with monkeypatch.context() as patch:
        patch.setattr(read_model, "in_use", lambda: False)
        assert FocusArea.objects.agreement_counts() == fields
        assert home() == page
    engineering = FocusArea.objects.get(slug="engineering")
    assert fields[engineering.pk] == 4  # in it or below, each agreement once
    assert page[0]["institutions"] == 3
    assert page[1] == [("pumch", 3), ("tju", 3), ("hkust", 2)]


def field_page(client, slug):
    """What a field's page shows that its matching agreements decide."""
    response = client.get(reverse("focusarea-detail", kwargs={"slug": slug}))
    page = response.context["agreements_page"]
    active = [(i.slug, i.count) for i in response.context["active_institutions"]]
    return page.paginator.count, [a.slug for a in page.object_list], active


def field_page_from_plain_queries(slug, drafts):
    """The same, from the agreement and party tables by the ORM alone."""
    area = FocusArea.objects.get(slug=slug)
    agreements = Agreement.objects.in_field(area)
    if not drafts:
        agreements = agreements.published()
    ordered = [a.slug for a in agreements.newest_first()]
    published = Agreement.objects.published().in_field(area)
    active = Counter(
        slug
        for (slug,) in AgreementParty.objects.filter(agreement__in=published).values_list(
            "institution__slug"
        )
    )
    names = dict(Institution.objects.values_list("slug", "name"))
    most_active = sorted(active.items(), key=lambda item: (-item[1], names[item[0]]))
    return len(ordered), ordered, most_active


@pytest.mark.parametrize("reader", ["client", "admin_client"])
def test_a_field_page_shows_what_the_plain_queries_give_and_follows_every_write(
    request, directory, reader
):
    """A field's page (on PostgreSQL read from the facet rows, which hold each agreement's
    date and title for the order) lists its and its sub-fields' agreements newest first,
    ties by title, counts them and its most active institutions, and follows writes that
    send no signal: a new title or date reorders it, unpublishing removes it for readers."""
    client = request.getfixturevalue(reader)
    drafts = reader == "admin_client"
    imaging = FocusArea.objects.get(slug="imaging")
    # Signed the same day as "tju-imaging": the title decides which comes first.
    AgreementFactory(
        slug="same-day",
        title="Agreement a-same-day",
        parties=[Institution.objects.get(slug="hkust")],
        fields=[imaging],
        signed_on=datetime.date(2024, 5, 5),
        signed_on_precision=DatePrecision.DAY,
    )

    def shown_as_planned():
        cache.clear()
        for slug in ("engineering", "imaging", "medical-ai", "education"):
            assert field_page(client, slug) == field_page_from_plain_queries(slug, drafts)

    shown_as_planned()
    cache.clear()
    assert field_page(client, "imaging")[1][:2] == ["same-day", "tju-imaging"]

    Agreement.objects.filter(slug="same-day").update(title="Agreement zz")
    assert field_page(client, "imaging")[1][:2] == ["tju-imaging", "same-day"]
    shown_as_planned()

    Agreement.objects.filter(slug="tju-pumch").update(signed_on=datetime.date(2025, 2, 1))
    assert field_page(client, "engineering")[1][0] == "tju-pumch"
    shown_as_planned()

    Agreement.objects.filter(slug="pumch-alone").update(status=AgreementStatus.DRAFT)
    assert ("pumch-alone" in field_page(client, "engineering")[1]) is drafts
    shown_as_planned()
