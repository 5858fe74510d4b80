"""Following changes: created_at and updated_at everywhere, updated_since on every list."""

import csv
import datetime
import io
import json
import re

import pytest
from django.utils import timezone

from partnerships.models import Agreement, FocusArea, Institution, Person
from tests.factories import AgreementFactory, FocusAreaFactory, InstitutionFactory, PersonFactory

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)

LISTS = [
    ("agreements", Agreement, AgreementFactory),
    ("institutions", Institution, InstitutionFactory),
    ("people", Person, PersonFactory),
    ("fields", FocusArea, FocusAreaFactory),
]


def two_records_one_changed(model, factory):
    """Two records, both last changed long ago; then one of them is edited."""
    old, changed = factory(), factory()
    model.objects.filter(pk__in=[old.pk, changed.pk]).update(
        created_at=LONG_AGO, updated_at=LONG_AGO
    )
    changed.refresh_from_db()
    changed.save()
    return old, changed


@pytest.mark.parametrize(("path", "model", "factory"), LISTS)
def test_every_api_list_takes_updated_since(client, db, path, model, factory):
    _old, changed = two_records_one_changed(model, factory)
    since = (changed.updated_at - datetime.timedelta(seconds=1)).isoformat()

    response = client.get(f"/api/{path}/", {"updated_since": since})

    assert response.status_code == 200
    assert [record["slug"] for record in response.json()["results"]] == [changed.slug]


@pytest.mark.parametrize(("path", "model", "factory"), LISTS)
def test_every_download_takes_updated_since_and_gives_both_times(client, db, path, model, factory):
    _old, changed = two_records_one_changed(model, factory)
    since = "2021-01-01T00:00:00Z"

    response = client.get(f"/{path}/export.csv", {"updated_since": since})

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["slug"] for row in rows] == [changed.slug]
    assert rows[0]["created_at"] == "2020-01-01T00:00:00.000000Z"
    assert TIMESTAMP.match(rows[0]["updated_at"])


@pytest.mark.parametrize(("path", "model", "factory"), LISTS)
def test_api_records_carry_both_times_in_one_format(client, db, path, model, factory):
    record = factory()

    listed = client.get(f"/api/{path}/").json()["results"][0]
    detail = client.get(f"/api/{path}/{record.slug}/").json()

    for data in (listed, detail):
        assert TIMESTAMP.match(data["created_at"]), data["created_at"]
        assert TIMESTAMP.match(data["updated_at"]), data["updated_at"]
    assert detail["updated_at"] == record.updated_at.astimezone(datetime.UTC).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ"
    )


def test_published_at_has_the_same_format_in_the_api_and_the_downloads(client, db):
    agreement = AgreementFactory(published_at=timezone.now())

    api = client.get(f"/api/agreements/{agreement.slug}/").json()["published_at"]
    response = client.get("/agreements/export.json")
    download = json.loads(b"".join(response.streaming_content))[0]["published_at"]

    assert api == download
    assert TIMESTAMP.match(api)


def test_updated_since_that_is_not_a_time_is_a_400_naming_it(client, db):
    response = client.get("/api/agreements/", {"updated_since": "yesterday"})

    assert response.status_code == 400
    assert "updated_since" in response.json()["errors"]
