"""Bulk dumps: valid Frictionless data packages that load back into an empty database."""

import csv
import datetime
import io
import json
import zipfile

import frictionless
import pytest
from django.core.management import call_command
from django.db.models import F

from partnerships.models import Agreement, FocusArea, Institution
from partnerships.open_data.dumps import TABLES, existing_dumps, load_dump, write_dump
from partnerships.open_data.timestamps import format_timestamp
from tests.factories import (
    AgreementFactory,
    DraftAgreementFactory,
    FocusAreaFactory,
    InstitutionFactory,
    ParticipationFactory,
)


def published_state():
    """Every published row of every table, every stored field but the derived ones."""
    state = {}
    for table in TABLES:
        names = [field.attname for field in table.fields]
        state[table.name] = list(table.queryset().values_list(*names))
    return state


def empty_the_directory():
    """Delete every partnerships record, dependants first (most links are PROTECT)."""
    for table in reversed(TABLES):
        if table.model is FocusArea:
            FocusArea.objects.filter(parent__isnull=False).delete()
        table.model.objects.all().delete()


@pytest.fixture
def directory(curated):
    """The curated directory plus a year-only agreement, an undated one and a draft."""
    parent = FocusAreaFactory(slug="zz-parent", name="ZZ parent")
    child = FocusAreaFactory(slug="aa-child", name="AA child", parent=parent)
    AgreementFactory(
        slug="year-only",
        signed_on=datetime.date(2024, 1, 1),
        signed_on_precision="year",
        fields=[child],
    )
    AgreementFactory(slug="undated", signed_on=None, signed_on_precision="unknown")
    renamed = InstitutionFactory(slug="old-name-hospital")
    renamed.slug = "new-name-hospital"
    renamed.save()
    draft = DraftAgreementFactory(
        slug="draft-under-review",
        parties=[InstitutionFactory(slug="draft-party"), InstitutionFactory()],
    )
    ParticipationFactory(agreement=draft, role="signed", on_behalf_of=draft.parties.first())
    draft.slug = "draft-renamed"
    draft.save()


def members(archive_path, prefix):
    with zipfile.ZipFile(archive_path) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith(prefix)
        }


def test_a_dump_is_a_valid_frictionless_data_package(directory, tmp_path):
    dump = write_dump(tmp_path)
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(dump.archive).extractall(unpacked)

    report = frictionless.validate(unpacked / "datapackage.json")

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((unpacked / "datapackage.json").read_text())
    assert {resource["name"] for resource in package["resources"]} == {t.name for t in TABLES}
    assert package["licenses"][0]["name"] == "CC0-1.0"


def test_partial_dates_are_text_with_a_pattern_as_precise_as_stated(directory, tmp_path):
    dump = write_dump(tmp_path)
    package = json.loads(members(dump.archive, "datapackage.json")["datapackage.json"])
    agreements = next(r for r in package["resources"] if r["name"] == "agreements")
    signed_on = next(f for f in agreements["schema"]["fields"] if f["name"] == "signed_on")
    assert signed_on["type"] == "string"
    assert "pattern" in signed_on["constraints"]

    rows = {
        row["slug"]: row
        for row in csv.DictReader(
            io.StringIO(members(dump.archive, "csv/agreements.csv")["csv/agreements.csv"])
        )
    }
    assert rows["year-only"]["signed_on"] == "2024"
    assert rows["undated"]["signed_on"] == ""
    assert rows["beihang-pumc-strategic-cooperation-2023"]["signed_on"] == "2023-05-18"


def test_a_dump_holds_published_agreements_only_with_every_relation(directory, tmp_path):
    dump = write_dump(tmp_path)
    jsonl = members(dump.archive, "jsonl/")
    agreement_slugs = {
        json.loads(line)["slug"] for line in jsonl["jsonl/agreements.jsonl"].splitlines()
    }
    assert "draft-renamed" not in agreement_slugs
    assert agreement_slugs == set(Agreement.objects.published().values_list("slug", flat=True))
    draft_id = Agreement.objects.get(slug="draft-renamed").pk
    participations = [json.loads(line) for line in jsonl["jsonl/participations.jsonl"].splitlines()]
    assert participations
    assert all(row["agreement_id"] != draft_id for row in participations)
    signed = next(row for row in participations if row["role"] == "signed")
    assert signed["on_behalf_of_id"] is not None
    for name in ("institution_relations", "institution_names", "positions", "sources"):
        assert jsonl[f"jsonl/{name}.jsonl"].strip(), name


def test_a_dump_holds_the_old_slugs_of_its_records_so_renamed_ids_can_be_followed(
    directory, tmp_path
):
    dump = write_dump(tmp_path)
    jsonl = members(dump.archive, "jsonl/")
    rows = [json.loads(line) for line in jsonl["jsonl/old_slugs.jsonl"].splitlines()]
    institutions = {
        row["id"]: row["slug"]
        for row in map(json.loads, jsonl["jsonl/institutions.jsonl"].splitlines())
    }

    renamed = next(row for row in rows if row["old_slug"] == "old-name-hospital")
    assert renamed["model"] == "institution"
    assert renamed["reason"] == "renamed"
    assert institutions[renamed["object_id"]] == "new-name-hospital"
    # A draft's old slug would name a record the dump does not hold.
    assert not [row for row in rows if row["old_slug"] == "draft-under-review"]

    package = json.loads(members(dump.archive, "datapackage.json")["datapackage.json"])
    old_slugs = next(r for r in package["resources"] if r["name"] == "old_slugs")
    columns = {field["name"]: field for field in old_slugs["schema"]["fields"]}
    assert columns["object_id"]["type"] == "integer"
    assert "institution" in columns["model"]["constraints"]["enum"]
    csv_text = members(dump.archive, "csv/old_slugs.csv")["csv/old_slugs.csv"]
    assert "old-name-hospital" in csv_text


