"""Property tests: generated requests against the OpenAPI schema, through the WSGI app.

Every request the schema allows gets an answer that is not a server error and that
matches the schema's description of it (200, 400 and 404 bodies alike).
"""

import pytest
import schemathesis
from django.core.signals import request_finished
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from partnerships.wsgi import application

# Loaded once, at collection: generating the schema reads no data.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def directory(curated):
    """The curated data, kept for the whole test: the WSGI handler closes the database
    connection after each request, which would end the test's transaction (Django's
    test client disconnects the same signal)."""
    request_finished.disconnect(close_old_connections)
    yield
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_request_its_schema_allows(case):
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])


@pytest.mark.parametrize("kind", ["agreements", "institutions", "people", "fields"])
def test_every_curated_record_matches_the_schema(client, kind):
    """Generated slugs mostly miss; here every real record's answer is checked too."""
    slugs, url = [], f"/api/{kind}/"
    while url:
        body = client.get(url).json()
        slugs += [record["slug"] for record in body["results"]]
        url = body["next"]
    checks = [not_a_server_error, response_schema_conformance]

    schema[f"/api/{kind}/"]["GET"].Case(query={}).call_and_validate(checks=checks)
    detail = schema[f"/api/{kind}/{{slug}}/"]["GET"]
    for slug in slugs:
        detail.Case(path_parameters={"slug": slug}).call_and_validate(checks=checks)
    assert slugs
