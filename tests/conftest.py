import pytest
from django.core.management import call_command


@pytest.fixture
def curated(db):
    """The curated directory, loaded exactly as `make run` loads it."""
    call_command("load_initial_data", verbosity=0)