def test_csv_and_json_lines_hold_the_same_rows(directory, tmp_path):
    dump = write_dump(tmp_path)
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(dump.archive).extractall(unpacked)
    package = frictionless.Package(unpacked / "datapackage.json")
    for resource in package.resources:
        lines = (unpacked / f"jsonl/{resource.name}.jsonl").read_text().splitlines()
        from_jsonl = [json.loads(line) for line in lines]
        with resource:
            from_csv = [row.to_dict() for row in resource.row_stream]
        assert len(from_csv) == len(from_jsonl), resource.name
        for csv_row, jsonl_row in zip(from_csv, from_jsonl, strict=True):
            assert {name: as_json(value) for name, value in csv_row.items()} == jsonl_row


def as_json(value):
    """A value frictionless read from CSV, as the dump writes it in JSON Lines."""
    if isinstance(value, datetime.datetime):
        return format_timestamp(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def test_a_dump_loads_back_into_an_empty_database_equal_to_the_source(directory, tmp_path):
    before = published_state()
    dump = write_dump(tmp_path)

    empty_the_directory()
    assert not Institution.objects.exists()
    loaded = load_dump(dump.archive)

    assert published_state() == before
    assert loaded == {name: len(rows) for name, rows in before.items()}
    # New records still get fresh ids after the loaded ones (sequences moved past them).
    assert InstitutionFactory().pk > max(row[0] for row in before["institutions"])


def test_each_dump_is_dated_numbered_and_says_what_changed_since_the_last(directory, tmp_path):
    first = write_dump(tmp_path, today=datetime.date(2026, 1, 5))
    assert first.name == "partnerships-2026-01-05-v1"
    assert first.manifest["changes"] is None

    Agreement.objects.filter(slug="year-only").update(title="Renamed", updated_at=F("updated_at"))
    AgreementFactory(slug="a-new-agreement")
    Agreement.objects.filter(slug="undated").update(status="draft", published_at=None)
    second = write_dump(tmp_path, today=datetime.date(2026, 2, 1))

    assert second.name == "partnerships-2026-02-01-v2"
    changes = second.manifest["changes"]["agreements"]
    assert changes["added"] == {"count": 1, "listed": ["a-new-agreement"]}
    assert changes["removed"] == {"count": 1, "listed": ["undated"]}
    assert changes["changed"] == {"count": 1, "listed": ["year-only"]}
    assert second.manifest["previous"] == first.name
    assert [dump.name for dump in existing_dumps(tmp_path)] == [second.name, first.name]


def test_the_manifest_gives_the_archive_size_and_checksum(directory, tmp_path):
    import hashlib

    dump = write_dump(tmp_path)
    content = dump.archive.read_bytes()
    assert dump.manifest["bytes"] == len(content)
    assert dump.manifest["sha256"] == hashlib.sha256(content).hexdigest()
    assert not list(tmp_path.glob("*.partial"))


def test_the_command_writes_a_dump(directory, tmp_path):
    out = io.StringIO()
    call_command("dump_open_data", directory=str(tmp_path), stdout=out)
    assert "SHA-256" in out.getvalue()
    assert len(existing_dumps(tmp_path)) == 1


@pytest.fixture
def dumps_dir(settings, tmp_path):
    settings.OPEN_DATA_DUMPS_DIR = tmp_path / "dumps"
    return settings.OPEN_DATA_DUMPS_DIR


def test_the_data_page_lists_each_dump_with_its_size_checksum_and_changes(
    directory, dumps_dir, client
):
    write_dump()
    AgreementFactory(slug="signed-after-the-first-dump")
    second = write_dump()

    page = client.get("/data/")

    assert page.status_code == 200
    html = page.content.decode()
    assert second.manifest["sha256"] in html
    assert f"{second.manifest['bytes']:,} bytes" in html
    assert f"/data/{second.name}.zip" in html
    assert "signed-after-the-first-dump" in html
    assert "The first dump." in html


def test_the_data_page_shows_a_new_dump_at_once(directory, dumps_dir, client):
    assert "No dump has been written yet." in client.get("/data/").content.decode()
    dump = write_dump()
    assert dump.manifest["sha256"] in client.get("/data/").content.decode()


def test_the_dump_index_is_json_for_programs(directory, dumps_dir, client):
    dump = write_dump()

    index = client.get("/data/dumps.json").json()

    assert index["licence"]["spdx"] == "CC0-1.0"
    [entry] = index["dumps"]
    assert entry["sha256"] == dump.manifest["sha256"]
    assert entry["url"].endswith(f"/data/{dump.name}.zip")
    assert entry["counts"]["agreements"] == Agreement.objects.published().count()


def test_a_dump_downloads_as_its_archive(directory, dumps_dir, client):
    dump = write_dump()

    response = client.get(f"/data/{dump.name}.zip")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == dump.archive.read_bytes()
    assert client.get("/data/partnerships-2020-01-01-v99.zip").status_code == 404


def test_the_load_command_fills_an_empty_database_and_refuses_a_full_one(directory, tmp_path):
    from django.core.management import CommandError

    dump = write_dump(tmp_path)
    with pytest.raises(CommandError, match="already holds records"):
        call_command("load_open_data", str(dump.archive))

    before = published_state()
    empty_the_directory()
    out = io.StringIO()
    call_command("load_open_data", str(dump.archive), stdout=out)

    assert published_state() == before
    assert "Loaded" in out.getvalue()
    # The derived search text was rebuilt for every loaded record.
    assert not Institution.objects.filter(search_document="").exists()
    assert not Agreement.objects.filter(search_document="").exists()
