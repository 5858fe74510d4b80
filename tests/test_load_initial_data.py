"""`load_initial_data`: idempotent, atomic, and says what it did."""

import json
import shutil
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.serializers.base import DeserializationError

from partnerships.models import Agreement

pytestmark = pytest.mark.django_db

# Derived data (the cache version every load renews, the typo lexicon) is not directory data.
MODELS = [
    model
    for model in apps.get_app_config("partnerships").get_models()
    if not getattr(model, "DERIVED_DATA", False)
]


# Derived search columns: rebuilt by every load, their parts joined in no fixed order
# (on PostgreSQL the order follows the rows' physical order, which updates move).
SEARCH_VECTOR = "search_vector"
SEARCH_DOCUMENT = "search_document"


def comparable(row):
    row = dict(row)
    row.pop(SEARCH_VECTOR, None)
    if SEARCH_DOCUMENT in row:
        row[SEARCH_DOCUMENT] = sorted(row[SEARCH_DOCUMENT].split(" · "))
    return row


def snapshot():
    """Every row of every model of the app, ids and timestamps included."""
    return {
        model.__name__: [comparable(row) for row in model.objects.order_by("pk").values()]
        for model in MODELS
    }


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def broken_fixtures(tmp_path):
    """A copy of fixtures/ whose agreements file renames an agreement, then cites a nobody."""
    fixtures = tmp_path / "fixtures"
    shutil.copytree(settings.FIXTURE_DIRS[0], fixtures)
    path = fixtures / "agreements.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    rows[0]["fields"]["title"] = "Renamed by a broken fixture"
    participation = next(row for row in rows if row["model"] == "partnerships.participation")
    participation["fields"]["person"] = ["nobody-of-that-name"]
    path.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
    return fixtures


def test_the_command_says_what_it_loaded():
    out = StringIO()
    call_command("load_initial_data", stdout=out)
    assert "5 sources, 22 fields, 22 institutions, 42 people, 5 agreements" in out.getvalue()


def test_loading_twice_changes_nothing():
    call_command("load_initial_data", verbosity=0)
    before_counts, before_rows = counts(), snapshot()

    call_command("load_initial_data", verbosity=0)

    assert counts() == before_counts
    assert snapshot() == before_rows
    agreement = Agreement.objects.get(slug="hkust-pumch-strategic-cooperation-2024")
    assert (agreement.signed_on_iso, agreement.term_months, agreement.party_links.count()) == (
        "2024",
        36,
        2,
    )


def test_loading_over_an_edited_record_restores_the_curated_value():
    call_command("load_initial_data", verbosity=0)
    Agreement.objects.filter(slug="tju-tijmu-strategic-cooperation-2017").update(title="Edited")

    call_command("load_initial_data", verbosity=0)

    assert Agreement.objects.get(slug="tju-tijmu-strategic-cooperation-2017").title.startswith(
        "Agreement between Tianjin University and Tianjin Medical University"
    )
    assert Agreement.objects.count() == 5


def test_a_broken_fixture_fails_loudly_and_leaves_the_database_as_it_was(broken_fixtures, settings):
    call_command("load_initial_data", verbosity=0)
    before_counts, before_rows = counts(), snapshot()
    settings.FIXTURE_DIRS = [broken_fixtures]

    with pytest.raises(
        DeserializationError, match=r"agreements\.json.*Participation has no person"
    ):
        call_command("load_initial_data", verbosity=0)

    assert counts() == before_counts
    assert snapshot() == before_rows
    assert not Agreement.objects.filter(title="Renamed by a broken fixture").exists()


def test_a_broken_fixture_on_an_empty_database_loads_nothing(broken_fixtures, settings):
    settings.FIXTURE_DIRS = [broken_fixtures]

    with pytest.raises(DeserializationError):
        call_command("load_initial_data", verbosity=0)

    assert set(counts().values()) == {0}


def test_a_fixture_that_is_not_json_fails_loudly(tmp_path, settings):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(settings.FIXTURE_DIRS[0], fixtures)
    (fixtures / "people.json").write_text('[{"model": "partnerships.person",', encoding="utf-8")
    settings.FIXTURE_DIRS = [fixtures]

    with pytest.raises(DeserializationError):
        call_command("load_initial_data", verbosity=0)

    assert set(counts().values()) == {0}
