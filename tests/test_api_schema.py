"""Property tests: generated requests against the OpenAPI schema, through the WSGI app.

Every request the schema allows gets an answer that is not a server error and that
matches the schema's description of it (200, 400 and 404 bodies alike).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from partnerships.models import Agreement, FocusArea, Institution, Person
from partnerships.wsgi import application

# Loaded once, at collection: generating the schema reads no data. Schemathesis's WSGI
# client calls the app as "localhost", whatever DJANGO_ALLOWED_HOSTS says.
with override_settings(ALLOWED_HOSTS=["localhost"]):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# Schemathesis's WSGI client asks for gzip but does not unpack it.
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture(autouse=True)
def directory(curated, settings):
    """The curated data, kept for the whole test: the WSGI handler closes the database
    connection around each request, which would end the test's transaction (Django's
    test client disconnects the same signals)."""
    settings.ALLOWED_HOSTS = ["localhost"]
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_request_its_schema_allows(case):
    case.call_and_validate(headers=PLAIN, checks=[not_a_server_error, response_schema_conformance])


RECORDS = {
    "agreements": lambda: Agreement.objects.published(),
    "institutions": lambda: Institution.objects.all(),
    "people": lambda: Person.objects.all(),
    "fields": lambda: FocusArea.objects.all(),
}


@pytest.mark.parametrize("kind", RECORDS)
def test_every_curated_record_matches_the_schema(kind):
    """Generated slugs mostly miss; here every real record's answer is checked too.

    (Through the WSGI app only: Django's test client would reconnect the signals.)"""
    checks = [not_a_server_error, response_schema_conformance]
    slugs = list(RECORDS[kind]().values_list("slug", flat=True))

    schema[f"/api/{kind}/"]["GET"].Case(query={}).call_and_validate(headers=PLAIN, checks=checks)
    detail = schema[f"/api/{kind}/{{slug}}/"]["GET"]
    for slug in slugs:
        case = detail.Case(path_parameters={"slug": slug})
        response = case.call_and_validate(headers=PLAIN, checks=checks)
        assert response.status_code == 200
    assert slugs
