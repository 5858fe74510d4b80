"""A client generated from the OpenAPI schema, as a consumer would make one, reads a page
of the API and follows ``next`` to the end, with no hand fixes.

The client is generated afresh from the current schema on every run (openapi-python-client),
so a change to the API that breaks generated clients fails here.
"""

import importlib
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from partnerships.models import Agreement
from tests.factories import AgreementFactory, InstitutionFactory

PACKAGE = "directory_api_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def generated_client(tmp_path):
    if not GENERATOR.exists():
        pytest.fail(f"openapi-python-client is not installed beside {sys.executable}")
    schema = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(schema))
    config = tmp_path / "config.yaml"
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    subprocess.run(
        [
            GENERATOR,
            "generate",
            "--path",
            schema,
            "--config",
            config,
            "--meta",
            "none",
            "--output-path",
            tmp_path / PACKAGE,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]
        shutil.rmtree(tmp_path / PACKAGE)


def test_a_generated_client_reads_a_page_and_follows_next(generated_client, live_server):
    parties = [InstitutionFactory(), InstitutionFactory()]
    for _ in range(53):
        AgreementFactory(parties=parties)
    agreements_list = importlib.import_module(f"{PACKAGE}.api.agreements.agreements_list")
    client = generated_client.Client(base_url=live_server.url, raise_on_unexpected_status=True)

    slugs, page, pages = [], 1, 0
    while page is not None:
        result = agreements_list.sync(client=client, page=page)
        pages += 1
        slugs += [agreement.slug for agreement in result.results]
        assert all(agreement.parties for agreement in result.results)
        next_url = result.next_ if isinstance(result.next_, str) else None
        page = int(parse_qs(urlsplit(next_url).query)["page"][0]) if next_url else None

    assert pages == 2
    assert result.count == 53
    assert sorted(slugs) == sorted(Agreement.objects.published().values_list("slug", flat=True))
