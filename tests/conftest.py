import copy

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# Rows of the curated directory, captured after the first real load of a test session.
_curated_snapshot = []


@pytest.fixture
def curated(db):
    """The curated directory, loaded exactly as `make run` loads it.

    The first test of a session runs the real loader (about 1,900 queries); later tests
    re-insert the same rows, derived data included (search text and vectors, the typo
    lexicon), with one bulk insert per model and no rebuild, which keeps the suite fast
    (a rebuild per test cost about a second on PostgreSQL). The loader itself, and the
    rebuild after it, are tested in test_curated_data.py and test_write_path.py.
    """
    from partnerships import read_model, write_path
    from partnerships.models import Agreement, AgreementFacets, DirectoryVersion

    models = [
        model
        for model in apps.get_app_config("partnerships").get_models()
        # The cache key is renewed below, and the facet rows (arrays Django does not
        # know of) rewritten, rather than copied.
        if model not in (DirectoryVersion, AgreementFacets)
    ]
    if not _curated_snapshot:
        call_command("load_initial_data", verbosity=0)
        _curated_snapshot.extend((model, list(model.objects.all())) for model in models)
        return
    with transaction.atomic(), write_path.with_derived_data():
        for model, rows in _curated_snapshot:
            model._base_manager.bulk_create(copy.deepcopy(rows))
        read_model.refresh(Agreement.objects.all())
        DirectoryVersion.renew()
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


def _only_test_transactions(db_connection):
    """Inside a test, outside any transaction the code under test opened itself."""
    return db_connection.in_atomic_block and all(
        block._from_testcase for block in db_connection.atomic_blocks
    )


@pytest.fixture(autouse=True)
def commits_as_in_production(monkeypatch):
    """``on_commit`` callbacks run when the code under test commits, as in production.

    Each test runs inside a transaction that is rolled back, so by default the write
    path's rebuild (``transaction.on_commit``) would never run. Here a callback
    registered outside any transaction of the code runs at once (as in autocommit), and
    one registered inside runs when that outermost transaction ends without error.
    """
    original_on_commit = BaseDatabaseWrapper.on_commit
    original_exit = transaction.Atomic.__exit__

    def on_commit(self, func, robust=False):
        if _only_test_transactions(self):
            func()
        else:
            original_on_commit(self, func, robust)

    def atomic_exit(self, exc_type, exc_value, traceback):
        result = original_exit(self, exc_type, exc_value, traceback)
        db_connection = transaction.get_connection(self.using)
        if not self._from_testcase and _only_test_transactions(db_connection):
            # The code's outermost transaction "committed": rolled-back savepoints have
            # already dropped their callbacks.
            callbacks, db_connection.run_on_commit = db_connection.run_on_commit, []
            for _, func, _ in callbacks:
                func()
        return result

    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit)
    monkeypatch.setattr(transaction.Atomic, "__exit__", atomic_exit)
