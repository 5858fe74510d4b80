"""Small consistencies a client relies on: unknown parameters, undated agreements last."""

import datetime
import json

import pytest

from tests.factories import AgreementFactory


@pytest.mark.parametrize(
    "path",
    ["/api/agreements/", "/api/institutions/", "/api/people/", "/api/fields/"],
)
def test_an_unknown_api_parameter_is_a_400_naming_it(client, db, path):
    response = client.get(path, {"institutin": "pumch"})

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["institutin"]
    assert "institutin" in errors["institutin"][0]


def test_a_record_address_takes_no_parameters(client, db):
    agreement = AgreementFactory()

    response = client.get(f"/api/agreements/{agreement.slug}/", {"expand": "all"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["expand"]


def test_known_parameters_page_and_format_are_still_taken(client, db):
    AgreementFactory()

    assert client.get("/api/agreements/", {"page": 1, "format": "json"}).status_code == 200


def test_a_download_with_an_unknown_parameter_is_a_400(client, db):
    response = client.get("/agreements/export.csv", {"institutin": "pumch"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["institutin"]


def test_a_list_page_shows_a_notice_for_an_unknown_parameter(client, db):
    AgreementFactory()

    response = client.get("/agreements/", {"institutin": "pumch"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "does not take the parameter “institutin”" in html
    # The download links hold only what the page took.
    assert "export.csv?institutin" not in html


def test_a_chinese_reader_reads_the_unknown_parameter_notice_in_chinese(client, db):
    AgreementFactory()

    html = client.get("/zh-hans/agreements/", {"institutin": "pumch"}).content.decode()

    assert "此页面不接受参数“institutin”，已忽略。" in html


@pytest.fixture
def dated_and_undated(db):
    AgreementFactory(
        slug="undated", title="A undated", signed_on=None, signed_on_precision="unknown"
    )
    AgreementFactory(slug="older", title="B older", signed_on=datetime.date(2017, 8, 23))
    AgreementFactory(
        slug="newer",
        title="C newer",
        signed_on=datetime.date(2024, 1, 1),
        signed_on_precision="year",
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["newer", "older", "undated"]),
        ("newest", ["newer", "older", "undated"]),
        ("oldest", ["older", "newer", "undated"]),
    ],
)
def test_undated_agreements_sort_last_in_the_api_and_downloads(
    client, dated_and_undated, sort, expected
):
    params = {"sort": sort} if sort else {}

    api = [r["slug"] for r in client.get("/api/agreements/", params).json()["results"]]
    response = client.get("/agreements/export.json", params)
    download = [r["slug"] for r in json.loads(b"".join(response.streaming_content))]

    assert api == expected
    assert download == expected


@pytest.mark.parametrize("sort", ["", "newest", "oldest"])
def test_undated_agreements_sort_last_on_the_list_page(client, dated_and_undated, sort):
    html = client.get("/agreements/", {"sort": sort} if sort else {}).content.decode()

    positions = [html.index(f"/agreements/{slug}/") for slug in ("newer", "older", "undated")]
    assert positions[2] == max(positions)


@pytest.fixture
def partial_dates(db):
    AgreementFactory(
        slug="year-2024", signed_on=datetime.date(2024, 1, 1), signed_on_precision="year"
    )
    AgreementFactory(
        slug="may-2024", signed_on=datetime.date(2024, 5, 1), signed_on_precision="month"
    )
    AgreementFactory(slug="day-2024-05-18", signed_on=datetime.date(2024, 5, 18))
    AgreementFactory(slug="undated", signed_on=None, signed_on_precision="unknown")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # A year or a month matches a range that overlaps it.
        ({"signed_from": "2024-06-01"}, {"year-2024"}),
        ({"signed_from": "2024-05-10"}, {"year-2024", "may-2024", "day-2024-05-18"}),
        ({"signed_to": "2024-03-31"}, {"year-2024"}),
        (
            {"signed_from": "2024-05-20", "signed_to": "2024-05-31"},
            {"year-2024", "may-2024"},
        ),
        ({"signed_from": "2025-01-01"}, set()),
    ],
)
def test_a_date_range_matches_every_period_it_overlaps(client, partial_dates, params, expected):
    results = client.get("/api/agreements/", params).json()["results"]

    assert {record["slug"] for record in results} == expected
