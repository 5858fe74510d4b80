import copy

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

# Rows of the curated directory, captured after the first real load of a test session.
_curated_snapshot = []


@pytest.fixture
def curated(db):
    """The curated directory, loaded exactly as `make run` loads it.

    The first test of a session runs the real loader (about 1,900 queries); later tests
    re-insert the same rows with one bulk insert per model, which keeps the suite fast.
    The loader itself is tested in test_curated_data.py.
    """
    models = list(apps.get_app_config("partnerships").get_models())
    if not _curated_snapshot:
        call_command("load_initial_data", verbosity=0)
        _curated_snapshot.extend((model, list(model.objects.all())) for model in models)
        return
    for model, rows in _curated_snapshot:
        model.objects.bulk_create(copy.deepcopy(rows))
    # Explicit ids do not advance PostgreSQL's sequences: move them past the inserted rows.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in English: a request leaves its language active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached facets or counts (versions restart with each test)."""
    from django.core.cache import cache

    cache.clear()
