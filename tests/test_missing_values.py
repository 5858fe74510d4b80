"""A missing value is ``null`` in JSON everywhere (API, JSON downloads, dumps' JSON Lines),
never ``""``; CSV, which has no null, leaves the cell empty."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command

from partnerships.models import (
    EstablishedBody,
    InstitutionName,
    Participation,
    Position,
    Source,
)
from partnerships.open_data.dumps import write_dump
from tests.factories import (
    AgreementFactory,
    InstitutionFactory,
    PersonFactory,
    SourceFactory,
)

LISTS = ("agreements", "institutions", "people", "fields")


@pytest.fixture
def sparse(curated):
    """The curated directory plus records that lack every optional value."""
    institution = InstitutionFactory(
        slug="sparse-hospital", name="Sparse Hospital", city="", region="", country=""
    )
    person = PersonFactory(slug="sparse-person", given_name="", native_name="", honorifics="")
    source = SourceFactory(slug="sparse-source", publisher="", url="")
    agreement = AgreementFactory(
        slug="sparse-agreement",
        parties=[institution, InstitutionFactory()],
        place="",
        city="",
        summary="",
    )
    agreement.sources.add(source)
    EstablishedBody.objects.create(agreement=agreement, name="A centre", kind="centre")
    InstitutionName.objects.create(institution=institution, name="SH", name_type="acronym")
    position = Position.objects.create(person=person, institution=institution, title="Dean")
    Participation.objects.create(agreement=agreement, person=person, role="attended")
    Participation.objects.create(
        agreement=agreement, person=PersonFactory(), role="signed", position=position
    )
    return agreement


def empty_strings(value, path="$"):
    """The paths in a JSON value that hold ``""``."""
    if value == "":
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in empty_strings(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in empty_strings(item, f"{path}[{i}]")]
    return []


def api_records(client, path):
    """Every record of an API list, following ``next`` to the end."""
    records, url = [], f"/api/{path}/"
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.json()
        assert empty_strings(page) == [], url
        records += page["results"]
        url = page["next"]
    return records


def test_no_api_list_or_detail_answers_an_empty_string(client, sparse):
    checked = 0
    for path in LISTS:
        for record in api_records(client, path):
            response = client.get(record["url"])
            assert response.status_code == 200, record["url"]
            assert empty_strings(response.json()) == [], record["url"]
            checked += 1
    assert checked > 50


def test_optional_values_are_null_in_the_api(client, sparse):
    agreement = client.get("/api/agreements/sparse-agreement/").json()
    assert (agreement["place"], agreement["city"], agreement["summary"]) == (None, None, None)
    [source] = agreement["sources"]
    assert (source["publisher"], source["url"]) == (None, None)
    assert agreement["established_bodies"][0]["description"] is None
    attended = next(p for p in agreement["participations"] if p["role"] == "attended")
    assert attended["position_title"] is None
    institution = client.get("/api/institutions/sparse-hospital/").json()
    assert institution["city"] is None
    assert institution["ror_id"] is None
    assert institution["other_names"][0]["language"] is None
    person = client.get("/api/people/sparse-person/").json()
    assert (person["given_name"], person["native_name"]) == (None, None)


@pytest.mark.parametrize("path", LISTS)
def test_json_downloads_hold_no_empty_string_and_csv_keeps_empty_cells(client, sparse, path):
    response = client.get(f"/{path}/export.json")
    records = json.loads(b"".join(response.streaming_content))
    assert records
    assert empty_strings(records) == []

    response = client.get(f"/{path}/export.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        for name, value in record.items():
            if value is None:
                assert row[name] == "", (path, name)


def test_a_missing_source_url_keeps_its_place_in_the_list(client, sparse):
    download = json.loads(
        b"".join(client.get("/agreements/export.json", {"q": "sparse"}).streaming_content)
    )
    record = next(r for r in download if r["slug"] == "sparse-agreement")
    assert record["source_urls"] == [None]
    assert record["source_titles"] == [Source.objects.get(slug="sparse-source").title]


def test_dumps_json_lines_hold_no_empty_string(sparse, tmp_path):
    dump = write_dump(tmp_path)
    with zipfile.ZipFile(dump.archive) as archive:
        members = [name for name in archive.namelist() if name.endswith(".jsonl")]
        assert members
        for member in members:
            for number, line in enumerate(archive.read(member).decode().splitlines()):
                assert empty_strings(json.loads(line)) == [], f"{member} line {number + 1}"


def test_the_schema_marks_optional_text_nullable(tmp_path):
    schema_file = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(schema_file))
    schemas = json.loads(schema_file.read_text())["components"]["schemas"]
    for component, field in [
        ("AgreementDetail", "place"),
        ("AgreementDetail", "summary"),
        ("InstitutionDetail", "website"),
        ("InstitutionDetail", "ror_id"),
        ("Institution", "city"),
        ("PersonDetail", "native_name"),
        ("Source", "url"),
        ("EstablishedBody", "description"),
        ("FocusAreaDetail", "description"),
    ]:
        assert schemas[component]["properties"][field].get("nullable") is True, (component, field)


def test_the_api_page_documents_null_for_missing_values(client, db):
    html = client.get("/api/").content.decode()
    assert 'id="missing-values"' in html
    assert "never an empty string" in html
